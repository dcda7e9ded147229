//! [`Identity`]: the verified caller, as a handler argument.

use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use wafer_contract::credentials::scopes_of;

use super::scheme::Schemes;
use super::verify;
use crate::HttpError;
use crate::extract::context::RequestContext;
use crate::extract::{Argument, FromRequest, Rejection};
use crate::openapi::{DescribeArgument, OperationSpec};

/// The verified caller of a route that requires scheme(s) `S`, with claims
/// of type `C` (by default [`Claims`]).
///
/// Taking it as an argument is what makes a route protected: the route's
/// OpenAPI operation requires `S` (with the scopes of a `#[scopes(...)]`
/// attribute on the argument), the Wafer host enforces that before the
/// component runs, and the extractor checks it again in the guest. `S` may be
/// a tuple of schemes, any one of which will do; two `Identity` arguments
/// require both schemes.
///
/// Refusals follow FastAPI: 401 `{"detail":"Not authenticated"}` without
/// credentials, 401 `{"detail":"Could not validate credentials"}` with
/// invalid ones (both with `WWW-Authenticate`), 403
/// `{"detail":"Not enough permissions"}` without a required scope.
///
/// ```
/// use wafer::security::{Identity, Scheme, SecurityScheme};
///
/// pub struct Bearer;
/// impl SecurityScheme for Bearer {
///     const NAME: &'static str = "bearer";
///     fn scheme() -> Scheme { Scheme::bearer() }
/// }
///
/// #[derive(serde::Deserialize)]
/// struct MyClaims { sub: String, tenant: String }
///
/// #[wafer::get("/tenant")]
/// fn tenant(caller: Identity<Bearer, MyClaims>) -> String {
///     format!("{} of {}", caller.sub, caller.tenant)
/// }
/// ```
pub struct Identity<S: Schemes, C = Claims> {
    claims: C,
    scopes: Vec<String>,
    scheme: PhantomData<S>,
}

/// The usual claims of a token or API key.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Claims {
    /// Who: the token's `sub`, or the API key's name.
    #[serde(default)]
    pub sub: String,
    /// Every other claim (`iss`, `aud`, `exp`, `scope`, your own...).
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl<S: Schemes, C> Identity<S, C> {
    /// The claims.
    pub fn claims(&self) -> &C {
        &self.claims
    }

    /// The claims, owned.
    pub fn into_claims(self) -> C {
        self.claims
    }

    /// The scopes the credentials grant: OAuth2's space-separated `scope`
    /// claim, or a `scopes` or `scp` list.
    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }
}

impl<S: Schemes> Identity<S, Claims> {
    /// Who the caller is (`sub`).
    pub fn subject(&self) -> &str {
        &self.claims.sub
    }
}

impl<S: Schemes, C> std::ops::Deref for Identity<S, C> {
    type Target = C;

    fn deref(&self) -> &C {
        &self.claims
    }
}

impl<S: Schemes, C: DeserializeOwned> FromRequest for Identity<S, C> {
    fn from_request(cx: &RequestContext<'_>, argument: &Argument) -> Result<Self, Rejection> {
        let schemes = S::schemes();
        let claims =
            verify::claims(cx, &schemes).map_err(|refusal| refusal.into_error(&schemes))?;
        let scopes = scopes_of(&claims);
        if argument
            .scopes()
            .iter()
            .any(|needed| !scopes.iter().any(|granted| granted == needed))
        {
            return Err(HttpError::forbidden("Not enough permissions").into());
        }
        let claims = C::deserialize(&claims).map_err(|error| {
            crate::log::error(format_args!(
                "the verified claims do not fit the handler's claims type: {error}"
            ));
            HttpError::unauthorized("Could not validate credentials")
        })?;
        Ok(Identity {
            claims,
            scopes,
            scheme: PhantomData,
        })
    }
}

impl<S: Schemes, C> DescribeArgument for Identity<S, C> {
    fn describe(operation: &mut OperationSpec, argument: &Argument) {
        let schemes = S::schemes();
        let scopes: Vec<String> = argument.scopes().iter().map(|s| (*s).to_owned()).collect();
        operation.require(
            schemes
                .iter()
                .map(|(name, scheme)| (*name, scheme.to_openapi(), scopes.clone()))
                .collect(),
        );
        operation.add_response(401, "Not authenticated", super::detail_schema());
        if !scopes.is_empty() {
            operation.add_response(403, "Not enough permissions", super::detail_schema());
        }
    }
}
