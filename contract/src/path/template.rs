//! [`Template`]: a parsed path template such as `/items/{item_id}`.

use std::borrow::Cow;
use std::fmt;

/// Why a path template cannot be used, or cannot be added to a router.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError(String);

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TemplateError {}

impl TemplateError {
    fn invalid(template: &str, reason: String) -> TemplateError {
        TemplateError(format!("invalid path template {template:?}: {reason}"))
    }

    /// `method template` would serve the same requests as `method existing`.
    pub(super) fn duplicate(
        method: &http::Method,
        template: &Template,
        existing: &Template,
    ) -> TemplateError {
        TemplateError(if existing.as_str() == template.as_str() {
            format!("{method} {template} is registered twice")
        } else {
            format!("{method} {template} matches the same paths as {method} {existing}")
        })
    }
}

/// A path template: `/`-separated segments, each literal text or one
/// `{parameter}` named like a Rust identifier.
///
/// ```
/// use wafer_contract::path::Template;
///
/// let template = Template::parse("/items/{item_id}/tags/{tag}").unwrap();
/// assert_eq!(template.parameters().collect::<Vec<_>>(), ["item_id", "tag"]);
/// assert!(Template::parse("items").is_err());
/// assert!(Template::parse("/files/{name}.txt").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    text: String,
    segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Parameter(String),
}

/// Which segments of a path met literal segments of the template that
/// matched it; compared left to right, a literal ranks above a parameter.
pub(super) type Rank = Vec<bool>;

impl Template {
    /// Parses a template; the error says what is wrong with it.
    pub fn parse(template: &str) -> Result<Template, TemplateError> {
        let fail = |reason: String| TemplateError::invalid(template, reason);
        let Some(rest) = template.strip_prefix('/') else {
            return Err(fail("it must start with '/'".into()));
        };
        if let Some(bad) = template
            .chars()
            .find(|c| c.is_whitespace() || c.is_control() || *c == '?' || *c == '#')
        {
            return Err(fail(format!("{bad:?} cannot be part of a path")));
        }
        let mut segments = Vec::new();
        for segment in rest.split('/') {
            if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                let is_identifier = name
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_alphabetic() || c == '_')
                    && name.chars().all(|c| c.is_alphanumeric() || c == '_');
                if !is_identifier {
                    return Err(fail(format!("parameter {{{name}}} is not an identifier")));
                }
                if segments.contains(&Segment::Parameter(name.to_owned())) {
                    return Err(fail(format!("parameter {{{name}}} appears twice")));
                }
                segments.push(Segment::Parameter(name.to_owned()));
            } else if segment.contains(['{', '}']) {
                return Err(fail(format!(
                    "segment {segment:?} must be all text or one {{parameter}}"
                )));
            } else {
                segments.push(Segment::Literal(segment.to_owned()));
            }
        }
        Ok(Template {
            text: template.to_owned(),
            segments,
        })
    }

    /// The template as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The parameter names, in order.
    pub fn parameters(&self) -> impl Iterator<Item = &str> {
        self.segments.iter().filter_map(|segment| match segment {
            Segment::Parameter(name) => Some(name.as_str()),
            Segment::Literal(_) => None,
        })
    }

    /// Whether the same paths match both (parameter names aside).
    pub fn same_shape(&self, other: &Template) -> bool {
        self.segments.len() == other.segments.len()
            && self
                .segments
                .iter()
                .zip(&other.segments)
                .all(|pair| match pair {
                    (Segment::Literal(a), Segment::Literal(b)) => a == b,
                    (Segment::Parameter(_), Segment::Parameter(_)) => true,
                    _ => false,
                })
    }

    /// The match's rank if `path` (see [`segments`](super::segments)) fits.
    pub(super) fn rank(&self, path: &[Cow<'_, str>]) -> Option<Rank> {
        if path.len() != self.segments.len() {
            return None;
        }
        self.segments
            .iter()
            .zip(path)
            .map(|(segment, part)| match segment {
                Segment::Literal(text) => (text == part).then_some(true),
                Segment::Parameter(_) => (!part.is_empty()).then_some(false),
            })
            .collect()
    }

    /// The parameters' values in `path`, which the template matched.
    pub(super) fn values<'t>(&'t self, path: &[Cow<'_, str>]) -> Vec<(&'t str, String)> {
        self.segments
            .iter()
            .zip(path)
            .filter_map(|(segment, part)| match segment {
                Segment::Parameter(name) => Some((name.as_str(), part.clone().into_owned())),
                Segment::Literal(_) => None,
            })
            .collect()
    }
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_templates_are_explained() {
        for (bad, why) in [
            ("items", "start with '/'"),
            ("/a/{1x}", "not an identifier"),
            ("/a/{}", "not an identifier"),
            ("/a/{b}/{b}", "appears twice"),
            ("/a/x{b}", "all text or one"),
            ("/a/{b", "all text or one"),
            ("/a b", "cannot be part of a path"),
            ("/a?b", "cannot be part of a path"),
        ] {
            let error = Template::parse(bad).expect_err(bad).to_string();
            assert!(error.contains(why), "{bad}: {error}");
        }
        assert!(Template::parse("/").is_ok());
        assert!(Template::parse("/a/{é_1}").is_ok());
    }
}
