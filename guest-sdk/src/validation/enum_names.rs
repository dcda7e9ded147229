//! What an enum's `Deserialize` says of itself: the container name and the
//! variant names serde's derive hands to `deserialize_enum`. How a literal's
//! values are read for its schema and a union's tags for validation, from
//! the one place they are written.

use std::cell::Cell;

use serde::de::{self, DeserializeOwned, Deserializer, IntoDeserializer, Visitor};

/// An enum's serde container name and variant names.
pub(crate) type EnumNames = (&'static str, &'static [&'static str]);

/// The names `T`'s own `Deserialize` asks `deserialize_enum` for; `None`
/// when `T` is not an enum.
pub(crate) fn enum_names<T: DeserializeOwned>() -> Option<EnumNames> {
    let names = Cell::new(None);
    // Always an error: the names are all that is wanted.
    let _ = T::deserialize(Recorder(&names));
    names.get()
}

/// A deserializer that only records the enum it is asked for.
pub(crate) struct Recorder<'a>(pub(crate) &'a Cell<Option<EnumNames>>);

impl<'de> IntoDeserializer<'de, de::value::Error> for Recorder<'_> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'de> Deserializer<'de> for Recorder<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("only an enum's names are read"))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.set(Some((name, variants)));
        Err(de::Error::custom("only the names were asked for"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct identifier ignored_any
    }
}
