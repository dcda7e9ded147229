//! Security at the edge: the host checks each request against the security
//! requirements of its operation, as the component's own OpenAPI document
//! declares them, before any guest instance exists; it forwards the verified
//! identity to the guest in a header no client can forge; and it can issue
//! tokens itself.
//!
//! Layers: [`settings`] is the manifest's `[auth]` section; [`credentials`]
//! finds a credential in a request; `jwt` and `api_keys` verify one;
//! `operations` finds a request's requirements; [`identity`] signs what is
//! forwarded; [`token`] is the OAuth2 token endpoint. [`Gate`] puts them
//! together.

mod accounts;
mod api_keys;
pub mod credentials;
pub mod identity;
mod jwt;
mod operations;
pub mod settings;
pub mod token;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use base64::Engine as _;
use http::header::WWW_AUTHENTICATE;
use http::request::Parts;
use http::{HeaderValue, Response, StatusCode};
use serde_json::{Map, Value, json};
use thiserror::Error;

use crate::server::Body;
pub use accounts::hash_secret;
use api_keys::ApiKeyStore;
pub use api_keys::hash_api_key;
use credentials::{Credential, Presented};
use identity::IdentitySigner;
use jwt::{JwtVerifier, TokenProblem};
use operations::{OperationTable, Requirement};
use settings::{AuthSettings, SchemeSettings};
use token::TokenEndpoint;

/// A problem with the security configuration, found at start-up.
#[derive(Debug, Error)]
pub enum AuthError {
    /// A component requires a scheme the manifest does not configure, or one
    /// the host cannot check.
    #[error("component {component:?}: security scheme {scheme:?}: {reason}")]
    Scheme {
        /// The component.
        component: String,
        /// The scheme's name in its document.
        scheme: String,
        /// What is wrong and how to fix it.
        reason: String,
    },
    /// A key or key file of a scheme is unusable.
    #[error("auth.schemes.{scheme}: {}: {reason}", path.display())]
    Key {
        /// The scheme.
        scheme: String,
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// A file of the token endpoint is unusable.
    #[error("auth.token_endpoint: {}: {reason}", path.display())]
    TokenEndpoint {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

/// How one scheme is checked.
enum Verifier {
    Jwt(JwtVerifier),
    ApiKeys(ApiKeyStore),
}

/// One component's view: its operations' requirements and its schemes.
#[derive(Default)]
struct ComponentGate {
    operations: OperationTable,
    schemes: HashMap<String, (Credential, Arc<Verifier>)>,
}

/// What the gate decided for a request.
pub enum Verdict {
    /// Let it through, with the identity to forward, if any.
    Allow(Option<HeaderValue>),
    /// Answer this instead; the guest is not called.
    Deny(Response<Body>),
}

/// The outcome of checking one scheme.
enum Outcome {
    Missing,
    Invalid(TokenProblem),
    Scope(Vec<String>),
}

/// Checks requests against their operations' security requirements.
pub struct Gate {
    components: Vec<ComponentGate>,
    signer: IdentitySigner,
    token_endpoint: Option<TokenEndpoint>,
}

impl Gate {
    /// The gate for these components (name and document, in the manifest's
    /// order). Every scheme a component requires must be configured.
    pub fn new(
        settings: &AuthSettings,
        components: &[(&str, Option<&Value>)],
    ) -> anyhow::Result<Gate> {
        let mut verifiers: HashMap<String, Arc<Verifier>> = HashMap::new();
        let mut token_endpoint = None;
        if let Some(endpoint_settings) = &settings.token_endpoint {
            let (endpoint, verifier) = TokenEndpoint::load(endpoint_settings)?;
            token_endpoint = Some(endpoint);
            // Every scheme of the endpoint's tokens shares its key.
            let verifier = Arc::new(Verifier::Jwt(verifier));
            for (name, scheme) in &settings.schemes {
                if *scheme == SchemeSettings::IssuedHere {
                    verifiers.insert(name.clone(), verifier.clone());
                }
            }
        }
        let mut gates = Vec::with_capacity(components.len());
        for (component, document) in components {
            let Some(document) = document else {
                gates.push(ComponentGate::default());
                continue;
            };
            let operations = OperationTable::new(document);
            let mut schemes = HashMap::new();
            for scheme in operations.schemes() {
                if schemes.contains_key(scheme) {
                    continue;
                }
                let problem = |reason: String| AuthError::Scheme {
                    component: (*component).to_owned(),
                    scheme: scheme.to_owned(),
                    reason,
                };
                let definition = document
                    .pointer(&format!("/components/securitySchemes/{}", pointer_escape(scheme)))
                    .ok_or_else(|| {
                        problem("operations require it but components.securitySchemes does not define it".into())
                    })?;
                let credential = Credential::of_scheme(definition).map_err(problem)?;
                let configured = settings.schemes.get(scheme).ok_or_else(|| {
                    problem(format!(
                        "the manifest does not say how to check it: add [auth.schemes.{scheme}]"
                    ))
                })?;
                let verifier = match verifiers.get(scheme) {
                    Some(verifier) => verifier.clone(),
                    None => {
                        let verifier = Arc::new(match configured {
                            SchemeSettings::Jwt(jwt) => {
                                Verifier::Jwt(JwtVerifier::load(scheme, jwt)?)
                            }
                            SchemeSettings::ApiKeys(path) => {
                                Verifier::ApiKeys(ApiKeyStore::load(scheme, path)?)
                            }
                            SchemeSettings::IssuedHere => unreachable!("made above"),
                        });
                        verifiers.insert(scheme.to_owned(), verifier.clone());
                        verifier
                    }
                };
                let fits = matches!(
                    (&credential, &*verifier),
                    (Credential::Bearer, Verifier::Jwt(_))
                        | (Credential::ApiKey { .. }, Verifier::ApiKeys(_))
                );
                if !fits {
                    return Err(problem(match credential {
                        Credential::Bearer => format!(
                            "it is a bearer-token scheme, but [auth.schemes.{scheme}] configures API keys"
                        ),
                        Credential::ApiKey { .. } => format!(
                            "it is an API-key scheme: [auth.schemes.{scheme}] needs `api_keys`"
                        ),
                    })
                    .into());
                }
                schemes.insert(scheme.to_owned(), (credential, verifier));
            }
            gates.push(ComponentGate {
                operations,
                schemes,
            });
        }
        Ok(Gate {
            components: gates,
            signer: IdentitySigner::random()?,
            token_endpoint,
        })
    }

    /// The environment every guest instance gets: the identity secret.
    pub fn guest_env(&self) -> Vec<(String, String)> {
        vec![(
            identity::IDENTITY_SECRET_ENV.to_owned(),
            self.signer.secret().to_owned(),
        )]
    }

    /// The host's token endpoint, if configured.
    pub fn token_endpoint(&self) -> Option<&TokenEndpoint> {
        self.token_endpoint.as_ref()
    }

    /// Checks a request for the component at `index`.
    pub fn check(&self, index: usize, request: &Parts) -> Verdict {
        let Some(gate) = self.components.get(index) else {
            return Verdict::Allow(None);
        };
        let alternatives = gate
            .operations
            .requirements(&request.method, request.uri.path());
        if alternatives.is_empty() {
            return Verdict::Allow(None);
        }
        let mut worst: Option<(Outcome, &Credential)> = None;
        let mut challenges: Vec<&'static str> = Vec::new();
        for requirement in alternatives {
            match self.check_requirement(gate, requirement, request) {
                Ok(identities) => {
                    if identities.is_empty() {
                        return Verdict::Allow(None);
                    }
                    return Verdict::Allow(self.signer.sign(identities));
                }
                Err((outcome, credential)) => {
                    if !challenges.contains(&credential.challenge()) {
                        challenges.push(credential.challenge());
                    }
                    if worst
                        .as_ref()
                        .is_none_or(|(current, _)| rank(&outcome) > rank(current))
                    {
                        worst = Some((outcome, credential));
                    }
                }
            }
        }
        Verdict::Deny(match worst {
            Some((Outcome::Scope(missing), _)) => denial(
                StatusCode::FORBIDDEN,
                "Not enough permissions",
                Some(format!(
                    "Bearer error=\"insufficient_scope\", scope=\"{}\"",
                    missing.join(" ")
                )),
            ),
            Some((Outcome::Invalid(problem), credential)) => denial(
                StatusCode::UNAUTHORIZED,
                "Could not validate credentials",
                Some(match credential {
                    Credential::Bearer => format!(
                        "Bearer error=\"invalid_token\", error_description=\"{}\"",
                        problem.description()
                    ),
                    Credential::ApiKey { .. } => "APIKey".to_owned(),
                }),
            ),
            _ => denial(
                StatusCode::UNAUTHORIZED,
                "Not authenticated",
                Some(challenges.join(", ")),
            ),
        })
    }

    /// The identities by scheme if every scheme of `requirement` passes.
    fn check_requirement<'g>(
        &self,
        gate: &'g ComponentGate,
        requirement: &Requirement,
        request: &Parts,
    ) -> Result<Map<String, Value>, (Outcome, &'g Credential)> {
        let mut identities = Map::new();
        for needed in requirement {
            let Some((credential, verifier)) = gate.schemes.get(&needed.scheme) else {
                continue;
            };
            let claims = match (credential.find(request), &**verifier) {
                (Presented::Missing, _) => Err(Outcome::Missing),
                (Presented::Unreadable, _) => Err(Outcome::Invalid(TokenProblem::Malformed)),
                (Presented::Value(token), Verifier::Jwt(jwt)) => {
                    jwt.verify(token).map_err(Outcome::Invalid)
                }
                (Presented::Value(key), Verifier::ApiKeys(store)) => store
                    .find(key)
                    .map(|key| json!({ "sub": key.name, "scopes": key.scopes }))
                    .ok_or(Outcome::Invalid(TokenProblem::UnknownKey)),
            }
            .and_then(|claims| {
                let granted = scopes_of(&claims);
                let missing: Vec<String> = needed
                    .scopes
                    .iter()
                    .filter(|scope| !granted.contains(scope))
                    .cloned()
                    .collect();
                if missing.is_empty() {
                    Ok(claims)
                } else {
                    Err(Outcome::Scope(missing))
                }
            })
            .map_err(|outcome| (outcome, credential))?;
            identities.insert(needed.scheme.clone(), claims);
        }
        Ok(identities)
    }
}

/// Which failure to report when every alternative fails: the one that got
/// furthest.
fn rank(outcome: &Outcome) -> u8 {
    match outcome {
        Outcome::Missing => 0,
        Outcome::Invalid(_) => 1,
        Outcome::Scope(_) => 2,
    }
}

/// The scopes a token or key grants: OAuth2's space-separated `scope`, or a
/// `scopes` or `scp` list.
pub fn scopes_of(claims: &Value) -> Vec<String> {
    let mut scopes = Vec::new();
    for key in ["scope", "scopes", "scp"] {
        match claims.get(key) {
            Some(Value::String(text)) => scopes.extend(text.split_whitespace().map(str::to_owned)),
            Some(Value::Array(items)) => {
                scopes.extend(items.iter().filter_map(Value::as_str).map(str::to_owned))
            }
            _ => {}
        }
    }
    scopes
}

/// Points the OAuth2 flows of schemes whose tokens the host issues at the
/// host's token endpoint, so that Swagger UI's "Authorize" logs in there.
pub fn point_flows_at_token_endpoint(document: &mut Value, settings: &AuthSettings) {
    let Some(endpoint) = &settings.token_endpoint else {
        return;
    };
    let Some(schemes) = document
        .pointer_mut("/components/securitySchemes")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    for (name, scheme) in schemes {
        if settings.schemes.get(name) != Some(&SchemeSettings::IssuedHere) {
            continue;
        }
        if let Some(flows) = scheme.get_mut("flows").and_then(Value::as_object_mut) {
            for flow in flows.values_mut() {
                if let Some(flow) = flow.as_object_mut()
                    && flow.contains_key("tokenUrl")
                {
                    flow.insert("tokenUrl".into(), Value::String(endpoint.path.clone()));
                }
            }
        }
    }
}

fn pointer_escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// A new random API key's secret part (256 bits, URL-safe).
pub fn random_key() -> anyhow::Result<String> {
    random_token(32)
}

/// A URL-safe random string of `bytes` random bytes.
pub(crate) fn random_token(bytes: usize) -> anyhow::Result<String> {
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer).map_err(|error| anyhow::anyhow!("no randomness: {error}"))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buffer))
}

/// A FastAPI-shaped refusal: `{"detail": ...}` with a challenge.
fn denial(status: StatusCode, detail: &str, challenge: Option<String>) -> Response<Body> {
    let mut response = crate::server::detail(status, detail);
    if let Some(value) = challenge.and_then(|value| HeaderValue::from_str(&value).ok()) {
        response.headers_mut().insert(WWW_AUTHENTICATE, value);
    }
    response
}
