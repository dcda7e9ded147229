//! Serde's access traits over validated input: object entries, list items,
//! enum variants.

use std::borrow::Cow;

use serde::de::{self, DeserializeSeed, Deserializer, IntoDeserializer, Visitor};

use super::{Action, De, DeError, Input};
use crate::validation::error::LocItem;
use crate::validation::placeholder::Placeholder;

/// One key and value of an object-like input.
pub(crate) struct Entry<'a> {
    /// The key serde sees (a struct's field name).
    pub(crate) key: Cow<'a, str>,
    /// The key in error locations (for headers, the header name).
    pub(crate) loc_key: String,
    /// Sort position: the field's declaration index, or after all fields.
    pub(crate) position: usize,
    pub(crate) input: Input<'a>,
}

pub(super) struct EntryAccess<'a, 'p, 's> {
    pub(super) parent: &'p De<'a, 's>,
    pub(super) entries: std::vec::IntoIter<Entry<'a>>,
    pub(super) pending: Option<De<'a, 's>>,
}

impl<'a> de::MapAccess<'a> for EntryAccess<'a, '_, '_> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'a>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        for entry in self.entries.by_ref() {
            let value = self
                .parent
                .child(entry.input, entry.loc_key.into(), entry.position);
            if let Some(skip) = self.parent.session.find(&value.loc)
                && skip.action == Action::SkipKey
            {
                value.apply(skip);
                continue;
            }
            // Keys get the same lax conversions as values (`HashMap<u32, _>`).
            let key = match entry.key {
                Cow::Borrowed(key) => {
                    seed.deserialize(value.child(Input::Text(key), "[key]".into(), 0))
                }
                Cow::Owned(key) => seed.deserialize(key.into_deserializer()),
            };
            let key = key.map_err(|e: DeError| value.locate_key_error(e))?;
            self.pending = Some(value);
            return Ok(Some(key));
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'a>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        match self.pending.take() {
            Some(value) => seed.deserialize(value),
            None => Err(de::Error::custom(
                "a map value was asked for before its key",
            )),
        }
    }
}

/// The items of a list-like input, each with its location step: its index
/// in a list, or its name for path parameters read as a tuple.
pub(super) struct SeqItems<'a, 'p, 's> {
    pub(super) parent: &'p De<'a, 's>,
    pub(super) items: std::iter::Enumerate<std::vec::IntoIter<(Input<'a>, LocItem)>>,
}

impl<'a> de::SeqAccess<'a> for SeqItems<'a, '_, '_> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'a>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        match self.items.next() {
            Some((index, (input, key))) => {
                let mut item = self.parent.child(input, key, index);
                item.constraints = self.parent.constraints.and_then(|c| c.items);
                seed.deserialize(item).map(Some)
            }
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

/// A valid enum variant, with its content for data-carrying variants.
pub(super) struct EnumInput<'a, 's> {
    pub(super) variant: &'a str,
    pub(super) content: Option<De<'a, 's>>,
}

impl<'a, 's> de::EnumAccess<'a> for EnumInput<'a, 's> {
    type Error = DeError;
    type Variant = VariantInput<'a, 's>;

    fn variant_seed<V: DeserializeSeed<'a>>(
        self,
        seed: V,
    ) -> Result<(V::Value, VariantInput<'a, 's>), DeError> {
        let variant = seed.deserialize(self.variant.into_deserializer())?;
        Ok((
            variant,
            VariantInput {
                content: self.content,
            },
        ))
    }
}

pub(super) struct VariantInput<'a, 's> {
    content: Option<De<'a, 's>>,
}

impl<'a> de::VariantAccess<'a> for VariantInput<'a, '_> {
    type Error = DeError;

    fn unit_variant(self) -> Result<(), DeError> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'a>>(self, seed: T) -> Result<T::Value, DeError> {
        match self.content {
            Some(content) => seed.deserialize(content),
            None => seed.deserialize(Placeholder),
        }
    }

    fn tuple_variant<V: Visitor<'a>>(self, len: usize, visitor: V) -> Result<V::Value, DeError> {
        match self.content {
            Some(content) => content.deserialize_tuple(len, visitor),
            None => Placeholder.deserialize_tuple(len, visitor),
        }
    }

    fn struct_variant<V: Visitor<'a>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match self.content {
            Some(content) => content.deserialize_struct("", fields, visitor),
            None => Placeholder.deserialize_struct("", fields, visitor),
        }
    }
}
