//! [`Path`]: parameters from the path template.

use serde::de::DeserializeOwned;

use super::{Argument, FromRequest, Rejection};
use crate::extract::context::RequestContext;
use crate::validation;

/// Path parameters, converted and validated.
///
/// `T` is one value, read from the parameter named like the argument (or the
/// route's only parameter), a tuple of all parameters in template order, or a
/// struct whose fields are the parameters.
///
/// ```
/// use wafer::{get, Json, Path};
/// use serde::Deserialize;
///
/// #[get("/items/{item_id}")]
/// fn read_item(item_id: Path<u32>) -> Json<u32> {
///     Json(*item_id)
/// }
///
/// #[derive(Deserialize)]
/// struct OrderLine { order: u64, line: u16 }
///
/// #[get("/orders/{order}/lines/{line}")]
/// fn read_line(Path(at): Path<OrderLine>) -> String {
///     format!("{}/{}", at.order, at.line)
/// }
/// ```
///
/// A value that does not convert is a 422 located at `["path", name]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Path<T>(pub T);

impl<T: DeserializeOwned> FromRequest for Path<T> {
    fn from_request(cx: &RequestContext<'_>, argument: &Argument) -> Result<Self, Rejection> {
        let params = cx.path_params();
        let name = match argument.name() {
            Some(name) if params.names().any(|param| param == name) => Some(name),
            _ if params.len() == 1 => params.names().next(),
            name => name,
        };
        Ok(Path(validation::from_params(
            params,
            name,
            argument.constraints(),
        )?))
    }
}

crate::extract::deref_to_inner!(Path);
