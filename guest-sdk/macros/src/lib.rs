//! The route macros of the Wafer guest SDK. Use them through the `wafer` crate:
//! `use wafer::{get, post};`.
//!
//! `#[get("/items/{item_id}")]` on a function makes it a route: next to the
//! function, which stays as written, it defines a braced struct of the same
//! name implementing `wafer::Route`, which `App::routes(wafer::routes![read_item])`
//! registers. The function's arguments are extractors, run in order; their
//! validation errors are collected into one 422 response.

// Functions read top to bottom: none is longer than clippy.toml allows.
#![warn(clippy::too_many_lines)]

mod constraints;
mod literal;
mod model;
mod route;
mod union;

use proc_macro::TokenStream;

use route::route;

/// A GET route: `#[get("/items/{item_id}")]`. See the `wafer` crate for the
/// options (`status = 201`).
#[proc_macro_attribute]
pub fn get(args: TokenStream, item: TokenStream) -> TokenStream {
    route("GET", args, item)
}

/// A POST route: `#[post("/items", status = 201)]`.
#[proc_macro_attribute]
pub fn post(args: TokenStream, item: TokenStream) -> TokenStream {
    route("POST", args, item)
}

/// A PUT route.
#[proc_macro_attribute]
pub fn put(args: TokenStream, item: TokenStream) -> TokenStream {
    route("PUT", args, item)
}

/// A PATCH route.
#[proc_macro_attribute]
pub fn patch(args: TokenStream, item: TokenStream) -> TokenStream {
    route("PATCH", args, item)
}

/// A DELETE route.
#[proc_macro_attribute]
pub fn delete(args: TokenStream, item: TokenStream) -> TokenStream {
    route("DELETE", args, item)
}

/// A HEAD route.
#[proc_macro_attribute]
pub fn head(args: TokenStream, item: TokenStream) -> TokenStream {
    route("HEAD", args, item)
}

/// An OPTIONS route.
#[proc_macro_attribute]
pub fn options(args: TokenStream, item: TokenStream) -> TokenStream {
    route("OPTIONS", args, item)
}

/// A request or response model: a serde type with Pydantic-style field
/// constraints (`#[field(min_length = 1, gt = 0, pattern = "...")]`) that are
/// validated and documented. Put it above `#[derive(Deserialize)]`.
#[proc_macro_attribute]
pub fn model(args: TokenStream, item: TokenStream) -> TokenStream {
    item_attribute("#[wafer::model]", args, item, model::expand)
}

/// A `Literal[...]`: a unit enum whose variants' serde names are the only
/// values accepted (`literal_error` otherwise), documented inline as an
/// `enum` (or a `const` for one value). Put it above `#[derive(Deserialize)]`.
#[proc_macro_attribute]
pub fn literal(args: TokenStream, item: TokenStream) -> TokenStream {
    item_attribute("#[wafer::literal]", args, item, literal::expand)
}

/// A discriminated union: `#[wafer::union(discriminator = "type")]` on an
/// enum whose variants each hold one model, whose field `type` is a
/// `#[wafer::literal]` naming the variant. Implements `Serialize`,
/// `Deserialize` (Pydantic's `union_tag_invalid`, `union_tag_not_found`, the
/// variant's errors under its tag) and the OpenAPI schema (`oneOf` with a
/// `discriminator`).
#[proc_macro_attribute]
pub fn union(args: TokenStream, item: TokenStream) -> TokenStream {
    let item = syn::parse_macro_input!(item as syn::Item);
    union::expand(args.into(), item)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// An attribute without arguments on an item, expanded by `expand`.
fn item_attribute(
    name: &str,
    args: TokenStream,
    item: TokenStream,
    expand: fn(syn::Item) -> syn::Result<proc_macro2::TokenStream>,
) -> TokenStream {
    if !args.is_empty() {
        return syn::Error::new(
            proc_macro2::Span::call_site(),
            format!("{name} takes no arguments"),
        )
        .into_compile_error()
        .into();
    }
    let item = syn::parse_macro_input!(item as syn::Item);
    expand(item)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
