//! [`HttpBasic`]: a user and password from `Authorization: Basic`.

use http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use serde_json::json;
use wafer_contract::credentials::basic_credentials;

use crate::error::HttpError;
use crate::extract::{Argument, FromRequest, Rejection, RequestContext};
use crate::openapi::{DescribeArgument, OperationSpec};

/// The user and password a client sent with HTTP Basic authentication,
/// read as FastAPI's `HTTPBasicCredentials` (`Depends(HTTPBasic())`): a
/// request without them, with another scheme, or with credentials that do
/// not decode is answered `401 {"detail":"Not authenticated"}` with
/// `WWW-Authenticate: Basic`, and the handler does not run. Checking them is
/// the handler's work; the documentation gets the scheme `HTTPBasic`.
/// `wafer serve` checks them at the edge too, before the guest runs, against
/// the users file of `[auth.schemes.HTTPBasic] users = "users.toml"` (and
/// refuses at start-up a component that requires them without one); Spin and
/// `wasmtime serve` run the component as it is.
///
/// ```
/// use wafer::security::HttpBasic;
/// use wafer::testing::TestClient;
/// use wafer::{get, App, HttpError};
///
/// #[get("/admin")]
/// fn admin(credentials: HttpBasic) -> Result<String, HttpError> {
///     if (credentials.username.as_str(), credentials.password.as_str()) != ("admin", "s3cret") {
///         return Err(HttpError::unauthorized("Bad credentials")
///             .with_header("www-authenticate", "Basic"));
///     }
///     Ok(credentials.username)
/// }
///
/// let client = TestClient::new(App::new().routes(wafer::routes![admin]));
/// let answer = client.get("/admin").header("authorization", "Basic YWRtaW46czNjcmV0").send();
/// assert_eq!(answer.text(), "admin");
/// let refused = client.get("/admin").send();
/// assert_eq!(refused.status(), 401);
/// assert_eq!(refused.header("www-authenticate"), Some("Basic"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpBasic {
    /// The user name: what comes before the first `:`.
    pub username: String,
    /// The password: everything after the first `:`.
    pub password: String,
}

impl FromRequest for HttpBasic {
    fn from_request(cx: &RequestContext<'_>, _: &Argument) -> Result<Self, Rejection> {
        cx.headers()
            .get(AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(basic_credentials)
            .map(|(username, password)| HttpBasic { username, password })
            .ok_or_else(|| {
                HttpError::unauthorized("Not authenticated")
                    .with_header(WWW_AUTHENTICATE, "Basic")
                    .into()
            })
    }
}

impl DescribeArgument for HttpBasic {
    fn describe(operation: &mut OperationSpec, _: &Argument) {
        operation.require(vec![(
            "HTTPBasic",
            json!({"type": "http", "scheme": "basic"}),
            Vec::new(),
        )]);
        operation.add_response(401, "Not authenticated", super::detail_schema());
    }
}
