//! Pydantic's everyday types, validated and documented as FastAPI does.
//!
//! Each type reads what Pydantic accepts for its Python twin, answers what it
//! refuses with Pydantic's error type and wording, serializes as Pydantic
//! does, and describes itself in OpenAPI as FastAPI writes it. Use them in
//! models and as path, query, header, cookie and form parameters:
//!
//! ```
//! use serde::{Deserialize, Serialize};
//! use wafer::types::Uuid;
//! use wafer::{Json, Path, get, model};
//!
//! #[model]
//! #[derive(Deserialize, Serialize)]
//! struct Order {
//!     id: Uuid,
//! }
//!
//! #[get("/orders/{order_id}")]
//! async fn read(Path(order_id): Path<Uuid>) -> Json<Order> {
//!     Json(Order { id: order_id })
//! }
//! ```
//!
//! | Type | Python | OpenAPI |
//! |---|---|---|
//! | [`Uuid`] | `uuid.UUID` | `string`, `format: uuid` |

mod uuid;

pub use self::uuid::Uuid;
