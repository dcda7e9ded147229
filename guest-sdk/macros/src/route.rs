//! The route attributes: `#[get("/path")]` and friends.

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as TokenStream2};
use quote::{format_ident, quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned as _;
use syn::visit_mut::{self, VisitMut};
use syn::{Attribute, Expr, FnArg, ItemFn, Lit, LitStr, Meta, Pat, ReturnType, Token, Type};

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
    tags: Vec<LitStr>,
    response_model: Option<Type>,
    /// Other statuses the handler answers with an `HttpError`, documented
    /// with `{"detail": ...}` bodies (FastAPI's `responses=`).
    responses: Vec<u16>,
}

const OPTIONS: &str = "status, tags, response_model, responses";

impl Parse for RouteArgs {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let path: LitStr = input.parse().map_err(|error| {
            syn::Error::new(
                error.span(),
                "expected the path template, e.g. #[get(\"/items/{item_id}\")]",
            )
        })?;
        if let Err(error) = wafer_contract::path::Template::parse(&path.value()) {
            return Err(syn::Error::new(path.span(), error.to_string()));
        }
        let mut args = RouteArgs {
            path,
            status: None,
            tags: Vec::new(),
            response_model: None,
            responses: Vec::new(),
        };
        while input.parse::<Option<Token![,]>>()?.is_some() && !input.is_empty() {
            let name: syn::Ident = input.parse()?;
            input.parse::<Token![=]>()?;
            match name.to_string().as_str() {
                "status" => args.status = Some(status_code(&input.parse()?)?),
                "tags" => {
                    let content;
                    syn::bracketed!(content in input);
                    args.tags = Punctuated::<LitStr, Token![,]>::parse_terminated(&content)?
                        .into_iter()
                        .collect();
                }
                "response_model" => args.response_model = Some(input.parse()?),
                "responses" => {
                    let content;
                    syn::bracketed!(content in input);
                    args.responses = Punctuated::<Expr, Token![,]>::parse_terminated(&content)?
                        .iter()
                        .map(status_code)
                        .collect::<syn::Result<_>>()?;
                }
                _ => {
                    return Err(syn::Error::new_spanned(
                        name,
                        format!("unknown route option; the options are: {OPTIONS}"),
                    ));
                }
            }
        }
        if !input.is_empty() {
            return Err(input.error(format!("expected `name = value` options ({OPTIONS})")));
        }
        Ok(args)
    }
}

fn status_code(value: &Expr) -> syn::Result<u16> {
    let invalid = || {
        syn::Error::new_spanned(
            value,
            "`status` and `responses` take HTTP status codes from 100 to 599",
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
    // The function stays as written (callable, testable); the route is a
    // braced struct of the same name, which lives in the type namespace only,
    // so the two do not clash and `let item = ...` never matches a route.
    let visibility = function.vis.clone();
    let signature = &function.sig;
    if !signature.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(
            &signature.generics,
            "handlers cannot be generic",
        ));
    }

    let arguments = arguments(&mut function)?;
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
    let status_code = match args.status {
        Some(code) => quote!(::wafer::__private::http::StatusCode::from_u16(#code).ok()),
        None => quote!(::core::option::Option::None),
    };
    let call = call_body(&args, signature, &arguments);
    let describe_response = describe_response(&args, signature);
    let responses = &args.responses;
    let Arguments {
        descriptions,
        items: constraint_items,
        ..
    } = arguments;
    let tags = &args.tags;

    Ok(quote! {
        #function

        #(#constraint_items)*

        #(#docs)*
        #[allow(non_camel_case_types)]
        #[derive(Debug, Clone, Copy, Default)]
        #visibility struct #ident {}

        impl ::wafer::Route for #ident {
            fn info(&self) -> ::wafer::RouteInfo {
                fn describe(operation: &mut ::wafer::openapi::OperationSpec) {
                    #[allow(unused_imports)]
                    use ::wafer::openapi::{
                        ProbeArgument as _, ProbeArgumentFallback as _, ProbeResponse as _,
                        ProbeResponseFallback as _,
                    };
                    #(#descriptions)*
                    #describe_response
                    #(::wafer::openapi::document_error(operation, #responses);)*
                }
                ::wafer::RouteInfo {
                    method: ::wafer::__private::http::Method::#method,
                    path: #path,
                    name: #name,
                    doc: #doc,
                    status: #status_code,
                    tags: &[#(#tags),*],
                    describe,
                }
            }

            fn call<'a>(&'a self, cx: &'a ::wafer::RequestContext<'a>) -> ::wafer::Handled<'a> {
                #call
            }
        }
    })
}

/// What the macro generates for a handler's arguments.
#[derive(Default)]
struct Arguments {
    /// The variables the extracted values are bound to, in order.
    bindings: Vec<syn::Ident>,
    /// What each is extracted as: its type and its `Argument`.
    extractions: Vec<(Type, TokenStream2)>,
    /// The statements that describe them in the operation.
    descriptions: Vec<TokenStream2>,
    /// Items beside the route: constraints' statics and their type checks.
    items: Vec<TokenStream2>,
}

/// The extraction and description of each of the handler's arguments, whose
/// `#[field]` and `#[scopes]` attributes are taken off.
fn arguments(function: &mut ItemFn) -> syn::Result<Arguments> {
    let mut arguments = Arguments::default();
    let handler = function.sig.ident.to_string();
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
        let mut argument_expr = match &*argument.pat {
            Pat::Ident(ident) => {
                let name = ident.ident.to_string();
                let name = name.strip_prefix("r#").unwrap_or(&name).to_owned();
                quote!(::wafer::extract::Argument::named(#name))
            }
            _ => quote!(::wafer::extract::Argument::unnamed()),
        };
        let ty = &argument.ty;
        if let Some(constraints) = FieldConstraints::take(&mut argument.attrs)? {
            constraints.refuse_validator("handler arguments")?;
            let name = format_ident!(
                "__WAFER_CONSTRAINTS_{}_{index}",
                handler.trim_start_matches("r#").to_uppercase()
            );
            let value = constraints.tokens();
            let checks = constraints.type_checks(&quote_spanned!(ty.span()=>
                <#ty as ::wafer::__private::constraint_checks::Validated>::Value
            ));
            arguments.items.push(quote! {
                #[doc(hidden)]
                static #name: ::wafer::validation::Constraints = #value;
                const _: () = {
                    #[allow(dead_code)]
                    fn __wafer_check_constraints() {
                        #checks
                    }
                };
            });
            argument_expr = quote!(#argument_expr.with_constraints(&#name));
        }
        if let Some(scopes) = take_scopes(&mut argument.attrs)? {
            argument_expr = quote!(#argument_expr.with_scopes(&[#(#scopes),*]));
        }
        let binding = format_ident!("__wafer_arg{index}");
        arguments
            .extractions
            .push(((**ty).clone(), argument_expr.clone()));
        arguments.descriptions.push(quote! {
            (&&::wafer::openapi::Probe::<#ty>::new()).describe_argument(operation, &#argument_expr);
        });
        arguments.bindings.push(binding);
    }
    Ok(arguments)
}

/// The body of the route's `call`: extract every argument (all validation
/// errors together), run the handler, respond with its value. An `async`
/// handler's arguments are extracted in the future it is awaited in, so that
/// they may await too (`FromRequestAsync`).
fn call_body(args: &RouteArgs, signature: &syn::Signature, arguments: &Arguments) -> TokenStream2 {
    let ident = &signature.ident;
    let status = match args.status {
        Some(code) => quote!(::core::option::Option::Some(#code)),
        None => quote!(::core::option::Option::None),
    };
    let returns_result = match &signature.output {
        ReturnType::Type(_, ty) => last_segment_is(ty, "Result"),
        ReturnType::Default => false,
    };
    let respond = |call: TokenStream2| match &args.response_model {
        Some(model) if returns_result => {
            quote!(::wafer::__private::respond_model_result::<#model, _, _>(#call, #status))
        }
        Some(model) => quote!(::wafer::__private::respond_model::<#model, _>(#call, #status)),
        None => quote!(::wafer::__private::respond(#call, #status)),
    };
    let Arguments {
        bindings,
        extractions,
        ..
    } = arguments;
    let is_async = signature.asyncness.is_some();
    let call = if is_async {
        quote!(#ident(#(#bindings),*).await)
    } else {
        quote!(#ident(#(#bindings),*))
    };
    let respond = respond(call);
    let extract = if is_async {
        quote!(extract_async)
    } else {
        quote!(extract)
    };
    let awaited = is_async.then(|| quote!(.await));
    let extractions = extractions
        .iter()
        .map(|(ty, argument)| quote!(__wafer_arguments.#extract::<#ty>(&#argument)#awaited));
    let body = if bindings.is_empty() {
        quote!(#respond)
    } else {
        quote! {
            let mut __wafer_arguments = ::wafer::__private::Arguments::new(cx);
            #(let #bindings = #extractions;)*
            let (#(::core::option::Option::Some(#bindings),)*) = (#(#bindings,)*) else {
                return __wafer_arguments.rejection();
            };
            #respond
        }
    };
    if is_async {
        quote!(::wafer::Handled::Pending(::std::boxed::Box::pin(async move { #body })))
    } else {
        quote!(::wafer::Handled::Ready((move || -> ::wafer::Response { #body })()))
    }
}

/// The statement that describes the route's successful response. An
/// `impl Trait` in its type stands for a type the macro cannot name; it is
/// described as `Opaque`, so `Sse<impl Stream<Item = Event>>` is documented
/// as server-sent events and a bare `impl IntoResponse` as nothing.
fn describe_response(args: &RouteArgs, signature: &syn::Signature) -> TokenStream2 {
    let response_type = match (&args.response_model, &signature.output) {
        (Some(model), _) => quote!(::wafer::Json<#model>),
        (None, ReturnType::Type(_, ty)) => {
            let mut ty = (**ty).clone();
            OpaqueImplTraits.visit_type_mut(&mut ty);
            quote!(#ty)
        }
        (None, ReturnType::Default) => quote!(()),
    };
    quote!((&&::wafer::openapi::Probe::<#response_type>::new()).describe_response(operation);)
}

/// Replaces every `impl Trait` in a type with `::wafer::__private::Opaque`.
struct OpaqueImplTraits;

impl VisitMut for OpaqueImplTraits {
    fn visit_type_mut(&mut self, ty: &mut Type) {
        if let Type::ImplTrait(_) = ty {
            *ty = syn::parse_quote!(::wafer::__private::Opaque);
        } else {
            visit_mut::visit_type_mut(self, ty);
        }
    }
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

/// Whether a type's last path segment is `name` (e.g. `Result<T, E>`).
fn last_segment_is(ty: &Type, name: &str) -> bool {
    matches!(ty, Type::Path(path) if path.path.segments.last().is_some_and(|s| s.ident == name))
}

/// Removes `#[scopes("a", "b")]` from an argument's attributes and returns the
/// scopes.
fn take_scopes(attrs: &mut Vec<syn::Attribute>) -> syn::Result<Option<Vec<syn::LitStr>>> {
    let Some(index) = attrs.iter().position(|attr| attr.path().is_ident("scopes")) else {
        return Ok(None);
    };
    let attr = attrs.remove(index);
    let scopes = attr.parse_args_with(
        syn::punctuated::Punctuated::<syn::LitStr, syn::Token![,]>::parse_terminated,
    )?;
    if scopes.is_empty() {
        return Err(syn::Error::new_spanned(
            attr,
            "name the scopes: #[scopes(\"items:write\")]",
        ));
    }
    Ok(Some(scopes.into_iter().collect()))
}
