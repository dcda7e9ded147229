//! `#[wafer::union(discriminator = "type")]`: an enum of models that
//! validates and documents as Pydantic's discriminated union.
//!
//! Each variant holds one model whose discriminator field is a
//! `#[wafer::literal]`; its values are the variant's tags. The macro
//! implements the SDK's `Union` trait (which variant is which, read by
//! index), `Deserialize` through the SDK (the tag picks the variant, with
//! Pydantic's errors), `Serialize` as the variant (which writes its own tag)
//! and utoipa's schema traits (a `oneOf` with the discriminator).

use proc_macro2::TokenStream as TokenStream2;
use quote::quote;
use syn::{Fields, Item, ItemEnum, LitStr, Type};

/// Expands the attribute with arguments `args` on `item`.
pub(crate) fn expand(args: TokenStream2, item: Item) -> syn::Result<TokenStream2> {
    let discriminator = discriminator(args)?;
    let Item::Enum(union) = item else {
        return Err(syn::Error::new_spanned(
            item,
            "#[wafer::union] goes on an enum whose variants each hold one model: `Email(EmailContact)`",
        ));
    };
    check(&union)?;
    let variants = variants(&union)?;
    let union_impl = union_impl(&union.ident, &discriminator, &variants);
    let serde_impls = serde_impls(&union.ident, &variants);
    let schema_impls = schema_impls(&union.ident, &variants);
    Ok(quote! {
        #union
        #union_impl
        #serde_impls
        #schema_impls
    })
}

/// A variant: its name and the type of the model it holds.
type Variant<'a> = (&'a syn::Ident, &'a Type);

/// The SDK's `Union` trait: the variants by index, their tags.
fn union_impl(name: &syn::Ident, discriminator: &LitStr, variants: &[Variant<'_>]) -> TokenStream2 {
    let names: Vec<String> = variants
        .iter()
        .map(|(ident, _)| ident.to_string())
        .collect();
    let idents: Vec<_> = variants.iter().map(|(ident, _)| *ident).collect();
    let types: Vec<_> = variants.iter().map(|(_, ty)| *ty).collect();
    let indices: Vec<usize> = (0..variants.len()).collect();
    let private = quote!(::wafer::__private);
    let serde = quote!(#private::serde);
    quote! {
        impl #private::union::Union for #name {
            const DISCRIMINATOR: &'static str = #discriminator;
            const VARIANTS: &'static [&'static str] = &[#(#names),*];

            fn tags() -> &'static #private::union::UnionTags {
                static TAGS: ::std::sync::OnceLock<#private::union::UnionTags> =
                    ::std::sync::OnceLock::new();
                TAGS.get_or_init(#private::union::UnionTags::collect::<Self>)
            }

            fn variant_tags(
                index: usize,
            ) -> ::std::result::Result<&'static [&'static str], ::std::string::String> {
                match index {
                    #(#indices => #private::union::tags_of::<#types>(#discriminator),)*
                    _ => ::std::result::Result::Err(::std::string::String::from("no such variant")),
                }
            }

            fn deserialize_variant<'de, D: #serde::Deserializer<'de>>(
                index: usize,
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                match index {
                    #(#indices => <#types as #serde::Deserialize>::deserialize(deserializer)
                        .map(Self::#idents),)*
                    _ => ::std::result::Result::Err(
                        <D::Error as #serde::de::Error>::custom("no such variant"),
                    ),
                }
            }
        }

    }
}

/// `Deserialize` through the SDK, `Serialize` as the variant.
fn serde_impls(name: &syn::Ident, variants: &[Variant<'_>]) -> TokenStream2 {
    let idents: Vec<_> = variants.iter().map(|(ident, _)| *ident).collect();
    let private = quote!(::wafer::__private);
    let serde = quote!(#private::serde);
    quote! {
        impl<'de> #serde::Deserialize<'de> for #name {
            fn deserialize<D: #serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                #private::union::deserialize(deserializer)
            }
        }

        impl #serde::Serialize for #name {
            fn serialize<S: #serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    #(Self::#idents(variant) => #serde::Serialize::serialize(variant, serializer),)*
                }
            }
        }

    }
}

/// utoipa's schema traits: a `oneOf` of the variants' components.
fn schema_impls(name: &syn::Ident, variants: &[Variant<'_>]) -> TokenStream2 {
    let title = name.to_string();
    let types: Vec<_> = variants.iter().map(|(_, ty)| *ty).collect();
    let private = quote!(::wafer::__private);
    quote! {
        impl #private::ComposeSchema for #name {
            fn compose(
                _: ::std::vec::Vec<#private::RefOr<#private::Schema>>,
            ) -> #private::RefOr<#private::Schema> {
                #private::union_schema::<Self>(&[#(<#types as #private::ToSchema>::name()),*])
            }
        }

        impl #private::ToSchema for #name {
            fn name() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(#title)
            }

            fn schemas(
                schemas: &mut ::std::vec::Vec<(
                    ::std::string::String,
                    #private::RefOr<#private::Schema>,
                )>,
            ) {
                #(
                    schemas.push((
                        <#types as #private::ToSchema>::name().into_owned(),
                        <#types as #private::PartialSchema>::schema(),
                    ));
                    <#types as #private::ToSchema>::schemas(schemas);
                )*
            }
        }
    }
}

/// The `discriminator = "..."` argument.
fn discriminator(args: TokenStream2) -> syn::Result<LitStr> {
    let mut discriminator = None;
    let parser = syn::meta::parser(|meta| {
        if meta.path.is_ident("discriminator") {
            let value: LitStr = meta.value()?.parse()?;
            if value.value().is_empty() {
                return Err(syn::Error::new_spanned(
                    value,
                    "the discriminator names a field",
                ));
            }
            discriminator = Some(value);
            Ok(())
        } else {
            Err(meta.error("#[wafer::union] takes one argument: discriminator = \"field\""))
        }
    });
    syn::parse::Parser::parse2(parser, args.clone())?;
    discriminator.ok_or_else(|| {
        syn::Error::new(
            proc_macro2::Span::call_site(),
            "#[wafer::union] needs the field that names the variant: #[wafer::union(discriminator = \"type\")]",
        )
    })
}

/// Refuses what cannot be a discriminated union.
fn check(union: &ItemEnum) -> syn::Result<()> {
    if union.variants.is_empty() {
        return Err(syn::Error::new_spanned(
            &union.ident,
            "a union needs at least one variant",
        ));
    }
    if !union.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(
            &union.generics,
            "a union cannot be generic",
        ));
    }
    for derive in ["Serialize", "Deserialize"] {
        if crate::model::derives(&union.attrs, derive) {
            return Err(syn::Error::new_spanned(
                &union.ident,
                format!("#[wafer::union] implements {derive} itself: remove it from the derive"),
            ));
        }
    }
    if let Some(attr) = union.attrs.iter().find(|attr| {
        attr.path().is_ident("serde")
            || attr
                .path()
                .segments
                .last()
                .is_some_and(|segment| segment.ident == "model" || segment.ident == "literal")
    }) {
        return Err(syn::Error::new_spanned(
            attr,
            "#[wafer::union] reads and writes the enum itself: remove this attribute",
        ));
    }
    Ok(())
}

/// Each variant's name and the type of the model it holds.
fn variants(union: &ItemEnum) -> syn::Result<Vec<Variant<'_>>> {
    union
        .variants
        .iter()
        .map(|variant| match &variant.fields {
            Fields::Unnamed(fields) if fields.unnamed.len() == 1 => {
                Ok((&variant.ident, &fields.unnamed[0].ty))
            }
            _ => Err(syn::Error::new_spanned(
                variant,
                "each variant of a union holds one model: `Email(EmailContact)`",
            )),
        })
        .collect()
}
