//! Finding a request's operation in a component's OpenAPI document, and the
//! security requirements it has.

use http::Method;
use serde_json::Value;

/// One scheme of a requirement, with the scopes it must grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SchemeRequirement {
    pub(crate) scheme: String,
    pub(crate) scopes: Vec<String>,
}

/// A security requirement object: every scheme in it must pass. An empty
/// one allows anonymous access.
pub(crate) type Requirement = Vec<SchemeRequirement>;

#[derive(Debug, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Parameter,
}

struct Operation {
    method: Method,
    template: Vec<Segment>,
    /// Alternatives: one of them must pass. Empty: no security.
    requirements: Vec<Requirement>,
}

/// The operations of one component that have security requirements.
#[derive(Default)]
pub(crate) struct OperationTable {
    operations: Vec<Operation>,
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

impl OperationTable {
    /// The table of a component's document.
    pub(crate) fn new(document: &Value) -> OperationTable {
        let default = document.get("security").map(requirements);
        let mut operations = Vec::new();
        let Some(paths) = document.get("paths").and_then(Value::as_object) else {
            return OperationTable::default();
        };
        for (path, item) in paths {
            for method in METHODS {
                let Some(operation) = item.get(method) else {
                    continue;
                };
                let requirements = match operation.get("security") {
                    Some(security) => requirements(security),
                    None => default.clone().unwrap_or_default(),
                };
                let Ok(method) = method.to_ascii_uppercase().parse::<Method>() else {
                    continue;
                };
                operations.push(Operation {
                    method,
                    template: template(path),
                    requirements,
                });
            }
        }
        OperationTable { operations }
    }

    /// Every scheme any operation requires.
    pub(crate) fn schemes(&self) -> impl Iterator<Item = &str> {
        self.operations
            .iter()
            .flat_map(|operation| &operation.requirements)
            .flatten()
            .map(|requirement| requirement.scheme.as_str())
    }

    /// The requirements of the operation that serves `method path`: literal
    /// segments win over parameters, left to right, as the SDK's router
    /// decides. `HEAD` falls back to `GET`. An unknown operation has none:
    /// the component answers 404 or 405 itself.
    pub(crate) fn requirements(&self, method: &Method, path: &str) -> &[Requirement] {
        let segments: Vec<String> = path
            .trim_start_matches('/')
            .split('/')
            .map(|segment| {
                percent_encoding::percent_decode_str(segment)
                    .decode_utf8_lossy()
                    .into_owned()
            })
            .collect();
        let find = |method: &Method| {
            self.operations
                .iter()
                .filter(|operation| operation.method == *method)
                .filter_map(|operation| {
                    matches(&operation.template, &segments).map(|rank| (rank, operation))
                })
                .max_by(|(a, _), (b, _)| a.cmp(b))
                .map(|(_, operation)| operation.requirements.as_slice())
        };
        find(method)
            .or_else(|| {
                (*method == Method::HEAD)
                    .then(|| find(&Method::GET))
                    .flatten()
            })
            .unwrap_or(&[])
    }
}

/// Whether `segments` fit `template`, with a rank: which segments were literal.
fn matches(template: &[Segment], segments: &[String]) -> Option<Vec<bool>> {
    if template.len() != segments.len() {
        return None;
    }
    template
        .iter()
        .zip(segments)
        .map(|(part, segment)| match part {
            Segment::Literal(literal) => (literal == segment).then_some(true),
            Segment::Parameter => (!segment.is_empty()).then_some(false),
        })
        .collect()
}

fn template(path: &str) -> Vec<Segment> {
    path.trim_start_matches('/')
        .split('/')
        .map(|segment| {
            if segment.starts_with('{') && segment.ends_with('}') {
                Segment::Parameter
            } else {
                Segment::Literal(segment.to_owned())
            }
        })
        .collect()
}

/// `[{"bearer": ["read"]}, {"api_key": []}]` as requirements.
fn requirements(security: &Value) -> Vec<Requirement> {
    security
        .as_array()
        .map(|alternatives| {
            alternatives
                .iter()
                .filter_map(Value::as_object)
                .map(|requirement| {
                    requirement
                        .iter()
                        .map(|(scheme, scopes)| SchemeRequirement {
                            scheme: scheme.clone(),
                            scopes: scopes
                                .as_array()
                                .map(|scopes| {
                                    scopes
                                        .iter()
                                        .filter_map(Value::as_str)
                                        .map(str::to_owned)
                                        .collect()
                                })
                                .unwrap_or_default(),
                        })
                        .collect()
                })
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_requirements_with_literals_first_and_defaults() {
        let table = OperationTable::new(&json!({
            "security": [{"bearer": []}],
            "paths": {
                "/items/{id}": {"get": {}, "delete": {"security": [{"bearer": ["admin"]}, {"key": []}]}},
                "/items/mine": {"get": {"security": [{}]}},
                "/public": {"get": {"security": []}}
            }
        }));
        let bearer = |scopes: &[&str]| SchemeRequirement {
            scheme: "bearer".into(),
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
        };
        assert_eq!(
            table.requirements(&Method::GET, "/items/5"),
            &[vec![bearer(&[])]]
        );
        assert_eq!(table.requirements(&Method::HEAD, "/items/5").len(), 1);
        assert_eq!(
            table.requirements(&Method::DELETE, "/items/5"),
            &[
                vec![bearer(&["admin"])],
                vec![SchemeRequirement {
                    scheme: "key".into(),
                    scopes: vec![]
                }]
            ]
        );
        assert_eq!(table.requirements(&Method::GET, "/items/mine"), &[vec![]]);
        assert!(table.requirements(&Method::GET, "/public").is_empty());
        assert!(table.requirements(&Method::GET, "/nowhere").is_empty());
        assert!(table.requirements(&Method::GET, "/items/").is_empty());
        assert_eq!(
            table.requirements(&Method::GET, "/items/%6Dine"),
            &[vec![]],
            "percent-encoded literals match as decoded"
        );
    }
}
