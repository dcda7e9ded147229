//! [`Settings`]: the component's configuration, typed, as pydantic-settings
//! gives it: read from `wasi:config@0.2.0-draft-2024-09-27` (Wafer's
//! `config = {...}`, Spin's `[component.x.variables]`), converted and
//! validated into a struct once per instance.
//!
//! ```
//! use serde::Deserialize;
//! use wafer::config::Settings;
//! use wafer::get;
//!
//! #[derive(Deserialize, Clone)]
//! struct Upstream {
//!     upstream: String,
//!     #[serde(default)]
//!     retries: u32,
//! }
//!
//! #[get("/where")]
//! fn where_to(Settings(upstream): Settings<Upstream>) -> String {
//!     format!("{} ({} retries)", upstream.upstream, upstream.retries)
//! }
//! ```
//!
//! A value that does not convert (`retries = "many"`) or a key that is
//! missing is the operator's mistake, not the client's: the request gets a
//! 500 and the log names the key.

#[cfg(target_arch = "wasm32")]
mod wasi;

use std::any::{Any, TypeId};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use serde::de::DeserializeOwned;

use crate::extract::{Argument, FromRequest, Rejection, RequestContext};
use crate::validation::{self, ParamSet};

/// The component's configuration as `T`, read and checked once per instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings<T>(pub T);

crate::extract::deref_to_inner!(Settings);

thread_local! {
    /// Settings already read, by type: config does not change while an
    /// instance lives.
    static READ: RefCell<HashMap<TypeId, Rc<dyn Any>>> = RefCell::new(HashMap::new());
}

impl<T: DeserializeOwned + Clone + 'static> FromRequest for Settings<T> {
    fn from_request(cx: &RequestContext<'_>, _: &Argument) -> Result<Self, Rejection> {
        let config = cx.config();
        // A test's config is read every time: it may differ between clients.
        let cached = config
            .is_none()
            .then(|| READ.with(|read| read.borrow().get(&TypeId::of::<T>()).cloned()));
        if let Some(Some(value)) = cached
            && let Some(value) = value.downcast_ref::<T>()
        {
            return Ok(Settings(value.clone()));
        }
        let pairs = match config {
            Some(pairs) => pairs,
            None => all()?,
        };
        let value = parse::<T>(&pairs)?;
        if cx.config().is_none() {
            READ.with(|read| {
                read.borrow_mut()
                    .insert(TypeId::of::<T>(), Rc::new(value.clone()) as Rc<dyn Any>)
            });
        }
        Ok(Settings(value))
    }
}

/// The host's config: all of it.
#[cfg(target_arch = "wasm32")]
fn all() -> Result<Vec<(String, String)>, Rejection> {
    wasi::get_all().map_err(|reason| {
        Rejection::internal(format_args!(
            "the component's config cannot be read: {reason}"
        ))
    })
}

/// Natively there is no host: a test gives config with
/// [`TestClient::config`](crate::testing::TestClient::config).
#[cfg(not(target_arch = "wasm32"))]
fn all() -> Result<Vec<(String, String)>, Rejection> {
    Ok(Vec::new())
}

/// `pairs` as a `T`, with the conversions of query parameters (Pydantic's).
fn parse<T: DeserializeOwned>(pairs: &[(String, String)]) -> Result<T, Rejection> {
    let mut params = ParamSet::new("config");
    for (key, value) in pairs {
        params.push(key.as_str(), value.as_str());
    }
    validation::from_params::<T>(&params, None, None).map_err(|errors| {
        Rejection::internal(format_args!(
            "the component's config is not a {}: {}",
            std::any::type_name::<T>(),
            errors
        ))
    })
}
