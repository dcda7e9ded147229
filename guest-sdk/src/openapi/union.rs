//! How a `#[wafer::union]` is documented: as FastAPI writes a discriminated
//! union, inline where it is used (see [`inline`](super::inline)), a `oneOf`
//! of its variants' components with the discriminator and the component each
//! tag names.

use std::borrow::Cow;

use utoipa::openapi::schema::{Discriminator, OneOfBuilder};
use utoipa::openapi::{Ref, RefOr, Schema};

use crate::validation::union::Union;

/// The schema of the union `U`, whose variants' components are named
/// `variants` (by index).
pub fn schema<U: Union>(variants: &[Cow<'static, str>]) -> RefOr<Schema> {
    let reference = |index: usize| {
        variants
            .get(index)
            .map(|name| format!("#/components/schemas/{name}"))
            .unwrap_or_default()
    };
    let tags = U::tags();
    let mut discriminator = Discriminator::new(tags.discriminator);
    discriminator.mapping = tags
        .tags
        .iter()
        .map(|(tag, index)| ((*tag).to_owned(), reference(*index)))
        .collect();
    let mut one_of = OneOfBuilder::new().discriminator(Some(discriminator));
    for index in 0..variants.len() {
        one_of = one_of.item(Ref::new(reference(index)));
    }
    one_of.extensions(Some(super::inline::mark())).into()
}
