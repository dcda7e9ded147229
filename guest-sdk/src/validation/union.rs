//! Discriminated unions (`#[wafer::union]`): Pydantic's
//! `Annotated[A | B, Field(discriminator="type")]`.
//!
//! A union is an enum of models, each holding the discriminator as a
//! `#[wafer::literal]` field; the values of that literal are the variant's
//! tags, read from the variant's own `Deserialize` (so the tags are written
//! once, where the variant is). The union deserializes by asking for a
//! newtype of a marker name, with its tags handed over on the thread as a
//! constrained field's constraints are (see
//! [`constrained`](super::constrained)):
//!
//! - the validating deserializer takes them and answers as Pydantic does:
//!   `model_attributes_type` for anything but an object, `union_tag_not_found`
//!   without the discriminator, `union_tag_invalid` for an unknown tag, and the
//!   variant's own errors under the tag (`["body", "contact", "email", ...]`);
//! - any other deserializer (`serde_json` on the fast path, a user's own
//!   `serde_json::from_str`) reads the value, picks the variant by its tag and
//!   reads the variant from it; an unknown tag is an error, which on the fast
//!   path hands the body to the validating pass.
//!
//! Serialized, a union is its variant (which writes its own tag).

use std::cell::Cell;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, EnumAccess, VariantAccess, Visitor,
};
use serde_json::Value;

use super::enum_names::Recorder;

/// The name of the newtype a union asks for.
pub(crate) const UNION: &str = "$wafer::union";

/// A discriminated union. Implemented by `#[wafer::union]`; not meant to be
/// implemented by hand.
pub trait Union: Sized + 'static {
    /// The field of each variant that holds its tag (serde's name for it).
    const DISCRIMINATOR: &'static str;
    /// The variants' names in declaration order (for messages).
    const VARIANTS: &'static [&'static str];

    /// The tags of the union's variants, read once.
    fn tags() -> &'static UnionTags;

    /// The tags of the variant at `index`: the values its discriminator
    /// field's literal accepts.
    fn variant_tags(index: usize) -> Result<&'static [&'static str], String>;

    /// Deserializes the variant at `index` from `deserializer`.
    fn deserialize_variant<'de, D: Deserializer<'de>>(
        index: usize,
        deserializer: D,
    ) -> Result<Self, D::Error>;
}

/// What validation needs to know of a union: its discriminator and which
/// tag names which variant.
#[derive(Debug)]
pub struct UnionTags {
    /// The discriminator field's name.
    pub(crate) discriminator: &'static str,
    /// The variants' names, by index.
    pub(crate) variants: &'static [&'static str],
    /// Each tag, in declaration order, with the index of its variant.
    pub(crate) tags: Vec<(&'static str, usize)>,
}

impl UnionTags {
    /// Reads the tags of `U`'s variants.
    ///
    /// # Panics
    ///
    /// When a variant has no literal discriminator field, or two variants
    /// share a tag: the union is then wrong as written, and every use of it
    /// would be (the message says what to change).
    pub fn collect<U: Union>() -> Self {
        let union = std::any::type_name::<U>();
        let mut tags: Vec<(&'static str, usize)> = Vec::new();
        for (index, variant) in U::VARIANTS.iter().enumerate() {
            let variant_tags = U::variant_tags(index).unwrap_or_else(|reason| {
                panic!("#[wafer::union] {union}, variant {variant}: {reason}")
            });
            for tag in variant_tags {
                if let Some((_, other)) = tags.iter().find(|(known, _)| known == tag) {
                    let other = U::VARIANTS.get(*other).copied().unwrap_or_default();
                    panic!(
                        "#[wafer::union] {union}: the tag '{tag}' names both {other} and {variant}; \
                         each tag must name one variant"
                    );
                }
                tags.push((tag, index));
            }
        }
        UnionTags {
            discriminator: U::DISCRIMINATOR,
            variants: U::VARIANTS,
            tags,
        }
    }

    /// The variant a tag names.
    pub(crate) fn variant_of(&self, tag: &str) -> Option<usize> {
        self.tags
            .iter()
            .find(|(known, _)| *known == tag)
            .map(|(_, index)| *index)
    }

    /// The variant's name at `index` (for a placeholder, the first).
    pub(crate) fn variant_name(&self, index: usize) -> &'static str {
        self.variants.get(index).copied().unwrap_or_default()
    }
}

/// The tags of the model `T` with its discriminator field `discriminator`:
/// the values of that field's `#[wafer::literal]`, read from `T`'s own
/// `Deserialize`.
pub fn tags_of<T: DeserializeOwned>(
    discriminator: &'static str,
) -> Result<&'static [&'static str], String> {
    let found = Cell::new(Found::NoStruct);
    // Always an error: the tags are all that is wanted.
    let _ = T::deserialize(TagReader {
        discriminator,
        found: &found,
    });
    match found.get() {
        Found::Tags(tags) => Ok(tags),
        Found::NoStruct => Err("its type is not a struct (a model)".to_owned()),
        Found::NoField => Err(format!(
            "its type has no field `{discriminator}` (the discriminator)"
        )),
        Found::NotLiteral => Err(format!(
            "its field `{discriminator}` is not a #[wafer::literal] enum, which a tag must be"
        )),
    }
}

#[derive(Clone, Copy)]
enum Found {
    NoStruct,
    NoField,
    NotLiteral,
    Tags(&'static [&'static str]),
}

/// A deserializer that offers a struct only its discriminator field, and
/// records the names the field's enum is asked for.
struct TagReader<'a> {
    discriminator: &'static str,
    found: &'a Cell<Found>,
}

impl<'de> Deserializer<'de> for TagReader<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("a union's variant is a struct"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        if !fields.contains(&self.discriminator) {
            self.found.set(Found::NoField);
            return Err(de::Error::custom("no discriminator"));
        }
        let names = Cell::new(None);
        let result = visitor.visit_map(de::value::MapDeserializer::new(std::iter::once((
            self.discriminator,
            Recorder(&names),
        ))));
        self.found.set(match names.get() {
            Some((super::LITERAL, tags)) => Found::Tags(tags),
            _ => Found::NotLiteral,
        });
        result
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map enum identifier ignored_any
    }
}

thread_local! {
    /// The tags of the union being deserialized, until a validating
    /// deserializer or the union's visitor takes them.
    static HANDED_OVER: Cell<Option<&'static UnionTags>> = const { Cell::new(None) };
}

/// Deserializes the union `U` (what `#[wafer::union]` implements
/// `Deserialize` with).
pub fn deserialize<'de, U: Union, D: Deserializer<'de>>(deserializer: D) -> Result<U, D::Error> {
    HANDED_OVER.set(Some(U::tags()));
    let result = deserializer.deserialize_newtype_struct(UNION, UnionVisitor(PhantomData));
    // A deserializer that failed before visiting leaves them.
    HANDED_OVER.set(None);
    result
}

/// For a validating deserializer asked for the newtype `name`: the union's
/// tags, if `name` is the union marker. Taken once; an error if the marker
/// comes without them.
pub(crate) fn take_handed_over(name: &str) -> Result<Option<&'static UnionTags>, &'static str> {
    if name != UNION {
        return Ok(None);
    }
    HANDED_OVER
        .take()
        .map(Some)
        .ok_or("a union's tags did not reach validation")
}

struct UnionVisitor<U>(PhantomData<U>);

impl<'de, U: Union> Visitor<'de> for UnionVisitor<U> {
    type Value = U;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "an object whose `{}` names one of its variants",
            U::DISCRIMINATOR
        )
    }

    /// Any deserializer but the validating one: the value is read whole, and
    /// the variant its tag names is read from it.
    fn visit_newtype_struct<D: Deserializer<'de>>(self, deserializer: D) -> Result<U, D::Error> {
        // Nobody took them: they are this visitor's.
        HANDED_OVER.set(None);
        let tags = U::tags();
        let value = Value::deserialize(deserializer)?;
        let tag = value.get(tags.discriminator).and_then(Value::as_str);
        let Some(index) = tag.and_then(|tag| tags.variant_of(tag)) else {
            return Err(de::Error::custom(format_args!(
                "`{}` does not name a variant: expected {}",
                tags.discriminator,
                expected_tags(tags)
            )));
        };
        U::deserialize_variant(index, &value).map_err(de::Error::custom)
    }

    /// The validating deserializer (or a placeholder): the variant is named,
    /// and its content located under the tag.
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<U, A::Error> {
        let (index, content) = data.variant_seed(VariantIndex(PhantomData::<U>))?;
        content.newtype_variant_seed(VariantSeed(index, PhantomData::<U>))
    }
}

/// Reads a variant's name as its index.
struct VariantIndex<U>(PhantomData<U>);

impl<'de, U: Union> DeserializeSeed<'de> for VariantIndex<U> {
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<U: Union> Visitor<'_> for VariantIndex<U> {
    type Value = usize;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a variant of the union")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<usize, E> {
        U::VARIANTS
            .iter()
            .position(|variant| *variant == name)
            .ok_or_else(|| E::unknown_variant(name, U::VARIANTS))
    }
}

/// Reads the content of the variant at its index.
struct VariantSeed<U>(usize, PhantomData<U>);

impl<'de, U: Union> DeserializeSeed<'de> for VariantSeed<U> {
    type Value = U;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<U, D::Error> {
        U::deserialize_variant(self.0, deserializer)
    }
}

/// The tags as Pydantic lists them: `'email', 'phone'`.
pub(crate) fn expected_tags(tags: &UnionTags) -> String {
    let quoted: Vec<String> = tags
        .tags
        .iter()
        .map(|(tag, _)| format!("'{tag}'"))
        .collect();
    quoted.join(", ")
}
