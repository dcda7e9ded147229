//! Matching a method and path against the app's path templates.
//!
//! Templates are `/`-separated segments, each either static text or one
//! `{parameter}`. When several templates match a path, static segments win over
//! parameters, segment by segment from the left (`/items/me` is chosen over
//! `/items/{id}` for `/items/me`), and a template that also allows the method
//! wins over one that does not.

use http::Method;

/// Why a template cannot be used; reported when the route is registered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TemplateError(pub(crate) String);

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A parsed path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Template {
    segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Static(String),
    Param(String),
}

impl Template {
    pub(crate) fn parse(template: &str) -> Result<Template, TemplateError> {
        let fail = |why: &str| {
            Err(TemplateError(format!(
                "invalid path template {template:?}: {why}"
            )))
        };
        let Some(rest) = template.strip_prefix('/') else {
            return fail("it must start with '/'");
        };
        let mut segments = Vec::new();
        let mut names: Vec<&str> = Vec::new();
        for segment in rest.split('/') {
            if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                let is_identifier = name
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_alphabetic() || c == '_')
                    && name.chars().all(|c| c.is_alphanumeric() || c == '_');
                if !is_identifier {
                    return fail(&format!("parameter {{{name}}} is not an identifier"));
                }
                if names.contains(&name) {
                    return fail(&format!("parameter {{{name}}} appears twice"));
                }
                names.push(name);
                segments.push(Segment::Param(name.to_owned()));
            } else if segment.contains(['{', '}']) {
                return fail(&format!(
                    "segment {segment:?} must be all text or one {{parameter}}"
                ));
            } else {
                segments.push(Segment::Static(segment.to_owned()));
            }
        }
        Ok(Template { segments })
    }

    /// The parameter names, in order.
    pub(crate) fn params(&self) -> impl Iterator<Item = &str> {
        self.segments.iter().filter_map(|segment| match segment {
            Segment::Param(name) => Some(name.as_str()),
            Segment::Static(_) => None,
        })
    }

    /// Same shape: the same path matches both (parameter names aside).
    fn same_shape(&self, other: &Template) -> bool {
        self.segments.len() == other.segments.len()
            && self
                .segments
                .iter()
                .zip(&other.segments)
                .all(|pair| match pair {
                    (Segment::Static(a), Segment::Static(b)) => a == b,
                    (Segment::Param(_), Segment::Param(_)) => true,
                    _ => false,
                })
    }

    /// The parameter values if `path` (already split and decoded) matches, and
    /// the match's rank: lower means more static segments, further left.
    fn matches(&self, path: &[String]) -> Option<(Vec<bool>, Vec<String>)> {
        if path.len() != self.segments.len() {
            return None;
        }
        let mut rank = Vec::with_capacity(path.len());
        let mut values = Vec::new();
        for (segment, part) in self.segments.iter().zip(path) {
            match segment {
                Segment::Static(text) if text == part => rank.push(false),
                Segment::Static(_) => return None,
                Segment::Param(_) => {
                    rank.push(true);
                    values.push(part.clone());
                }
            }
        }
        Some((rank, values))
    }
}

/// The outcome of routing one request.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Match {
    /// The route at this index serves the request, with these parameters.
    Found {
        route: usize,
        params: Vec<(String, String)>,
    },
    /// The path exists, for other methods: 405 with `Allow`.
    MethodNotAllowed { allow: Vec<Method> },
    /// 404.
    NotFound,
}

/// All routes' methods and templates, in registration order.
#[derive(Debug, Default)]
pub(crate) struct Router {
    routes: Vec<(Method, Template)>,
}

impl Router {
    /// Adds a route; its index is the number of routes added before it.
    pub(crate) fn add(&mut self, method: Method, template: &str) -> Result<usize, TemplateError> {
        let parsed = Template::parse(template)?;
        if self
            .routes
            .iter()
            .any(|(m, t)| *m == method && t.same_shape(&parsed))
        {
            return Err(TemplateError(format!(
                "{method} {template} is registered twice (or with another parameter name)"
            )));
        }
        self.routes.push((method, parsed));
        Ok(self.routes.len() - 1)
    }

    pub(crate) fn find(&self, method: &Method, path: &str) -> Match {
        let parts = split_path(path);
        let mut best: Option<(Vec<bool>, usize, Vec<String>)> = None;
        let mut allow: Option<(Vec<bool>, Vec<Method>)> = None;
        for (index, (route_method, template)) in self.routes.iter().enumerate() {
            let Some((rank, values)) = template.matches(&parts) else {
                continue;
            };
            if route_method == method {
                if best
                    .as_ref()
                    .is_none_or(|(best_rank, ..)| rank < *best_rank)
                {
                    best = Some((rank, index, values));
                }
            } else {
                match &mut allow {
                    Some((allow_rank, methods)) if *allow_rank == rank => {
                        methods.push(route_method.clone())
                    }
                    Some((allow_rank, _)) if *allow_rank < rank => {}
                    _ => allow = Some((rank, vec![route_method.clone()])),
                }
            }
        }
        match (best, allow) {
            (Some((_, route, values)), _) => {
                let params = self.routes[route]
                    .1
                    .params()
                    .map(str::to_owned)
                    .zip(values)
                    .collect();
                Match::Found { route, params }
            }
            (None, Some((_, allow))) => Match::MethodNotAllowed { allow },
            (None, None) => Match::NotFound,
        }
    }
}

/// Splits a request path into percent-decoded segments.
fn split_path(path: &str) -> Vec<String> {
    let path = path.strip_prefix('/').unwrap_or(path);
    path.split('/')
        .map(|segment| {
            percent_encoding::percent_decode_str(segment)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn router(routes: &[(Method, &str)]) -> Router {
        let mut router = Router::default();
        for (method, template) in routes {
            router
                .add(method.clone(), template)
                .expect("valid template");
        }
        router
    }

    fn found(route: usize, params: &[(&str, &str)]) -> Match {
        Match::Found {
            route,
            params: params
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
        }
    }

    #[test]
    fn static_segments_win_over_parameters() {
        let r = router(&[
            (Method::GET, "/items/{id}"),
            (Method::GET, "/items/me"),
            (Method::GET, "/items/{id}/tags/{tag}"),
            (Method::GET, "/items/me/tags/{tag}"),
        ]);
        assert_eq!(r.find(&Method::GET, "/items/me"), found(1, &[]));
        assert_eq!(r.find(&Method::GET, "/items/7"), found(0, &[("id", "7")]));
        assert_eq!(
            r.find(&Method::GET, "/items/me/tags/x"),
            found(3, &[("tag", "x")])
        );
        assert_eq!(
            r.find(&Method::GET, "/items/7/tags/x"),
            found(2, &[("id", "7"), ("tag", "x")])
        );
    }

    #[test]
    fn a_route_with_the_method_wins_over_a_more_static_one_without() {
        let r = router(&[
            (Method::GET, "/items/{id}"),
            (Method::POST, "/items/special"),
        ]);
        assert_eq!(
            r.find(&Method::GET, "/items/special"),
            found(0, &[("id", "special")])
        );
    }

    #[test]
    fn wrong_method_lists_allowed_ones() {
        let r = router(&[(Method::GET, "/items/{id}"), (Method::PUT, "/items/{id}")]);
        assert_eq!(
            r.find(&Method::DELETE, "/items/5"),
            Match::MethodNotAllowed {
                allow: vec![Method::GET, Method::PUT]
            }
        );
        assert_eq!(r.find(&Method::GET, "/items"), Match::NotFound);
        assert_eq!(r.find(&Method::GET, "/items/5/"), Match::NotFound);
    }

    #[test]
    fn parameters_are_percent_decoded() {
        let r = router(&[(Method::GET, "/hello/{name}")]);
        assert_eq!(
            r.find(&Method::GET, "/hello/%E2%9C%93%20x"),
            found(0, &[("name", "✓ x")])
        );
    }

    #[test]
    fn root_and_bad_templates() {
        let r = router(&[(Method::GET, "/")]);
        assert_eq!(r.find(&Method::GET, "/"), found(0, &[]));
        assert_eq!(r.find(&Method::GET, ""), found(0, &[]));
        for bad in ["items", "/a/{1x}", "/a/{b}/{b}", "/a/x{b}", "/a/{b"] {
            assert!(Template::parse(bad).is_err(), "{bad}");
        }
        let mut r = router(&[(Method::GET, "/a/{b}")]);
        assert!(r.add(Method::GET, "/a/{c}").is_err());
        assert!(r.add(Method::POST, "/a/{c}").is_ok());
    }
}
