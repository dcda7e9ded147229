//! A component's operations as its OpenAPI document declares them, each with
//! its security requirements, matched against requests by the same
//! [`Router`] the SDK routes with.

use http::Method;
use serde_json::Value;
use wafer_contract::method::OPERATION_METHODS;
use wafer_contract::path::{Match, Router};

/// One scheme of a requirement, with the scopes it must grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SchemeRequirement {
    pub(crate) scheme: String,
    pub(crate) scopes: Vec<String>,
}

/// A security requirement object: every scheme in it must pass. An empty
/// one is anonymous access.
pub(crate) type Requirement = Vec<SchemeRequirement>;

/// An operation's requirements: alternatives, one of which must pass; never
/// empty (an operation without security has the one anonymous requirement).
pub(crate) type Alternatives = Vec<Requirement>;

/// The operations of one component's document.
#[derive(Debug, Default)]
pub(crate) struct OperationTable {
    router: Router<Alternatives>,
    /// Whether any requirement names a scheme: only then is there anything
    /// to enforce, and an undocumented request is refused.
    secured: bool,
}

impl OperationTable {
    /// The table of a component's document. A `security` that is not a list
    /// of requirements is an error (the gate cannot tell what it asks for),
    /// and so are, when the document declares security, a path that is not
    /// a template the SDK could serve and two paths that match the same
    /// requests (the gate could not tell which operation a request is for).
    pub(crate) fn new(document: &Value) -> Result<OperationTable, String> {
        let default = document
            .get("security")
            .map(|security| alternatives(security).map_err(|why| format!("security: {why}")))
            .transpose()?;
        let mut table = OperationTable::default();
        let mut problems = Vec::new();
        let paths = document.get("paths").and_then(Value::as_object);
        for (path, item) in paths.into_iter().flatten() {
            for (method, key) in &OPERATION_METHODS {
                let Some(operation) = item.get(*key) else {
                    continue;
                };
                let requirements = match operation.get("security") {
                    Some(security) => alternatives(security)
                        .map_err(|why| format!("paths.{path}.{key}.security: {why}"))?,
                    None => default.clone().unwrap_or_else(anonymous),
                };
                table.secured |= requirements
                    .iter()
                    .any(|requirement| !requirement.is_empty());
                if let Err(problem) = table.router.add(method.clone(), path, requirements) {
                    problems.push(problem.to_string());
                }
            }
        }
        match problems.first() {
            Some(problem) if table.secured => Err(format!(
                "the gate cannot tell which operation a request is for: {problem}"
            )),
            _ => Ok(table),
        }
    }

    /// Whether the document requires a credential anywhere.
    pub(crate) fn is_secured(&self) -> bool {
        self.secured
    }

    /// Every scheme any operation requires.
    pub(crate) fn schemes(&self) -> impl Iterator<Item = &str> {
        self.router
            .routes()
            .flat_map(|(_, _, alternatives)| alternatives)
            .flatten()
            .map(|requirement| requirement.scheme.as_str())
    }

    /// The operation that serves `method path`, as the SDK's router decides.
    pub(crate) fn find(&self, method: &Method, path: &str) -> Match<'_, Alternatives> {
        self.router.find(method, path)
    }
}

/// The one requirement of an operation open to anyone.
fn anonymous() -> Alternatives {
    vec![Requirement::new()]
}

/// `[{"bearer": ["read"]}, {"api_key": []}]` as alternatives; `[]` (no
/// security) as anonymous access. Anything else is refused, never read as
/// no security.
fn alternatives(security: &Value) -> Result<Alternatives, String> {
    let malformed =
        || format!("{security} is not a list of security requirements like [{{\"bearer\": []}}]");
    let mut alternatives = Alternatives::new();
    for requirement in security.as_array().ok_or_else(malformed)? {
        let mut schemes = Requirement::new();
        for (scheme, scopes) in requirement.as_object().ok_or_else(malformed)? {
            let scopes = scopes.as_array().ok_or_else(malformed)?;
            schemes.push(SchemeRequirement {
                scheme: scheme.clone(),
                scopes: scopes
                    .iter()
                    .map(|scope| scope.as_str().map(str::to_owned).ok_or_else(malformed))
                    .collect::<Result<_, _>>()?,
            });
        }
        alternatives.push(schemes);
    }
    Ok(if alternatives.is_empty() {
        anonymous()
    } else {
        alternatives
    })
}

#[cfg(test)]
mod tests;
