//! `#[field(...)]`: Pydantic's `Field(...)` constraints on a model field or a
//! handler argument, parsed once for both validation (a JSON spec that the SDK's
//! validating deserializer reads) and the OpenAPI schema (utoipa's `#[schema]`).

use proc_macro2::TokenStream as TokenStream2;
use quote::quote;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Attribute, Expr, ExprLit, ExprUnary, Lit, Meta, Token, UnOp};

/// The constraint names, in the order they are written to the spec.
const NAMES: &str = "gt, ge, lt, le, multiple_of, min_length, max_length, pattern";

/// The constraints of one field or argument.
pub(crate) struct FieldConstraints {
    entries: Vec<(String, Constraint)>,
}

enum Constraint {
    /// A bound or `multiple_of`: the JSON number, and the literal as written.
    Number(String, Expr),
    /// `min_length` / `max_length`.
    Length(u64),
    /// `pattern`.
    Pattern(String),
}

impl FieldConstraints {
    /// Removes the `#[field(...)]` attributes from `attrs` and parses them.
    pub(crate) fn take(attrs: &mut Vec<Attribute>) -> syn::Result<Option<FieldConstraints>> {
        let mut entries: Vec<(String, Constraint)> = Vec::new();
        let mut found = false;
        let mut kept = Vec::with_capacity(attrs.len());
        for attr in attrs.drain(..) {
            if !attr.path().is_ident("field") {
                kept.push(attr);
                continue;
            }
            found = true;
            let options = attr.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)?;
            for option in options {
                let Meta::NameValue(option) = option else {
                    return Err(syn::Error::new_spanned(option, "expected `name = value`"));
                };
                let Some(name) = option.path.get_ident().map(ToString::to_string) else {
                    return Err(syn::Error::new_spanned(
                        &option.path,
                        format!("expected one of: {NAMES}"),
                    ));
                };
                if entries.iter().any(|(existing, _)| *existing == name) {
                    return Err(syn::Error::new_spanned(
                        &option.path,
                        format!("`{name}` is given twice"),
                    ));
                }
                let value = match name.as_str() {
                    "gt" | "ge" | "lt" | "le" | "multiple_of" => {
                        Constraint::Number(number(&option.value)?, option.value)
                    }
                    "min_length" | "max_length" => Constraint::Length(length(&option.value)?),
                    "pattern" => Constraint::Pattern(string(&option.value)?),
                    _ => {
                        return Err(syn::Error::new_spanned(
                            &option.path,
                            format!("unknown constraint `{name}`; the constraints are: {NAMES}"),
                        ));
                    }
                };
                entries.push((name, value));
            }
        }
        *attrs = kept;
        Ok(found.then_some(FieldConstraints { entries }))
    }

    /// The constraints as a JSON object, e.g. `{"gt":0,"max_length":5}`.
    pub(crate) fn spec(&self) -> String {
        let fields: Vec<String> = self
            .entries
            .iter()
            .map(|(name, value)| {
                let value = match value {
                    Constraint::Number(json, _) => json.clone(),
                    Constraint::Length(length) => length.to_string(),
                    Constraint::Pattern(pattern) => json_string(pattern),
                };
                format!("\"{name}\":{value}")
            })
            .collect();
        format!("{{{}}}", fields.join(","))
    }

    /// The same constraints as utoipa `#[schema(...)]` options; lengths become
    /// `min_items`/`max_items` for lists.
    pub(crate) fn schema_options(&self, is_list: bool) -> Vec<TokenStream2> {
        self.entries
            .iter()
            .map(|(name, value)| match value {
                Constraint::Number(_, literal) => {
                    let key = match name.as_str() {
                        "gt" => quote!(exclusive_minimum),
                        "ge" => quote!(minimum),
                        "lt" => quote!(exclusive_maximum),
                        "le" => quote!(maximum),
                        _ => quote!(multiple_of),
                    };
                    quote!(#key = #literal)
                }
                Constraint::Length(length) => {
                    let key = match (name.as_str(), is_list) {
                        ("min_length", false) => quote!(min_length),
                        ("max_length", false) => quote!(max_length),
                        ("min_length", true) => quote!(min_items),
                        _ => quote!(max_items),
                    };
                    let length = *length as usize;
                    quote!(#key = #length)
                }
                Constraint::Pattern(pattern) => quote!(pattern = #pattern),
            })
            .collect()
    }
}

/// A number literal, possibly negative, as JSON: integers as written, floats
/// with a decimal point (`1.0` stays `1.0`, as in Pydantic's messages).
fn number(value: &Expr) -> syn::Result<String> {
    let invalid = || {
        syn::Error::new(
            value.span(),
            "expected a number, e.g. `gt = 0` or `le = 1.5`",
        )
    };
    let (negative, literal) = match value {
        Expr::Unary(ExprUnary {
            op: UnOp::Neg(_),
            expr,
            ..
        }) => (true, &**expr),
        other => (false, other),
    };
    let Expr::Lit(ExprLit { lit, .. }) = literal else {
        return Err(invalid());
    };
    let text = match lit {
        Lit::Int(int) => int.base10_parse::<u64>()?.to_string(),
        Lit::Float(float) => {
            let float = float.base10_parse::<f64>()?;
            if !float.is_finite() {
                return Err(invalid());
            }
            format!("{float:?}")
        }
        _ => return Err(invalid()),
    };
    Ok(if negative { format!("-{text}") } else { text })
}

fn length(value: &Expr) -> syn::Result<u64> {
    match value {
        Expr::Lit(ExprLit {
            lit: Lit::Int(int), ..
        }) => int.base10_parse(),
        _ => Err(syn::Error::new(
            value.span(),
            "expected a length, e.g. `max_length = 50`",
        )),
    }
}

fn string(value: &Expr) -> syn::Result<String> {
    match value {
        Expr::Lit(ExprLit {
            lit: Lit::Str(text),
            ..
        }) => Ok(text.value()),
        _ => Err(syn::Error::new(
            value.span(),
            "expected a string, e.g. `pattern = \"^[a-z]+$\"`",
        )),
    }
}

fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
