//! `#[wafer::model]`: a serde type with Pydantic-style field constraints and an
//! OpenAPI schema from the same declarations.
//!
//! For each field with `#[field(...)]` it adds
//! `#[serde(deserialize_with = ...)]` pointing at a generated function that
//! hands the constraints (a `static`) to validation, `#[serde(default)]` for
//! `Option` fields (an optional field stays optional), and the same
//! constraints as utoipa `#[schema(...)]` options (or, for `items(...)`,
//! which utoipa has no option for, a `schema_with` function that adds them
//! to the field's schema); and it generates a check
//! that does not compile unless each constraint fits its field's type. A
//! `Maybe<T>` field (`wafer::types::Maybe`), constrained or not, gets
//! `#[serde(default, skip_serializing_if = ...)]`, so that an unset field is
//! left out when written, and `T`'s schema. It derives utoipa's `ToSchema`
//! for the type.

use proc_macro2::TokenStream as TokenStream2;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Attribute, Fields, GenericArgument, Item, PathArguments, Type};

use crate::constraints::FieldConstraints;

pub(crate) fn expand(item: Item) -> syn::Result<TokenStream2> {
    match item {
        Item::Struct(mut model) => {
            let (helpers, checks) =
                constrain_fields(&model.ident, &model.attrs, &mut model.fields)?;
            derive_schema(&mut model.attrs);
            let (generics, _, where_clause) = model.generics.split_for_impl();
            let checks = (!checks.is_empty()).then(|| {
                quote! {
                    const _: () = {
                        #[allow(dead_code, clippy::extra_unused_type_parameters)]
                        fn __wafer_check_constraints #generics () #where_clause {
                            #(#checks)*
                        }
                    };
                }
            });
            Ok(quote! {
                #[allow(unused_imports)]
                use ::wafer::__private::schema_scope::*;
                #model
                #(#helpers)*
                #checks
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

/// Rewrites the constrained and the `Maybe` fields; returns the generated
/// helper functions and the type checks of the constraints.
fn constrain_fields(
    model: &syn::Ident,
    attrs: &[Attribute],
    fields: &mut Fields,
) -> syn::Result<(Vec<TokenStream2>, Vec<TokenStream2>)> {
    let mut helpers = Vec::new();
    let mut checks = Vec::new();
    for (index, field) in fields.iter_mut().enumerate() {
        let constraints = FieldConstraints::take(&mut field.attrs)?;
        if let Some(constraints) = constraints {
            let (helper, check) = constrain_field(model, attrs, index, field, &constraints)?;
            helpers.extend(helper);
            checks.push(check);
        }
        if let Some(inner) = maybe_inner(&field.ty) {
            mark_maybe(field, inner);
        }
    }
    Ok((helpers, checks))
}

/// A `Maybe<T>` field's serde options and schema (see the module's doc).
fn mark_maybe(field: &mut syn::Field, inner: Type) {
    if !has_serde_default(&field.attrs) {
        field.attrs.push(syn::parse_quote!(#[serde(default)]));
    }
    if !has_serde_option(&field.attrs, "skip_serializing_if") {
        field.attrs.push(syn::parse_quote!(
            #[serde(skip_serializing_if = "::wafer::types::Maybe::is_unset")]
        ));
    }
    if !has_option(&field.attrs, "schema", "schema_with")
        && !has_option(&field.attrs, "schema", "value_type")
    {
        field
            .attrs
            .push(syn::parse_quote!(#[schema(value_type = #inner)]));
    }
}

/// Rewrites one constrained field; returns its generated helper functions
/// and the type check of its constraints.
fn constrain_field(
    model: &syn::Ident,
    attrs: &[Attribute],
    index: usize,
    field: &mut syn::Field,
    constraints: &FieldConstraints,
) -> syn::Result<(Vec<TokenStream2>, TokenStream2)> {
    let mut helpers = Vec::new();
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
    let ty = &field.ty;
    helpers.push(deserialize_helper(&helper, constraints, ty));
    let check = constraints.type_checks(&quote!(#ty));
    field
        .attrs
        .push(syn::parse_quote!(#[serde(deserialize_with = #helper_name)]));
    if is_option(&field.ty) && !has_serde_default(&field.attrs) {
        field.attrs.push(syn::parse_quote!(#[serde(default)]));
    }
    if constraints.constrains_items() {
        // utoipa leaves a `schema_with` field's doc comment out.
        let description = match doc_comment(&field.attrs) {
            Some(text) => quote!(::core::option::Option::Some(#text)),
            None => quote!(::core::option::Option::None),
        };
        let constraints_value = constraints.tokens();
        let schema = format_ident!("__wafer_schema_{}_{}", model, name.trim_start_matches("r#"));
        helpers.push(quote! {
            #[doc(hidden)]
            #[allow(non_snake_case)]
            fn #schema() -> ::wafer::__private::schema_scope::utoipa::openapi::RefOr<
                ::wafer::__private::schema_scope::utoipa::openapi::Schema,
            > {
                static CONSTRAINTS: ::wafer::validation::Constraints = #constraints_value;
                ::wafer::__private::constrained_schema::<#ty>(&CONSTRAINTS, #description)
            }
        });
        field
            .attrs
            .push(syn::parse_quote!(#[schema(schema_with = #schema)]));
    } else {
        let options = constraints.schema_options(is_list(&field.ty));
        field
            .attrs
            .push(syn::parse_quote!(#[schema(#(#options),*)]));
    }
    Ok((helpers, check))
}

/// The `deserialize_with` function of a constrained field: it hands the
/// constraints to validation, then runs the field's validator if it has one
/// (for the field's own type: a validator is a function of it).
fn deserialize_helper(
    helper: &syn::Ident,
    constraints: &FieldConstraints,
    ty: &Type,
) -> TokenStream2 {
    let value = constraints.tokens();
    let Some(validator) = constraints.validator() else {
        return quote! {
            #[doc(hidden)]
            #[allow(non_snake_case)]
            fn #helper<'de, D, T>(deserializer: D) -> ::core::result::Result<T, D::Error>
            where
                D: ::wafer::__private::serde::Deserializer<'de>,
                T: ::wafer::__private::serde::de::DeserializeOwned,
            {
                static CONSTRAINTS: ::wafer::validation::Constraints = #value;
                ::wafer::__private::constrained(deserializer, &CONSTRAINTS)
            }
        };
    };
    // A validator of the wrong type is reported at the validator.
    let call = quote_spanned!(validator.span()=>
        ::wafer::__private::validated::<#ty, D, _>(deserializer, &CONSTRAINTS, #validator)
    );
    quote! {
        #[doc(hidden)]
        #[allow(non_snake_case)]
        fn #helper<'de, D>(deserializer: D) -> ::core::result::Result<#ty, D::Error>
        where
            D: ::wafer::__private::serde::Deserializer<'de>,
        {
            static CONSTRAINTS: ::wafer::validation::Constraints = #value;
            #call
        }
    }
}

/// A field's doc comment as utoipa writes it in a description: the lines,
/// without trailing spaces and the indent they share, joined.
fn doc_comment(attrs: &[Attribute]) -> Option<String> {
    let mut lines: Vec<String> = attrs
        .iter()
        .filter(|attr| attr.path().is_ident("doc"))
        .filter_map(|attr| match &attr.meta {
            syn::Meta::NameValue(syn::MetaNameValue {
                value:
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(text),
                        ..
                    }),
                ..
            }) => Some(text.value()),
            _ => None,
        })
        .map(|line| line.trim_end().to_owned())
        .collect();
    let indent = lines
        .iter()
        .filter(|line| !line.is_empty())
        .map(|line| line.len() - line.trim_ascii_start().len())
        .min()
        .unwrap_or(0);
    for line in lines.iter_mut().filter(|line| !line.is_empty()) {
        line.drain(..indent);
    }
    (!lines.is_empty()).then(|| lines.join("\n"))
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
pub(crate) fn derives(attrs: &[Attribute], name: &str) -> bool {
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
    has_serde_option(attrs, "default")
}

/// Whether a `#[serde(...)]` among `attrs` holds the option `name`
/// (`name`, `name = ...` or `name(...)`).
pub(crate) fn has_serde_option(attrs: &[Attribute], name: &str) -> bool {
    has_option(attrs, "serde", name)
}

/// Whether an `#[attribute(...)]` among `attrs` holds the option `name`
/// (`name`, `name = ...` or `name(...)`).
fn has_option(attrs: &[Attribute], attribute: &str, name: &str) -> bool {
    attrs
        .iter()
        .filter(|attr| attr.path().is_ident(attribute))
        .any(|attr| {
            let mut found = false;
            let _ = attr.parse_nested_meta(|meta| {
                found |= meta.path.is_ident(name);
                if meta.input.peek(syn::Token![=]) {
                    let _: syn::Expr = meta.value()?.parse()?;
                } else if meta.input.peek(syn::token::Paren) {
                    meta.parse_nested_meta(|inner| {
                        if inner.input.peek(syn::Token![=]) {
                            let _: syn::Expr = inner.value()?.parse()?;
                        }
                        Ok(())
                    })?;
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

/// `T` of a `Maybe<T>` (by the last segment of the type's path).
fn maybe_inner(ty: &Type) -> Option<Type> {
    match outer(ty) {
        Some((name, Some(inner))) if name == "Maybe" => Some(inner.clone()),
        _ => None,
    }
}

/// Whether lengths count items (lists and sets) rather than characters,
/// looking through `Option` and `Maybe`.
pub(crate) fn is_list(ty: &Type) -> bool {
    match outer(ty) {
        Some((name, Some(inner))) if name == "Option" || name == "Maybe" => is_list(inner),
        Some((name, _)) => matches!(
            name.as_str(),
            "Vec" | "VecDeque" | "HashSet" | "BTreeSet" | "IndexSet" | "SmallVec"
        ),
        None => matches!(ty, Type::Array(_) | Type::Slice(_)),
    }
}
