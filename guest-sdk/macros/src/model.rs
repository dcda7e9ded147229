//! `#[wafer::model]`: a serde type with Pydantic-style field constraints and an
//! OpenAPI schema from the same declarations.
//!
//! For each field with `#[field(...)]` it adds
//! `#[serde(deserialize_with = ...)]` pointing at a generated function that
//! hands the constraints to the validating deserializer, `#[serde(default)]`
//! for `Option` fields (an optional field stays optional), and the same
//! constraints as utoipa `#[schema(...)]` options. It derives utoipa's
//! `ToSchema` for the type.

use proc_macro2::TokenStream as TokenStream2;
use quote::{format_ident, quote};
use syn::{Attribute, Fields, GenericArgument, Item, PathArguments, Type};

use crate::constraints::FieldConstraints;

pub(crate) fn expand(item: Item) -> syn::Result<TokenStream2> {
    match item {
        Item::Struct(mut model) => {
            let helpers = constrain_fields(&model.ident, &model.attrs, &mut model.fields)?;
            derive_schema(&mut model.attrs);
            Ok(quote! {
                #[allow(unused_imports)]
                use ::wafer::__private::schema_scope::*;
                #model
                #(#helpers)*
            })
        }
        Item::Enum(mut model) => {
            derive_schema(&mut model.attrs);
            Ok(quote! {
                #[allow(unused_imports)]
                use ::wafer::__private::schema_scope::*;
                #model
            })
        }
        other => Err(syn::Error::new_spanned(
            other,
            "#[wafer::model] goes on a struct or an enum",
        )),
    }
}

/// Rewrites the constrained fields; returns the generated helper functions.
fn constrain_fields(
    model: &syn::Ident,
    attrs: &[Attribute],
    fields: &mut Fields,
) -> syn::Result<Vec<TokenStream2>> {
    let mut helpers = Vec::new();
    for (index, field) in fields.iter_mut().enumerate() {
        let Some(constraints) = FieldConstraints::take(&mut field.attrs)? else {
            continue;
        };
        if !derives(attrs, "Deserialize") {
            return Err(syn::Error::new_spanned(
                model,
                "put #[wafer::model] above #[derive(Deserialize)] so that the constraints reach serde",
            ));
        }
        let name = field
            .ident
            .as_ref()
            .map_or_else(|| index.to_string(), ToString::to_string);
        let helper = format_ident!(
            "__wafer_constrained_{}_{}",
            model,
            name.trim_start_matches("r#")
        );
        let helper_name = helper.to_string();
        let newtype = format!("$wafer::constrained{}", constraints.spec());
        helpers.push(quote! {
            #[doc(hidden)]
            #[allow(non_snake_case)]
            fn #helper<'de, D, T>(deserializer: D) -> ::core::result::Result<T, D::Error>
            where
                D: ::wafer::__private::serde::Deserializer<'de>,
                T: ::wafer::__private::serde::Deserialize<'de>,
            {
                ::wafer::__private::constrained(deserializer, #newtype)
            }
        });
        field
            .attrs
            .push(syn::parse_quote!(#[serde(deserialize_with = #helper_name)]));
        if is_option(&field.ty) && !has_serde_default(&field.attrs) {
            field.attrs.push(syn::parse_quote!(#[serde(default)]));
        }
        let options = constraints.schema_options(is_list(&field.ty));
        field
            .attrs
            .push(syn::parse_quote!(#[schema(#(#options),*)]));
    }
    Ok(helpers)
}

/// Adds `#[derive(ToSchema)]` unless the type already derives it.
fn derive_schema(attrs: &mut Vec<Attribute>) {
    if !derives(attrs, "ToSchema") {
        attrs.insert(
            0,
            syn::parse_quote!(#[derive(::wafer::__private::ToSchema)]),
        );
    }
}

/// Whether a `#[derive(...)]` among `attrs` names `name` (by last segment).
fn derives(attrs: &[Attribute], name: &str) -> bool {
    attrs
        .iter()
        .filter(|attr| attr.path().is_ident("derive"))
        .any(|attr| {
            let mut found = false;
            let _ = attr.parse_nested_meta(|meta| {
                found |= meta.path.segments.last().is_some_and(|s| s.ident == name);
                Ok(())
            });
            found
        })
}

fn has_serde_default(attrs: &[Attribute]) -> bool {
    attrs
        .iter()
        .filter(|attr| attr.path().is_ident("serde"))
        .any(|attr| {
            let mut found = false;
            let _ = attr.parse_nested_meta(|meta| {
                found |= meta.path.is_ident("default");
                if meta.input.peek(syn::Token![=]) {
                    let _: syn::Expr = meta.value()?.parse()?;
                }
                Ok(())
            });
            found
        })
}

/// The last path segment of a type and its first generic argument.
fn outer(ty: &Type) -> Option<(String, Option<&Type>)> {
    let Type::Path(path) = ty else { return None };
    let segment = path.path.segments.last()?;
    let inner = match &segment.arguments {
        PathArguments::AngleBracketed(args) => args.args.iter().find_map(|arg| match arg {
            GenericArgument::Type(ty) => Some(ty),
            _ => None,
        }),
        _ => None,
    };
    Some((segment.ident.to_string(), inner))
}

fn is_option(ty: &Type) -> bool {
    outer(ty).is_some_and(|(name, _)| name == "Option")
}

/// Whether lengths count items (lists and sets) rather than characters,
/// looking through `Option`.
pub(crate) fn is_list(ty: &Type) -> bool {
    match outer(ty) {
        Some((name, Some(inner))) if name == "Option" => is_list(inner),
        Some((name, _)) => matches!(
            name.as_str(),
            "Vec" | "VecDeque" | "HashSet" | "BTreeSet" | "IndexSet" | "SmallVec"
        ),
        None => matches!(ty, Type::Array(_) | Type::Slice(_)),
    }
}
