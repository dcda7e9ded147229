//! Reading a token request: a `POST` of a form, within a size and a time,
//! and the HTTP Basic credentials of a client.

use std::time::Duration;

use http::header::{AUTHORIZATION, CONTENT_TYPE};
use http::{Method, StatusCode};

use super::Refusal;

/// Form bodies larger than this are refused.
const MAX_FORM_BYTES: usize = 16 * 1024;

/// What a token request carries.
pub(super) struct TokenRequest {
    /// The form's fields, in order.
    pub(super) form: Vec<(String, String)>,
    /// `Authorization: Basic` credentials: a client's id and secret.
    pub(super) basic: Option<(String, String)>,
}

impl TokenRequest {
    /// Reads a `POST` of a form of at most [`MAX_FORM_BYTES`], sent within
    /// `body_timeout`.
    pub(super) async fn read<B>(
        request: http::Request<B>,
        body_timeout: Duration,
    ) -> Result<TokenRequest, Refusal>
    where
        B: hyper::body::Body,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        if request.method() != Method::POST {
            return Err(Refusal::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "invalid_request",
                "Use POST with a form body",
            ));
        }
        let is_form = request
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(Refusal::new(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "The body must be application/x-www-form-urlencoded",
            ));
        }
        let basic = request
            .headers()
            .get(AUTHORIZATION)
            .and_then(|value| basic_credentials(value.to_str().ok()?));
        let body = http_body_util::Limited::new(request.into_body(), MAX_FORM_BYTES);
        let body = tokio::time::timeout(body_timeout, http_body_util::BodyExt::collect(body))
            .await
            .map_err(|_| {
                Refusal::new(
                    StatusCode::REQUEST_TIMEOUT,
                    "invalid_request",
                    format!(
                        "The form was not sent within {} ms",
                        body_timeout.as_millis()
                    ),
                )
                .closing()
            })?
            .map_err(|_| {
                Refusal::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    format!("The form must be under {MAX_FORM_BYTES} bytes"),
                )
            })?
            .to_bytes();
        Ok(TokenRequest {
            form: form_urlencoded::parse(&body).into_owned().collect(),
            basic,
        })
    }

    /// The value of the form's field `name`.
    pub(super) fn field(&self, name: &str) -> Option<&str> {
        self.form
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// The id and secret of `Authorization: Basic ...` (read by the rule the
/// SDK's `HttpBasic` reads it by), each form-decoded as RFC 6749 says.
fn basic_credentials(header: &str) -> Option<(String, String)> {
    let (id, secret) = wafer_contract::credentials::basic_credentials(header)?;
    let unescape = |text: &str| {
        form_urlencoded::parse(format!("x={text}").as_bytes())
            .next()
            .map(|(_, value)| value.into_owned())
    };
    Some((unescape(&id)?, unescape(&secret)?))
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;

    use super::*;

    #[test]
    fn basic_credentials_are_decoded() {
        let header = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode("my%20app:s3cr%3At")
        );
        assert_eq!(
            basic_credentials(&header),
            Some(("my app".to_owned(), "s3cr:t".to_owned()))
        );
        assert_eq!(basic_credentials("Bearer x"), None);
    }
}
