//! [`Gate`]: checks each request against the security requirements of its
//! operation, as the component's own document declares them, before any
//! guest instance exists; and refuses what it cannot match to an operation.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use http::header::{ALLOW, RETRY_AFTER, WWW_AUTHENTICATE};
use http::request::Parts;
use http::{HeaderValue, Method, StatusCode};
use serde_json::{Map, Value, json};
use wafer_contract::credentials::{basic_credentials, scopes_of};
use wafer_contract::identity::REQUEST_ID_HEADER;
use wafer_contract::path::Match;
use wafer_contract::redirect::slash_location;

use super::AuthError;
use super::api_keys::ApiKeyStore;
use super::basic::{BasicProblem, BasicUsers};
use super::credentials::{Credential, Presented};
use super::identity::IdentitySigner;
use super::jwt::{JwtVerifier, TokenProblem};
use super::operations::{OperationTable, Requirement};
use super::token::TokenEndpoint;
use crate::manifest::{AuthSettings, ComponentSpec, SchemeSettings};
use crate::reply::{self, Reply};

/// How one scheme is checked.
enum Verifier {
    Jwt(JwtVerifier),
    ApiKeys(ApiKeyStore),
    Users(Box<BasicUsers>),
}

/// The gate's rules for one component: its operations, the schemes they
/// require, whether requests its document does not describe may pass, and
/// how its forwarded identities are signed.
pub struct ComponentGate {
    operations: OperationTable,
    schemes: HashMap<String, (Credential, Arc<Verifier>)>,
    allow_undocumented: bool,
    /// The component's name and its own secret.
    component: String,
    signer: Arc<IdentitySigner>,
    /// How long a forwarded identity lives: as long as the request may.
    identity_lifetime: Duration,
}

/// What the gate decided for a request.
pub enum Verdict {
    /// Let it through, as this caller.
    Allow(Admitted),
    /// Answer this instead; the guest is not called.
    Deny(Reply),
}

/// Who the gate let through.
#[derive(Debug, Default)]
pub struct Admitted {
    /// The `wafer-identity` header to forward, if a credential was verified.
    pub identity: Option<HeaderValue>,
    /// The `sub` of the bearer token, or the Basic user, it verified, if any.
    pub subject: Option<String>,
    /// The name of the API key it verified, if any.
    pub api_key: Option<String>,
}

/// The outcome of checking one scheme that did not pass.
enum Outcome {
    Missing,
    Invalid(TokenProblem),
    Scope(Vec<String>),
    /// Not checked now: 429 when too many passwords were tried, 503 when
    /// every password checker is busy; try again after `seconds`.
    Later {
        status: StatusCode,
        seconds: u64,
    },
}

/// Checks requests against their operations' security requirements. Made
/// once per deployment: its identity secrets are new each time.
pub struct Gate {
    settings: AuthSettings,
    /// Each scheme's verifier, loaded once for every component that needs it.
    verifiers: HashMap<String, Arc<Verifier>>,
    /// Each component's identity signer, by component name.
    signers: HashMap<String, Arc<IdentitySigner>>,
    token_endpoint: Option<TokenEndpoint>,
}

impl Gate {
    /// The gate of the manifest's `[auth]`, with its token endpoint loaded
    /// and an identity secret for each of `components`.
    pub fn new(settings: &AuthSettings, components: &[ComponentSpec]) -> anyhow::Result<Gate> {
        let mut verifiers = HashMap::new();
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
        let mut signers = HashMap::new();
        for component in components {
            signers.insert(component.name.clone(), Arc::new(IdentitySigner::random()?));
        }
        Ok(Gate {
            settings: settings.clone(),
            verifiers,
            signers,
            token_endpoint,
        })
    }

    /// The environment the instances of `component` get: its identity
    /// secret.
    pub fn guest_env(&self, component: &str) -> Vec<(String, String)> {
        self.signers
            .get(component)
            .map(|signer| signer.guest_env())
            .into_iter()
            .collect()
    }

    /// The host's token endpoint, if configured.
    pub fn token_endpoint(&self) -> Option<&TokenEndpoint> {
        self.token_endpoint.as_ref()
    }

    /// The rules for `component`, from its document, or from the reason it
    /// has none. Every scheme the document requires must be configured; a
    /// component that `requires_auth` must have a document that declares
    /// security.
    pub fn rules(
        &mut self,
        component: &ComponentSpec,
        document: Result<&Value, &anyhow::Error>,
    ) -> anyhow::Result<ComponentGate> {
        let signer = self.signers.get(&component.name).cloned().ok_or_else(|| {
            anyhow::anyhow!("component {:?}: it has no identity secret", component.name)
        })?;
        let mut rules = ComponentGate {
            operations: OperationTable::default(),
            schemes: HashMap::new(),
            allow_undocumented: component.allow_undocumented,
            component: component.name.clone(),
            signer,
            identity_lifetime: Duration::from_millis(component.limits.timeout_ms),
        };
        let document = match document {
            Ok(document) => document,
            Err(why) if component.requires_auth => anyhow::bail!(
                "component {:?} requires_auth, but the host cannot read its security \
                 requirements: {why:#}",
                component.name
            ),
            Err(_) => return Ok(rules),
        };
        let operations = OperationTable::new(document)
            .map_err(|why| anyhow::anyhow!("component {:?}: {why}", component.name))?;
        if component.requires_auth && !operations.is_secured() {
            anyhow::bail!(
                "component {:?} requires_auth, but its OpenAPI document declares no security \
                 (no operation has a `security` requirement)",
                component.name
            );
        }
        for scheme in operations.schemes() {
            if !rules.schemes.contains_key(scheme) {
                let checked = self.scheme(&component.name, document, scheme)?;
                rules.schemes.insert(scheme.to_owned(), checked);
            }
        }
        rules.operations = operations;
        Ok(rules)
    }

    /// How the host checks `scheme` of `component`'s document: where its
    /// credential is, and the manifest's verifier, which must fit it.
    fn scheme(
        &mut self,
        component: &str,
        document: &Value,
        scheme: &str,
    ) -> Result<(Credential, Arc<Verifier>), AuthError> {
        let problem = |reason: String| AuthError::Scheme {
            component: component.to_owned(),
            scheme: scheme.to_owned(),
            reason,
        };
        let definition = document
            .pointer(&format!(
                "/components/securitySchemes/{}",
                pointer_escape(scheme)
            ))
            .ok_or_else(|| {
                problem(
                    "operations require it but components.securitySchemes does not define it"
                        .into(),
                )
            })?;
        let credential = Credential::of_scheme(definition).map_err(problem)?;
        let verifier = match self.verifiers.get(scheme) {
            Some(verifier) => verifier.clone(),
            None => {
                let verifier = Arc::new(match self.settings.schemes.get(scheme) {
                    Some(SchemeSettings::Jwt(jwt)) => {
                        Verifier::Jwt(JwtVerifier::load(scheme, jwt)?)
                    }
                    Some(SchemeSettings::ApiKeys(path)) => {
                        Verifier::ApiKeys(ApiKeyStore::load(scheme, path)?)
                    }
                    Some(SchemeSettings::Users(path)) => {
                        Verifier::Users(Box::new(BasicUsers::load(scheme, path)?))
                    }
                    // Without a token endpoint there is nobody to issue them.
                    Some(SchemeSettings::IssuedHere) => {
                        return Err(problem(
                            "issued_here needs [auth.token_endpoint] to issue the tokens".into(),
                        ));
                    }
                    None => {
                        return Err(problem(format!(
                            "the manifest does not say how to check it: add [auth.schemes.{scheme}]"
                        )));
                    }
                });
                self.verifiers.insert(scheme.to_owned(), verifier.clone());
                verifier
            }
        };
        match (&credential, &*verifier) {
            (Credential::Bearer, Verifier::Jwt(_))
            | (Credential::Basic, Verifier::Users(_))
            | (Credential::ApiKey { .. }, Verifier::ApiKeys(_)) => Ok((credential, verifier)),
            (Credential::Bearer, _) => Err(problem(format!(
                "it is a bearer-token scheme, but [auth.schemes.{scheme}] configures API keys"
            ))),
            (Credential::Basic, _) => Err(problem(format!(
                "it is an HTTP Basic scheme: [auth.schemes.{scheme}] needs `users` (a users file)"
            ))),
            (Credential::ApiKey { .. }, _) => Err(problem(format!(
                "it is an API-key scheme: [auth.schemes.{scheme}] needs `api_keys`"
            ))),
        }
    }

    /// Checks a request for the component whose rules are `gate`. Where its
    /// document declares security, a request for no documented operation is
    /// refused: 404 for a path it does not describe; for a path it describes
    /// with other methods, what the path's operations would answer (401 or
    /// 403 without their credentials), else 405. `client` is whose password
    /// checks are throttled.
    pub async fn check(&self, gate: &ComponentGate, request: &Parts, client: IpAddr) -> Verdict {
        if !gate.operations.is_secured() {
            return Verdict::Allow(Admitted::default());
        }
        match gate.operations.find(&request.method, request.uri.path()) {
            Match::Found { route, .. } => self.admit(gate, route, request, client).await,
            _ if gate.allow_undocumented => Verdict::Allow(Admitted::default()),
            Match::MethodNotAllowed { allowed } => {
                let alternatives: Vec<Requirement> = allowed
                    .iter()
                    .flat_map(|(_, alternatives)| alternatives.iter().cloned())
                    .collect();
                match self.admit(gate, &alternatives, request, client).await {
                    Verdict::Allow(_) => Verdict::Deny(method_not_allowed(&allowed)),
                    denied => denied,
                }
            }
            // FastAPI's trailing-slash redirect, answered here (the guest
            // would answer the same) so that a path the document does not
            // describe never reaches the guest; as in FastAPI, before any
            // credential is asked for.
            Match::RedirectSlash { path } => Verdict::Deny(redirect_slash(request, &path)),
            Match::NotFound => Verdict::Deny(reply::detail(StatusCode::NOT_FOUND, "Not Found")),
        }
    }

    /// Lets the request through if it meets one of `alternatives`, with the
    /// identities it proved; else the refusal of the alternative it came
    /// closest to meeting.
    async fn admit(
        &self,
        gate: &ComponentGate,
        alternatives: &[Requirement],
        request: &Parts,
        client: IpAddr,
    ) -> Verdict {
        let mut worst: Option<(Outcome, &Credential)> = None;
        let mut challenges: Vec<&'static str> = Vec::new();
        for requirement in alternatives {
            match check_requirement(gate, requirement, request, client).await {
                Ok(identities) if identities.is_empty() => {
                    return Verdict::Allow(Admitted::default());
                }
                Ok(identities) => return Verdict::Allow(admitted(gate, identities, request)),
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
            Some((Outcome::Later { status, seconds }, _)) => {
                let mut reply = reply::detail(status, "Too many password checks: try again later");
                reply
                    .headers_mut()
                    .insert(RETRY_AFTER, HeaderValue::from(seconds));
                reply
            }
            Some((Outcome::Scope(missing), _)) => denial(
                StatusCode::FORBIDDEN,
                "Not enough permissions",
                format!(
                    "Bearer error=\"insufficient_scope\", scope=\"{}\"",
                    missing.join(" ")
                ),
            ),
            Some((Outcome::Invalid(problem), credential)) => denial(
                StatusCode::UNAUTHORIZED,
                "Could not validate credentials",
                match credential {
                    Credential::Bearer => format!(
                        "Bearer error=\"invalid_token\", error_description=\"{}\"",
                        problem.description()
                    ),
                    Credential::Basic => "Basic".to_owned(),
                    Credential::ApiKey { .. } => "APIKey".to_owned(),
                },
            ),
            _ => denial(
                StatusCode::UNAUTHORIZED,
                "Not authenticated",
                challenges.join(", "),
            ),
        })
    }
}

/// Who `identities` (verified claims by scheme) are, with the header that
/// forwards them for this request.
fn admitted(gate: &ComponentGate, identities: Map<String, Value>, request: &Parts) -> Admitted {
    // A user's (a token's or a Basic user's) name, or an API key's.
    let sub_of = |user: bool| {
        identities.iter().find_map(|(scheme, claims)| {
            let (credential, _) = gate.schemes.get(scheme)?;
            let of_user = matches!(credential, Credential::Bearer | Credential::Basic);
            (of_user == user)
                .then(|| claims.get("sub")?.as_str().map(str::to_owned))
                .flatten()
        })
    };
    let (subject, api_key) = (sub_of(true), sub_of(false));
    let request_id = request
        .headers
        .get(REQUEST_ID_HEADER)
        .and_then(|id| id.to_str().ok())
        .unwrap_or_default();
    Admitted {
        identity: gate.signer.sign(
            identities,
            &gate.component,
            request_id,
            gate.identity_lifetime,
        ),
        subject,
        api_key,
    }
}

/// The identities by scheme if every scheme of `requirement` passes.
async fn check_requirement<'g>(
    gate: &'g ComponentGate,
    requirement: &Requirement,
    request: &Parts,
    client: IpAddr,
) -> Result<Map<String, Value>, (Outcome, &'g Credential)> {
    let mut identities = Map::new();
    for needed in requirement {
        // `rules` loaded every scheme an operation requires.
        let Some((credential, verifier)) = gate.schemes.get(&needed.scheme) else {
            continue;
        };
        let claims = match (credential.find(request), &**verifier) {
            (Presented::Missing, _) => Err(Outcome::Missing),
            (Presented::Unreadable, _) => Err(Outcome::Invalid(TokenProblem::Malformed)),
            (Presented::Value(token), Verifier::Jwt(jwt)) => {
                jwt.verify(&token).map_err(Outcome::Invalid)
            }
            (Presented::Value(key), Verifier::ApiKeys(store)) => store
                .find(&key)
                .map(|key| json!({ "sub": key.name, "scopes": key.scopes }))
                .ok_or(Outcome::Invalid(TokenProblem::UnknownKey)),
            (Presented::Value(header), Verifier::Users(users)) => {
                check_basic(users, &header, client).await
            }
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

/// Which failure to report when every alternative fails: the one that got
/// furthest.
fn rank(outcome: &Outcome) -> u8 {
    match outcome {
        Outcome::Missing => 0,
        Outcome::Invalid(_) => 1,
        Outcome::Scope(_) => 2,
        Outcome::Later { .. } => 3,
    }
}

/// The claims of the user an `Authorization: Basic` header names, if the
/// password is theirs.
async fn check_basic(users: &BasicUsers, header: &str, client: IpAddr) -> Result<Value, Outcome> {
    // `Credential::find` passed on only headers that decode.
    let Some((user, password)) = basic_credentials(header) else {
        return Err(Outcome::Missing);
    };
    users
        .verify(&user, &password, client)
        .await
        .map_err(|problem| match problem {
            BasicProblem::Wrong => Outcome::Invalid(TokenProblem::UnknownKey),
            BasicProblem::Throttled(throttled) => Outcome::Later {
                status: StatusCode::TOO_MANY_REQUESTS,
                seconds: throttled.retry_after.as_secs_f64().ceil().max(1.0) as u64,
            },
            BasicProblem::Busy => Outcome::Later {
                status: StatusCode::SERVICE_UNAVAILABLE,
                seconds: 1,
            },
        })
}

fn pointer_escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// A FastAPI-shaped refusal: `{"detail": ...}` with a challenge.
fn denial(status: StatusCode, detail: &str, challenge: String) -> Reply {
    let mut reply = reply::detail(status, detail);
    if let Ok(value) = HeaderValue::try_from(challenge) {
        reply.headers_mut().insert(WWW_AUTHENTICATE, value);
    }
    reply
}

/// FastAPI's 307 to `path`, the request's path with its trailing slash
/// toggled (the scheme is the server's `http::uri::Scheme` extension).
fn redirect_slash(request: &Parts, path: &str) -> Reply {
    let scheme = request.extensions.get();
    let location = slash_location(scheme, &request.headers, path, request.uri.query());
    reply::redirect(StatusCode::TEMPORARY_REDIRECT, &location)
}

/// FastAPI's 405 for a path whose operations have other methods.
fn method_not_allowed<T>(allowed: &[(&Method, T)]) -> Reply {
    let mut reply = reply::detail(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed");
    let methods: Vec<&str> = allowed.iter().map(|(method, _)| method.as_str()).collect();
    if let Ok(value) = HeaderValue::try_from(methods.join(", ")) {
        reply.headers_mut().insert(ALLOW, value);
    }
    reply
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routes::RoutePattern;

    #[test]
    fn each_component_has_a_secret_of_its_own() {
        let spec =
            |name: &str| ComponentSpec::new(name, RoutePattern::everything(), "x.wasm".as_ref());
        let gate = Gate::new(&AuthSettings::default(), &[spec("a"), spec("b")]).expect("gate");
        let (a, b) = (gate.guest_env("a"), gate.guest_env("b"));
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].0, "WAFER_IDENTITY_SECRET");
        assert_ne!(a, b);
        assert!(gate.guest_env("c").is_empty());
    }
}
