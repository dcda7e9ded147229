//! `#[field(...)]`: Pydantic's `Field(...)` constraints on a model field or a
//! handler argument, parsed and checked once for both validation (a `static`
//! `wafer::validation::Constraints` that the validating deserializer reads)
//! and the OpenAPI schema (utoipa's `#[schema]`).
//!
//! `items(...)` holds the constraints of each item of a list, in the same
//! syntax: `#[field(min_length = 64, items(ge = 0, le = 16))]`.
//!
//! What can be checked here is a compile error: an unknown constraint, a
//! value of the wrong kind, a pattern that does not compile, `multiple_of =
//! 0`. Whether each constraint fits the field's type
//! is checked by the code generated from [`FieldConstraints::type_checks`],
//! through the traits of `wafer::validation`.

use proc_macro2::{Span, TokenStream as TokenStream2};
use quote::{quote, quote_spanned};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Attribute, Expr, ExprLit, ExprUnary, Lit, Meta, Token, UnOp};

/// The constraint names.
const NAMES: &str = "gt, ge, lt, le, multiple_of, min_length, max_length, pattern, max_digits, decimal_places, items(...), validate";

/// The constraints of one field or argument.
pub(crate) struct FieldConstraints {
    entries: Vec<Entry>,
}

struct Entry {
    name: String,
    /// Where the constraint is written, for errors.
    span: Span,
    value: Constraint,
}

enum Constraint {
    /// A bound or `multiple_of`: the number, and the literal as written.
    Number(Limit, Expr),
    /// `min_length` / `max_length`.
    Length(u64),
    /// `pattern`.
    Pattern(String),
    /// `max_digits` / `decimal_places`.
    Digits(u32),
    /// `items(...)`: the constraints of each item.
    Items(FieldConstraints),
    /// `validate = function`: the field's own validator (model fields only).
    Validate(syn::Path),
}

/// A number as written: an integer or a (finite) float.
#[derive(Clone, Copy)]
enum Limit {
    Int(i64),
    Float(f64),
}

impl Limit {
    fn as_f64(self) -> f64 {
        match self {
            Limit::Int(int) => int as f64,
            Limit::Float(float) => float,
        }
    }
}

impl FieldConstraints {
    /// Removes the `#[field(...)]` attributes from `attrs`, parses them and
    /// checks them.
    pub(crate) fn take(attrs: &mut Vec<Attribute>) -> syn::Result<Option<FieldConstraints>> {
        let mut entries: Vec<Entry> = Vec::new();
        let mut found = false;
        let mut kept = Vec::with_capacity(attrs.len());
        for attr in attrs.drain(..) {
            if !attr.path().is_ident("field") {
                kept.push(attr);
                continue;
            }
            found = true;
            let options = attr.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)?;
            add_entries(&mut entries, options)?;
        }
        *attrs = kept;
        if !found {
            return Ok(None);
        }
        let constraints = FieldConstraints { entries };
        constraints.check()?;
        Ok(Some(constraints))
    }

    /// Whether there are constraints on the items of a list, which utoipa's
    /// `#[schema(...)]` cannot express (the model macro then describes the
    /// field with [`FieldConstraints::tokens`] at run time instead).
    pub(crate) fn constrains_items(&self) -> bool {
        self.entries
            .iter()
            .any(|entry| matches!(entry.value, Constraint::Items(_)))
    }

    /// The field's own validator, `validate = function`, if given.
    pub(crate) fn validator(&self) -> Option<&syn::Path> {
        self.entries.iter().find_map(|entry| match &entry.value {
            Constraint::Validate(function) => Some(function),
            _ => None,
        })
    }

    /// Refuses a validator where there is no model field to run it on.
    pub(crate) fn refuse_validator(&self, place: &str) -> syn::Result<()> {
        match self.get("validate") {
            Some(entry) => Err(syn::Error::new(
                entry.span,
                format!("`validate` runs on model fields, not on {place}"),
            )),
            None => Ok(()),
        }
    }

    fn get(&self, name: &str) -> Option<&Entry> {
        self.entries.iter().find(|entry| entry.name == name)
    }

    /// Refuses `multiple_of = 0`, which nothing is a multiple of. (Bounds
    /// that no value meets are allowed, as Pydantic allows them.)
    fn check(&self) -> syn::Result<()> {
        match self.get("multiple_of") {
            Some(Entry {
                span,
                value: Constraint::Number(limit, _),
                ..
            }) if limit.as_f64() == 0.0 => Err(syn::Error::new(*span, "`multiple_of` cannot be 0")),
            _ => self
                .entries
                .iter()
                .try_for_each(|entry| match &entry.value {
                    Constraint::Items(items) => {
                        items.refuse_validator("the items of a list")?;
                        items.check()
                    }
                    _ => Ok(()),
                }),
        }
    }

    /// The constraints as a `wafer::validation::Constraints` expression, for
    /// a `static`.
    pub(crate) fn tokens(&self) -> TokenStream2 {
        let constraints = self
            .entries
            .iter()
            .filter(|entry| !matches!(entry.value, Constraint::Validate(_)));
        let fields = constraints.map(|entry| {
            let name = syn::Ident::new(&entry.name, Span::call_site());
            let value = match &entry.value {
                Constraint::Number(Limit::Int(int), _) => {
                    quote!(::wafer::validation::Limit::Int(#int))
                }
                Constraint::Number(Limit::Float(float), _) => {
                    quote!(::wafer::validation::Limit::Float(#float))
                }
                Constraint::Length(length) => {
                    let length = *length as usize;
                    quote!(#length)
                }
                Constraint::Pattern(pattern) => quote!(#pattern),
                Constraint::Digits(count) => quote!(#count),
                Constraint::Items(items) => {
                    let items = items.tokens();
                    quote!(&#items)
                }
                Constraint::Validate(_) => unreachable!("filtered out above"),
            };
            quote!(#name: ::core::option::Option::Some(#value))
        });
        quote! {
            ::wafer::validation::Constraints {
                #(#fields,)*
                ..::wafer::validation::Constraints::NONE
            }
        }
    }

    /// Statements that compile only if every constraint fits `ty`, the type
    /// it constrains; each error points at the constraint.
    pub(crate) fn type_checks(&self, ty: &TokenStream2) -> TokenStream2 {
        let checks = self.entries.iter().filter_map(|entry| {
            let check = match &entry.value {
                Constraint::Number(..) => quote!(number),
                Constraint::Length(_) => quote!(has_length),
                Constraint::Pattern(_) => quote!(text),
                Constraint::Digits(_) => quote!(digits),
                // The compiler checks the function's type where it is called.
                Constraint::Validate(_) => return None,
                Constraint::Items(items) => {
                    let item = quote_spanned!(entry.span=>
                        <#ty as ::wafer::validation::List>::Item
                    );
                    let item_checks = items.type_checks(&item);
                    return Some(quote_spanned!(entry.span=>
                        ::wafer::__private::constraint_checks::list::<#ty>();
                        #item_checks
                    ));
                }
            };
            Some(quote_spanned!(entry.span=> ::wafer::__private::constraint_checks::#check::<#ty>();))
        });
        quote!(#(#checks)*)
    }

    /// The same constraints as utoipa `#[schema(...)]` options; lengths become
    /// `min_items`/`max_items` for lists. (`items(...)` has no such option:
    /// see [`FieldConstraints::constrains_items`].)
    pub(crate) fn schema_options(&self, is_list: bool) -> Vec<TokenStream2> {
        self.entries
            .iter()
            .filter_map(|entry| {
                Some(match &entry.value {
                    Constraint::Number(_, literal) => {
                        let key = match entry.name.as_str() {
                            "gt" => quote!(exclusive_minimum),
                            "ge" => quote!(minimum),
                            "lt" => quote!(exclusive_maximum),
                            "le" => quote!(maximum),
                            _ => quote!(multiple_of),
                        };
                        quote!(#key = #literal)
                    }
                    Constraint::Length(length) => {
                        let key = match (entry.name.as_str(), is_list) {
                            ("min_length", false) => quote!(min_length),
                            ("max_length", false) => quote!(max_length),
                            ("min_length", true) => quote!(min_items),
                            _ => quote!(max_items),
                        };
                        let length = *length as usize;
                        quote!(#key = #length)
                    }
                    Constraint::Pattern(pattern) => quote!(pattern = #pattern),
                    // FastAPI's documents leave digits out.
                    Constraint::Digits(_) | Constraint::Items(_) | Constraint::Validate(_) => {
                        return None;
                    }
                })
            })
            .collect()
    }
}

/// Parses `options` into `entries`, refusing a name given twice.
fn add_entries(entries: &mut Vec<Entry>, options: Punctuated<Meta, Token![,]>) -> syn::Result<()> {
    for option in options {
        let entry = entry(option)?;
        if entries.iter().any(|existing| existing.name == entry.name) {
            return Err(syn::Error::new(
                entry.span,
                format!("`{}` is given twice", entry.name),
            ));
        }
        entries.push(entry);
    }
    Ok(())
}

/// One `name = value` of a `#[field(...)]`, or `items(...)`.
fn entry(option: Meta) -> syn::Result<Entry> {
    let option = match option {
        Meta::NameValue(option) => option,
        Meta::List(list) if list.path.is_ident("items") => {
            let mut entries = Vec::new();
            add_entries(
                &mut entries,
                list.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)?,
            )?;
            return Ok(Entry {
                name: "items".to_owned(),
                span: list.path.span(),
                value: Constraint::Items(FieldConstraints { entries }),
            });
        }
        other => {
            return Err(syn::Error::new_spanned(
                other,
                "expected `name = value`, or `items(...)`",
            ));
        }
    };
    let Some(name) = option.path.get_ident().map(ToString::to_string) else {
        return Err(syn::Error::new_spanned(
            &option.path,
            format!("expected one of: {NAMES}"),
        ));
    };
    let value = match name.as_str() {
        "gt" | "ge" | "lt" | "le" | "multiple_of" => {
            Constraint::Number(number(&option.value)?, option.value.clone())
        }
        "min_length" | "max_length" => Constraint::Length(length(&option.value)?),
        "pattern" => Constraint::Pattern(pattern(&option.value)?),
        "max_digits" | "decimal_places" => Constraint::Digits(digits(&option.value)?),
        "validate" => match &option.value {
            Expr::Path(function) => Constraint::Validate(function.path.clone()),
            other => {
                return Err(syn::Error::new_spanned(
                    other,
                    "expected a function, e.g. `validate = upper_case`",
                ));
            }
        },
        "items" => {
            return Err(syn::Error::new_spanned(
                &option,
                "`items` takes the items' constraints in parentheses, e.g. `items(ge = 0, le = 16)`",
            ));
        }
        _ => {
            return Err(syn::Error::new_spanned(
                &option.path,
                format!("unknown constraint `{name}`; the constraints are: {NAMES}"),
            ));
        }
    };
    Ok(Entry {
        name,
        span: option.path.span(),
        value,
    })
}

/// A number literal, possibly negative: an integer that fits `i64`, or a
/// finite float.
fn number(value: &Expr) -> syn::Result<Limit> {
    let invalid = |why: &str| syn::Error::new(value.span(), why);
    let usage = "expected a number, e.g. `gt = 0` or `le = 1.5`";
    let (negative, literal) = match value {
        Expr::Unary(ExprUnary {
            op: UnOp::Neg(_),
            expr,
            ..
        }) => (true, &**expr),
        other => (false, other),
    };
    let Expr::Lit(ExprLit { lit, .. }) = literal else {
        return Err(invalid(usage));
    };
    match lit {
        Lit::Int(int) => {
            let magnitude = i128::from(int.base10_parse::<u64>()?);
            let signed = if negative { -magnitude } else { magnitude };
            i64::try_from(signed)
                .map(Limit::Int)
                .map_err(|_| invalid("the number does not fit an i64"))
        }
        Lit::Float(float) => {
            let float = float.base10_parse::<f64>()?;
            if !float.is_finite() {
                return Err(invalid(usage));
            }
            Ok(Limit::Float(if negative { -float } else { float }))
        }
        _ => Err(invalid(usage)),
    }
}

fn length(value: &Expr) -> syn::Result<u64> {
    count(value, "expected a length, e.g. `max_length = 50`")
}

/// A count of digits.
fn digits(value: &Expr) -> syn::Result<u32> {
    count(value, "expected a number of digits, e.g. `max_digits = 10`")
}

/// A non-negative integer literal that fits `N`; `usage` says what is expected.
fn count<N>(value: &Expr, usage: &str) -> syn::Result<N>
where
    N: std::str::FromStr,
    N::Err: std::fmt::Display,
{
    match value {
        Expr::Lit(ExprLit {
            lit: Lit::Int(int), ..
        }) => int.base10_parse(),
        _ => Err(syn::Error::new(value.span(), usage)),
    }
}

/// A pattern that `regex-lite`, the engine the SDK validates with, compiles.
fn pattern(value: &Expr) -> syn::Result<String> {
    let Expr::Lit(ExprLit {
        lit: Lit::Str(text),
        ..
    }) = value
    else {
        return Err(syn::Error::new(
            value.span(),
            "expected a string, e.g. `pattern = \"^[a-z]+$\"`",
        ));
    };
    let pattern = text.value();
    regex_lite::Regex::new(&pattern).map_err(|error| {
        syn::Error::new(
            text.span(),
            format!("invalid pattern (wafer validates with the regex-lite crate): {error}"),
        )
    })?;
    Ok(pattern)
}
