//! [`Uuid`]: Pydantic's `UUID`.

use std::fmt;
use std::str::FromStr;

use utoipa::openapi::schema::KnownFormat;

use crate::validation::format::UUID;

/// A UUID, read as Pydantic reads `uuid.UUID`.
///
/// Any spelling of the `uuid` crate's parser is accepted (hyphenated, simple,
/// braced, `urn:uuid:`, any case); a JSON value other than a string answers
/// `uuid_type`, bad text `uuid_parsing` with the parser's reason. It
/// serializes hyphenated in lower case, and is documented as a string of
/// format `uuid`.
///
/// ```
/// use wafer::types::Uuid;
///
/// let id: Uuid = "67E5504410B1426F9247BB680E5FE0C8".parse().unwrap();
/// assert_eq!(id.to_string(), "67e55044-10b1-426f-9247-bb680e5fe0c8");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Uuid(pub ::uuid::Uuid);

impl Uuid {
    /// The `uuid` crate's value, for generating or inspecting UUIDs.
    pub fn into_inner(self) -> ::uuid::Uuid {
        self.0
    }
}

impl From<::uuid::Uuid> for Uuid {
    fn from(uuid: ::uuid::Uuid) -> Self {
        Uuid(uuid)
    }
}

impl From<Uuid> for ::uuid::Uuid {
    fn from(uuid: Uuid) -> Self {
        uuid.0
    }
}

impl FromStr for Uuid {
    type Err = ::uuid::Error;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        ::uuid::Uuid::parse_str(text).map(Uuid)
    }
}

impl fmt::Display for Uuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0.hyphenated(), f)
    }
}

super::text_format!(Uuid, UUID, KnownFormat::Uuid);
