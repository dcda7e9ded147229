//! Where verified claims come from: the Wafer host's signed `wafer-identity`
//! header, or, on other hosts, a bearer JWT checked here.

use http::StatusCode;
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey, Validation};
use serde_json::Value;
use wafer_contract::credentials::{MAX_TOKEN_LENGTH, bearer_token};
use wafer_contract::identity::{self, IDENTITY_HEADER, IDENTITY_SECRET_ENV, REQUEST_ID_HEADER};

use super::scheme::{Kind, Scheme};
use crate::HttpError;
use crate::extract::context::RequestContext;

/// Why no claims: a response for the client.
pub(crate) enum Refusal {
    /// No credentials for any accepted scheme: 401 "Not authenticated".
    Missing,
    /// Credentials that do not verify: 401 "Could not validate credentials".
    Invalid,
    /// The component cannot check credentials here: 500 with the fix.
    Unconfigured(String),
}

/// The verified claims for the first of `schemes` the request satisfies.
pub(crate) fn claims(
    cx: &RequestContext<'_>,
    schemes: &[(&'static str, Scheme)],
) -> Result<Value, Refusal> {
    match std::env::var(IDENTITY_SECRET_ENV) {
        Ok(secret) if !secret.is_empty() => forwarded(cx, &secret, schemes),
        _ => standalone(cx, schemes),
    }
}

/// Behind the Wafer host: the claims the host verified, from the signed
/// header. A missing or unverifiable header means the host did not admit
/// this scheme.
fn forwarded(
    cx: &RequestContext<'_>,
    secret: &str,
    schemes: &[(&'static str, Scheme)],
) -> Result<Value, Refusal> {
    let Some(header) = cx.headers().get(IDENTITY_HEADER) else {
        return Err(Refusal::Missing);
    };
    let header = header.to_str().map_err(|_| Refusal::Invalid)?;
    // The identity is for this request: the host signs its id into it.
    let request_id = cx
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|id| id.to_str().ok())
        .ok_or(Refusal::Invalid)?;
    let identities =
        identity::verify(header, secret.as_bytes(), request_id).map_err(|_| Refusal::Invalid)?;
    schemes
        .iter()
        .find_map(|(name, _)| identities.get(*name).cloned())
        .ok_or(Refusal::Missing)
}

/// On another host: a bearer JWT, checked with the component's configured
/// key. Fails closed when there is none.
fn standalone(
    cx: &RequestContext<'_>,
    schemes: &[(&'static str, Scheme)],
) -> Result<Value, Refusal> {
    if !schemes
        .iter()
        .any(|(_, scheme)| matches!(scheme.kind, Kind::Bearer | Kind::OAuth2 { .. }))
    {
        return Err(Refusal::Unconfigured(
            "API keys and Basic users are checked by the Wafer host; this component is not \
             running behind it"
                .into(),
        ));
    }
    let token = cx
        .headers()
        .get(http::header::AUTHORIZATION)
        .and_then(|value| bearer_token(value.to_str().ok()?))
        .ok_or(Refusal::Missing)?;
    let (keys, validation) = configured_jwt().map_err(Refusal::Unconfigured)?;
    if token.len() > MAX_TOKEN_LENGTH {
        return Err(Refusal::Invalid);
    }
    let header = jsonwebtoken::decode_header(token).map_err(|_| Refusal::Invalid)?;
    if !validation.algorithms.contains(&header.alg) {
        return Err(Refusal::Invalid);
    }
    // jsonwebtoken wants every algorithm of a validation to fit the key.
    let mut validation = validation;
    validation.algorithms = vec![header.alg];
    keys.iter()
        .filter(|key| key.family() == header.alg.family())
        .find_map(|key| jsonwebtoken::decode::<Value>(token, key, &validation).ok())
        .map(|data| data.claims)
        .ok_or(Refusal::Invalid)
}

/// Keys and rules from the environment:
/// - `WAFER_JWT_ALGORITHMS`: comma-separated, e.g. `RS256` or `HS256,HS512`;
/// - `WAFER_JWT_KEY`: a PEM public key, or the HMAC secret;
/// - `WAFER_JWT_ISSUER`, `WAFER_JWT_AUDIENCE`: required `iss` and `aud`, if set.
fn configured_jwt() -> Result<(Vec<DecodingKey>, Validation), String> {
    let unconfigured = || {
        "Authentication is not configured: set WAFER_JWT_ALGORITHMS and WAFER_JWT_KEY \
         (and optionally WAFER_JWT_ISSUER, WAFER_JWT_AUDIENCE) in the component's environment"
            .to_owned()
    };
    let algorithms: Vec<Algorithm> = std::env::var("WAFER_JWT_ALGORITHMS")
        .map_err(|_| unconfigured())?
        .split(',')
        .map(|name| {
            name.trim()
                .parse()
                .map_err(|_| format!("WAFER_JWT_ALGORITHMS: {name:?} is not a JWT algorithm"))
        })
        .collect::<Result<_, _>>()?;
    let key = std::env::var("WAFER_JWT_KEY").map_err(|_| unconfigured())?;
    let is_pem = key.trim_start().starts_with("-----BEGIN");
    let mut keys = Vec::new();
    for algorithm in &algorithms {
        let decoded = match (algorithm.family(), is_pem) {
            (AlgorithmFamily::Hmac, false) => DecodingKey::from_secret(key.as_bytes()).ok(),
            (AlgorithmFamily::Rsa, true) => DecodingKey::from_rsa_pem(key.as_bytes()).ok(),
            (AlgorithmFamily::Ec, true) => DecodingKey::from_ec_pem(key.as_bytes()).ok(),
            (AlgorithmFamily::Ed, true) => DecodingKey::from_ed_pem(key.as_bytes()).ok(),
            _ => None,
        };
        keys.extend(decoded);
    }
    if keys.is_empty() {
        return Err(format!(
            "WAFER_JWT_KEY is not a key for {algorithms:?}: a PEM public key for RS*/PS*/ES*/EdDSA, \
             the secret itself for HS*"
        ));
    }
    let mut validation = Validation::new(algorithms[0]);
    validation.algorithms = algorithms;
    validation.validate_nbf = true;
    validation.leeway = 30;
    match std::env::var("WAFER_JWT_AUDIENCE") {
        Ok(audience) => validation.set_audience(&[audience]),
        Err(_) => validation.validate_aud = false,
    }
    if let Ok(issuer) = std::env::var("WAFER_JWT_ISSUER") {
        validation.set_issuer(&[issuer]);
    }
    Ok((keys, validation))
}

impl Refusal {
    /// The response: FastAPI's bodies and challenges.
    pub(crate) fn into_error(self, schemes: &[(&'static str, Scheme)]) -> HttpError {
        let challenge = schemes
            .iter()
            .map(|(_, scheme)| scheme.challenge())
            .fold(Vec::new(), |mut seen, challenge| {
                if !seen.contains(&challenge) {
                    seen.push(challenge);
                }
                seen
            })
            .join(", ");
        match self {
            Refusal::Missing => HttpError::unauthorized("Not authenticated")
                .with_header(http::header::WWW_AUTHENTICATE, challenge),
            Refusal::Invalid => HttpError::unauthorized("Could not validate credentials")
                .with_header(http::header::WWW_AUTHENTICATE, challenge),
            Refusal::Unconfigured(reason) => {
                crate::log::error(format_args!("{reason}"));
                HttpError::new(StatusCode::INTERNAL_SERVER_ERROR, reason)
            }
        }
    }
}
