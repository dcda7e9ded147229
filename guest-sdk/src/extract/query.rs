//! [`Query`]: parameters from the query string.

/// Query parameters, converted and validated.
///
/// `T` is a struct whose fields are parameters, or one value read from the
/// parameter named like the argument. `Option` makes a parameter optional and
/// `Vec` collects a repeated one (`?tag=a&tag=b`); a single value takes the
/// last of repeated ones, as FastAPI does.
///
/// ```
/// use wafer::{get, Json, Query};
/// use serde::Deserialize;
///
/// #[get("/search")]
/// fn search(q: Query<Option<String>>, tag: Query<Vec<String>>) -> Json<Vec<String>> {
///     let mut found = tag.0;
///     found.extend(q.0);
///     Json(found)
/// }
///
/// #[derive(Deserialize)]
/// struct Page { offset: u32, limit: Option<u32> }
///
/// #[get("/items")]
/// fn list(Query(page): Query<Page>) -> String {
///     format!("{}+{:?}", page.offset, page.limit)
/// }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Query<T>(pub T);

crate::extract::from_params!(Query, query_params);

crate::extract::deref_to_inner!(Query);
