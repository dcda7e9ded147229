//! Security: schemes declared as types, and the verified caller as a handler
//! argument.
//!
//! A scheme is a type that implements [`SecurityScheme`]: its name in the
//! OpenAPI document and its definition ([`Scheme`]). A handler that takes an
//! [`Identity<S>`] requires scheme `S`; `#[scopes(...)]` on the argument adds
//! the OAuth2 scopes it needs. The same declaration is enforced and
//! documented: the component's document gets `components.securitySchemes`
//! and the operation's `security`, which is what the Wafer host checks before
//! the component runs, and what Swagger UI's "Authorize" uses.
//!
//! ```
//! use wafer::security::{Claims, Identity, Scheme, SecurityScheme};
//!
//! /// Tokens from the host's token endpoint.
//! pub struct OAuth2;
//!
//! impl SecurityScheme for OAuth2 {
//!     const NAME: &'static str = "oauth2";
//!     fn scheme() -> Scheme {
//!         Scheme::oauth2_password("/token").scope("items:write", "Change items")
//!     }
//! }
//!
//! /// Who am I?
//! #[wafer::get("/me")]
//! fn me(user: Identity<OAuth2>) -> String {
//!     user.subject().to_owned()
//! }
//!
//! /// Delete an item: needs the `items:write` scope.
//! #[wafer::delete("/items/{id}")]
//! fn delete_item(id: wafer::Path<u32>, #[scopes("items:write")] user: Identity<OAuth2, Claims>) {}
//! ```
//!
//! Where the identity comes from:
//! - Behind the Wafer host, the host has checked the credentials and forwards
//!   the verified claims in the `wafer-identity` header, signed with a
//!   secret only the host and its guests know (`WAFER_IDENTITY_SECRET` in the
//!   guest's environment). Clients cannot forge it.
//! - On any other host (Spin, `wasmtime serve`), there is no such secret: the
//!   SDK verifies a bearer JWT itself with the key in the component's
//!   environment (`WAFER_JWT_KEY`, `WAFER_JWT_ALGORITHMS`, and optionally
//!   `WAFER_JWT_ISSUER`, `WAFER_JWT_AUDIENCE`); see [`Identity`]. Without
//!   that configuration, it fails closed: every request is refused with a 500
//!   that says what to set. API keys are only checked by the Wafer host.

mod basic;
mod identity;
mod scheme;
mod verify;

pub use basic::HttpBasic;
pub use identity::{Claims, Identity};
pub use scheme::{ApiKeyLocation, Scheme, Schemes, SecurityScheme};
pub use wafer_contract::identity::{IDENTITY_HEADER, IDENTITY_SECRET_ENV};

/// `{"detail": string}`: the body of the 401 and 403 answers, documented.
fn detail_schema() -> Option<utoipa::openapi::RefOr<utoipa::openapi::Schema>> {
    let detail = serde_json::json!({
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    });
    serde_json::from_value(detail).ok()
}
