//! The route attributes: `#[get("/path")]` and friends.

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as TokenStream2};
use quote::{format_ident, quote};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Attribute, Expr, FnArg, ItemFn, Lit, LitStr, Meta, Pat, Token, Type};

use crate::constraints::FieldConstraints;

pub(crate) fn route(method: &str, args: TokenStream, item: TokenStream) -> TokenStream {
    let args = syn::parse_macro_input!(args as RouteArgs);
    let function = syn::parse_macro_input!(item as ItemFn);
    expand(method, args, function)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// `"/path"` followed by `key = value` options.
struct RouteArgs {
    path: LitStr,
    status: Option<u16>,
}

impl Parse for RouteArgs {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let path: LitStr = input.parse().map_err(|error| {
            syn::Error::new(
                error.span(),
                "expected the path template, e.g. #[get(\"/items/{item_id}\")]",
            )
        })?;
        if !path.value().starts_with('/') {
            return Err(syn::Error::new(
                path.span(),
                "the path template must start with '/'",
            ));
        }
        let mut status = None;
        if input.parse::<Option<Token![,]>>()?.is_some() {
            let options = Punctuated::<Meta, Token![,]>::parse_terminated(input)?;
            for option in options {
                let Meta::NameValue(option) = option else {
                    return Err(syn::Error::new_spanned(option, "expected `name = value`"));
                };
                if option.path.is_ident("status") {
                    status = Some(status_code(&option.value)?);
                } else {
                    return Err(syn::Error::new_spanned(
                        option.path,
                        "unknown route option; the options are: status",
                    ));
                }
            }
        }
        Ok(RouteArgs { path, status })
    }
}

fn status_code(value: &Expr) -> syn::Result<u16> {
    let invalid = || {
        syn::Error::new_spanned(
            value,
            "`status` must be an HTTP status code from 100 to 599",
        )
    };
    let Expr::Lit(literal) = value else {
        return Err(invalid());
    };
    let Lit::Int(int) = &literal.lit else {
        return Err(invalid());
    };
    match int.base10_parse::<u16>() {
        Ok(code @ 100..=599) => Ok(code),
        _ => Err(invalid()),
    }
}

fn expand(method: &str, args: RouteArgs, mut function: ItemFn) -> syn::Result<TokenStream2> {
    // The route struct takes the function's name and visibility; the function
    // itself moves inside the route's `call`.
    let visibility = std::mem::replace(&mut function.vis, syn::Visibility::Inherited);
    let signature = &function.sig;
    if let Some(asyncness) = signature.asyncness {
        return Err(syn::Error::new_spanned(
            asyncness,
            "handlers are synchronous functions: remove `async`",
        ));
    }
    if !signature.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(
            &signature.generics,
            "handlers cannot be generic",
        ));
    }

    let mut bindings = Vec::new();
    let mut extractions = Vec::new();
    for (index, input) in function.sig.inputs.iter_mut().enumerate() {
        let FnArg::Typed(argument) = input else {
            return Err(syn::Error::new_spanned(
                input,
                "handlers cannot take `self`",
            ));
        };
        if let Type::Reference(reference) = &*argument.ty {
            return Err(syn::Error::new_spanned(
                reference,
                "handler arguments are owned extractors such as Path<T>, Query<T> or Json<T>, not references",
            ));
        }
        let constraints = match FieldConstraints::take(&mut argument.attrs)? {
            Some(constraints) => {
                let spec = constraints.spec();
                quote!(::core::option::Option::Some(#spec))
            }
            None => quote!(::core::option::Option::None),
        };
        let binding = format_ident!("__wafer_arg{index}");
        let ty = &argument.ty;
        let name = match &*argument.pat {
            Pat::Ident(ident) => {
                let name = ident.ident.to_string();
                let name = name.strip_prefix("r#").unwrap_or(&name).to_owned();
                quote!(::core::option::Option::Some(#name))
            }
            _ => quote!(::core::option::Option::None),
        };
        extractions.push(quote! {
            let #binding = __wafer_arguments.extract::<#ty>(#name, #constraints);
        });
        bindings.push(binding);
    }
    let signature = &function.sig;

    let ident = &signature.ident;
    let name = ident.to_string();
    let name = name.strip_prefix("r#").unwrap_or(&name).to_owned();
    let path = &args.path;
    let doc = doc_comment(&function.attrs);
    let docs = function
        .attrs
        .iter()
        .filter(|attr| attr.path().is_ident("doc"));
    let method = syn::Ident::new(method, Span::call_site());
    let status = match args.status {
        Some(code) => quote!(::core::option::Option::Some(#code)),
        None => quote!(::core::option::Option::None),
    };
    let status_code = match args.status {
        Some(code) => quote!(::wafer::__private::http::StatusCode::from_u16(#code).ok()),
        None => quote!(::core::option::Option::None),
    };

    let call = if bindings.is_empty() {
        quote!(::wafer::__private::respond(#ident(), #status))
    } else {
        quote! {
            let mut __wafer_arguments = ::wafer::__private::Arguments::new(cx);
            #(#extractions)*
            let (#(::core::option::Option::Some(#bindings),)*) = (#(#bindings,)*) else {
                return __wafer_arguments.rejection();
            };
            ::wafer::__private::respond(#ident(#(#bindings),*), #status)
        }
    };

    Ok(quote! {
        #(#docs)*
        #[allow(non_camel_case_types)]
        #[derive(Debug, Clone, Copy, Default)]
        #visibility struct #ident;

        impl ::wafer::Route for #ident {
            fn info(&self) -> ::wafer::RouteInfo {
                ::wafer::RouteInfo {
                    method: ::wafer::__private::http::Method::#method,
                    path: #path,
                    name: #name,
                    doc: #doc,
                    status: #status_code,
                }
            }

            fn call(&self, cx: &::wafer::RequestContext<'_>) -> ::wafer::Response {
                #function
                #call
            }
        }
    })
}

/// The doc comment's text, one leading space per line removed.
fn doc_comment(attrs: &[Attribute]) -> String {
    let lines: Vec<String> = attrs
        .iter()
        .filter(|attr| attr.path().is_ident("doc"))
        .filter_map(|attr| match &attr.meta {
            Meta::NameValue(doc) => match &doc.value {
                Expr::Lit(syn::ExprLit {
                    lit: Lit::Str(text),
                    ..
                }) => Some(text.value()),
                _ => None,
            },
            _ => None,
        })
        .map(|line| line.strip_prefix(' ').unwrap_or(&line).to_owned())
        .collect();
    lines.join("\n")
}
