//! `#[wafer::literal]`: a unit enum that validates and documents as a
//! Pydantic `Literal[...]` of its variants' serde names.
//!
//! It marks the enum for validation by a serde container name the validating
//! deserializer knows (so a wrong value answers `literal_error`, not an
//! `Enum`'s `enum`), and implements utoipa's schema traits: a schema of the
//! names serde accepts (read from the enum's own `Deserialize`), marked so
//! that the document writes it out where it is used, as FastAPI writes a
//! `Literal` (an `enum`, or a `const` for one value), instead of as a
//! component.

use proc_macro2::TokenStream as TokenStream2;
use quote::quote;
use syn::{Fields, Item};

/// The serde container name that marks a literal; the SDK's
/// `validation::LITERAL` is the same text.
const LITERAL: &str = "$wafer::literal";

pub(crate) fn expand(item: Item) -> syn::Result<TokenStream2> {
    let Item::Enum(mut literal) = item else {
        return Err(syn::Error::new_spanned(
            item,
            "#[wafer::literal] goes on an enum of unit variants",
        ));
    };
    if let Some(variant) = literal
        .variants
        .iter()
        .find(|variant| !matches!(variant.fields, Fields::Unit))
    {
        return Err(syn::Error::new_spanned(
            variant,
            "a literal's variants are values: they cannot hold fields",
        ));
    }
    if literal.variants.is_empty() {
        return Err(syn::Error::new_spanned(
            &literal.ident,
            "a literal needs at least one variant",
        ));
    }
    if !literal.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(
            &literal.generics,
            "a literal cannot be generic",
        ));
    }
    if let Some(attr) = literal.attrs.iter().find(|attr| {
        attr.path()
            .segments
            .last()
            .is_some_and(|segment| segment.ident == "model")
    }) {
        return Err(syn::Error::new_spanned(
            attr,
            "#[wafer::literal] describes the enum itself: remove #[wafer::model]",
        ));
    }
    if !crate::model::derives(&literal.attrs, "Deserialize") {
        return Err(syn::Error::new_spanned(
            &literal.ident,
            "put #[wafer::literal] above #[derive(Deserialize)], which it names the enum for",
        ));
    }
    if crate::model::has_serde_option(&literal.attrs, "rename") {
        return Err(syn::Error::new_spanned(
            &literal.ident,
            "#[wafer::literal] names the enum for serde itself: remove `rename` (`rename_all` is fine)",
        ));
    }
    literal
        .attrs
        .push(syn::parse_quote!(#[serde(rename = #LITERAL)]));
    let name = &literal.ident;
    let title = name.to_string();
    Ok(quote! {
        #literal

        impl ::wafer::__private::ComposeSchema for #name {
            fn compose(
                _: ::std::vec::Vec<::wafer::__private::RefOr<::wafer::__private::Schema>>,
            ) -> ::wafer::__private::RefOr<::wafer::__private::Schema> {
                ::wafer::__private::literal_schema::<#name>()
            }
        }

        impl ::wafer::__private::ToSchema for #name {
            fn name() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(#title)
            }
        }
    })
}
