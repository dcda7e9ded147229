//! UUIDs as Pydantic reads them: any spelling the `uuid` crate parses
//! (hyphenated, simple, braced, `urn:uuid:`), in canonical hyphenated
//! lower case.

use std::borrow::Cow;

use super::{Format, Invalid, Scalar};

/// Pydantic's `UUID`.
pub(crate) const UUID: Format = Format {
    marker: "$wafer::format::uuid",
    placeholder: "00000000-0000-0000-0000-000000000000",
    read,
    constrain: super::unconstrained,
};

fn read(input: Scalar<'_>) -> Result<Cow<'_, str>, Invalid> {
    let text = input.text().ok_or_else(|| {
        Invalid::new(
            "uuid_type",
            "UUID input should be a string, bytes or UUID object",
        )
    })?;
    let uuid = uuid::Uuid::parse_str(text).map_err(|error| {
        let error = error.to_string();
        Invalid::new(
            "uuid_parsing",
            format!("Input should be a valid UUID, {error}"),
        )
        .with_ctx("error", error)
    })?;
    let canonical = uuid.hyphenated().to_string();
    Ok(if canonical == text {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(canonical)
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn every_spelling_reads_as_the_hyphenated_form() {
        let canonical = "67e55044-10b1-426f-9247-bb680e5fe0c8";
        for spelling in [
            canonical,
            "67E55044-10B1-426F-9247-BB680E5FE0C8",
            "67e5504410b1426f9247bb680e5fe0c8",
            "{67e55044-10b1-426f-9247-bb680e5fe0c8}",
            "urn:uuid:67e55044-10b1-426f-9247-bb680e5fe0c8",
        ] {
            assert_eq!(read(Scalar::Text(spelling)).unwrap(), canonical);
        }
        assert_eq!(
            read(Scalar::Text(UUID.placeholder)).unwrap(),
            UUID.placeholder
        );
    }

    #[test]
    fn a_number_is_the_wrong_type_and_bad_text_a_parsing_error() {
        let wrong_type = read(Scalar::Json(&json!(12))).unwrap_err();
        assert_eq!(wrong_type.kind, "uuid_type");
        let bad = read(Scalar::Text("not-a-uuid")).unwrap_err();
        assert_eq!(bad.kind, "uuid_parsing");
        assert!(bad.message.starts_with("Input should be a valid UUID, "));
    }
}
