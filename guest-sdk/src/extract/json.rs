//! [`Json`]: a JSON request body, and a JSON response.

use http::header::CONTENT_TYPE;
use http::{HeaderMap, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{Argument, FromRequest, Rejection};
use crate::error::HttpError;
use crate::extract::context::RequestContext;
use crate::response::{IntoResponse, Response};
use crate::validation::{self, BodyError};

/// A JSON body: as an argument, the request body parsed and validated into `T`;
/// as a return value, `T` serialized as an `application/json` response.
///
/// The body is read as JSON when its content type is `application/json` or
/// `application/*+json`. Errors follow FastAPI: an empty body is `missing`,
/// malformed JSON is `json_invalid` (with the position and Python's wording),
/// and each invalid field is reported at `["body", field, ...]`.
///
/// ```
/// use wafer::{post, Json};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Deserialize, Serialize)]
/// struct Item { name: String, price: f64, #[serde(default)] tags: Vec<String> }
///
/// #[post("/items", status = 201)]
/// fn create_item(Json(item): Json<Item>) -> Json<Item> {
///     Json(item)
/// }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Json<T>(pub T);

impl<T: DeserializeOwned> FromRequest for Json<T> {
    fn from_request(cx: &RequestContext<'_>, argument: &Argument) -> Result<Self, Rejection> {
        match validation::from_body(cx.body(), is_json(cx.headers()), argument.constraints()) {
            Ok(value) => Ok(Json(value)),
            Err(BodyError::Invalid(errors)) => Err(errors.into()),
            Err(BodyError::NotUtf8) => Err(HttpError::new(
                StatusCode::BAD_REQUEST,
                "There was an error parsing the body",
            )
            .into()),
        }
    }
}

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        Response::json(&self.0)
    }
}

/// Whether the content type announces JSON, as FastAPI decides it.
fn is_json(headers: &HeaderMap) -> bool {
    let Some(content_type) = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    let Some((kind, subtype)) = essence.split_once('/') else {
        return false;
    };
    let subtype = subtype.to_ascii_lowercase();
    kind.eq_ignore_ascii_case("application") && (subtype == "json" || subtype.ends_with("+json"))
}

crate::extract::deref_to_inner!(Json);

#[cfg(test)]
mod tests {
    use super::is_json;
    use http::HeaderMap;

    #[test]
    fn json_content_types() {
        let check = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert("content-type", value.parse().expect("header value"));
            is_json(&headers)
        };
        assert!(check("application/json"));
        assert!(check("Application/JSON; charset=utf-8"));
        assert!(check("application/vnd.api+json"));
        assert!(!check("text/plain"));
        assert!(!check("application/jsonx"));
        assert!(!is_json(&HeaderMap::new()));
    }
}
