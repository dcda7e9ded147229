//! [`Form`]: fields of a web form.

use super::{Argument, FromRequest, Rejection};
use crate::extract::context::RequestContext;

/// Fields of a form body (`application/x-www-form-urlencoded` or
/// `multipart/form-data`), converted and validated, read the way FastAPI's
/// `Form()` reads them. Files in a multipart form are [`UploadFile`](crate::UploadFile)s.
///
/// `T` is a struct whose fields are the form's fields (FastAPI's form
/// model), or one value read from the field named like the argument. As
/// with [`Query`](crate::Query), `Option` makes a field optional, `Vec`
/// collects a repeated one and a single value takes the last. Errors are
/// located under `body` (`["body", "username"]`). A body of another content
/// type has no fields, so each required field is `missing`, as in FastAPI;
/// a multipart body without a boundary, or not starting with it, is a 400.
///
/// ```
/// use serde::Deserialize;
/// use wafer::testing::TestClient;
/// use wafer::{post, App, Form};
///
/// #[wafer::model]
/// #[derive(Deserialize)]
/// struct Login {
///     #[field(min_length = 3)]
///     username: String,
///     #[field(min_length = 8)]
///     password: String,
///     #[serde(default)]
///     remember: bool,
/// }
///
/// #[post("/login")]
/// fn login(Form(login): Form<Login>) -> String {
///     format!("{} {}", login.username, login.remember)
/// }
///
/// let client = TestClient::new(App::new().routes(wafer::routes![login]));
/// let answer = client
///     .post("/login")
///     .form(&[("username", "ann"), ("password", "12345678"), ("remember", "yes")])
///     .send();
/// assert_eq!(answer.text(), "ann true");
/// assert_eq!(client.post("/login").form(&[("username", "an")]).send().status(), 422);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Form<T>(pub T);

impl<T: serde::de::DeserializeOwned> FromRequest for Form<T> {
    fn from_request(cx: &RequestContext<'_>, argument: &Argument) -> Result<Self, Rejection> {
        Ok(Form(crate::validation::from_params(
            &cx.form()?.fields,
            argument.name(),
            argument.constraints(),
        )?))
    }
}

crate::extract::deref_to_inner!(Form);
