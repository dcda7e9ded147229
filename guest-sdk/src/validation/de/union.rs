//! How the validating deserializer reads a discriminated union (see
//! [`validation::union`](crate::validation::union)): as Pydantic's tagged
//! union validator does, the tag first, then the variant it names.

use serde::de::Visitor;
use serde_json::Value;

use super::access::EnumInput;
use super::{De, DeError, Input};
use crate::validation::error::LocItem;
use crate::validation::python::python_str;
use crate::validation::union::{UnionTags, expected_tags};

impl<'a> De<'a, '_> {
    /// The union of `tags`: the variant the input's tag names, read with its
    /// errors under the tag, or (once the error is recorded) a placeholder.
    pub(super) fn read_union<V: Visitor<'a>>(
        self,
        tags: &'static UnionTags,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let this = self.resolve();
        let picked = if this.missing_or_replaced() {
            None
        } else {
            this.pick_variant(tags)
        };
        let input = match picked {
            Some((tag, index)) => EnumInput {
                variant: tags.variant_name(index),
                content: Some(this.child(this.input, LocItem::from(tag.to_owned()), 0)),
            },
            None => EnumInput {
                variant: tags.variant_name(0),
                content: None,
            },
        };
        visitor.visit_enum(input).map_err(|e| this.stamp(e))
    }

    /// The tag the input holds and the variant it names; `None` once the
    /// reason there is none is recorded.
    fn pick_variant(&self, tags: &'static UnionTags) -> Option<(&'a str, usize)> {
        let Input::Json(Value::Object(object)) = self.input else {
            self.record("model_attributes_type");
            return None;
        };
        let discriminator = format!("'{}'", tags.discriminator);
        let Some(tag) = object.get(tags.discriminator) else {
            self.record_detail(
                self.error("union_tag_not_found")
                    .with_message(format!(
                        "Unable to extract tag using discriminator {discriminator}"
                    ))
                    .with_ctx("discriminator", discriminator),
            );
            return None;
        };
        if let Some(found) = tag
            .as_str()
            .and_then(|text| Some((text, tags.variant_of(text)?)))
        {
            return Some(found);
        }
        let tag = python_str(tag);
        let expected = expected_tags(tags);
        self.record_detail(
            self.error("union_tag_invalid")
                .with_message(format!(
                    "Input tag '{tag}' found using {discriminator} does not match any of the \
                     expected tags: {expected}"
                ))
                .with_ctx("discriminator", discriminator)
                .with_ctx("tag", tag)
                .with_ctx("expected_tags", expected),
        );
        None
    }
}
