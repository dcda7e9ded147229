//! Decimal numbers as Pydantic reads them: Python's `decimal.Decimal` of a
//! string or an integer, and of a float's `repr` (so `0.1` is `0.1`, not the
//! binary fraction), kept as Python keeps them, sign, coefficient and
//! exponent (`12.50` is not `12.5`), and written back as `str(Decimal)`.

use serde_json::Value;
use std::borrow::Cow;

mod number;

pub(crate) use self::number::DecimalNumber;

use super::{Checked, Format, Invalid, Scalar};
use crate::validation::constraints::{Constraints, plural};
use crate::validation::error::ErrorDetail;

/// Pydantic's `Decimal`.
pub(crate) const DECIMAL: Format = Format {
    marker: "$wafer::format::decimal",
    placeholder: "0",
    read,
    constrain,
};

fn read(input: Scalar<'_>) -> Result<Cow<'_, str>, Invalid> {
    let number = match input {
        Scalar::Json(Value::Number(number)) => DecimalNumber::from_json(number),
        Scalar::Json(Value::String(text)) => text.parse()?,
        Scalar::Text(text) => text.parse()?,
        Scalar::Json(_) => {
            return Err(Invalid::new(
                "decimal_type",
                "Decimal input should be an integer, float, string or Decimal object",
            ));
        }
    };
    Ok(Cow::Owned(number.to_string()))
}

/// Checks a decimal's constraints in Pydantic's order: digits in total,
/// places, digits before the point, `multiple_of`, then the bounds.
fn constrain(
    canonical: &str,
    constraints: &Constraints,
    error: &dyn Fn(&'static str) -> ErrorDetail,
) -> Checked {
    let number: DecimalNumber = canonical
        .parse()
        .map_err(|invalid: Invalid| error(invalid.kind).with_message(invalid.message))?;
    let (literal, stripped) = (number.digit_counts(), number.stripped().digit_counts());
    // Pydantic measures the number as given and without trailing zeros, and
    // refuses it only when both exceed the limit.
    let exceeds = |limit: u32, measure: fn((u64, u64)) -> u64| {
        measure(literal) > u64::from(limit) && measure(stripped) > u64::from(limit)
    };
    let digits = |count: u32, noun: &str| plural(count as usize, noun);
    if let Some(max) = constraints.max_digits
        && exceeds(max, |(total, _)| total)
    {
        return Err(error("decimal_max_digits")
            .with_message(format!(
                "Decimal input should have no more than {max} {} in total",
                digits(max, "digit")
            ))
            .with_ctx("max_digits", max));
    }
    if let Some(places) = constraints.decimal_places {
        if exceeds(places, |(_, places)| places) {
            return Err(error("decimal_max_places")
                .with_message(format!(
                    "Decimal input should have no more than {places} {}",
                    digits(places, "decimal place")
                ))
                .with_ctx("decimal_places", places));
        }
        if let Some(max) = constraints.max_digits {
            let whole = max.saturating_sub(places);
            if exceeds(whole, |(total, places)| total.saturating_sub(places)) {
                return Err(error("decimal_whole_digits")
                    .with_message(format!(
                        "Decimal input should have no more than {whole} {} before the decimal point",
                        digits(whole, "digit")
                    ))
                    .with_ctx("whole_digits", whole));
            }
        }
    }
    if let Some(step) = constraints.multiple_of.map(DecimalNumber::from_limit)
        && !number.is_multiple_of(&step)
    {
        return Err(error("multiple_of")
            .with_message(format!("Input should be a multiple of {step}"))
            .with_ctx("multiple_of", step.to_json()));
    }
    for (bound, limit) in constraints.bounds() {
        let limit = DecimalNumber::from_limit(limit);
        if !bound.holds(&number, &limit) {
            return Err(bound.refusal(&limit, limit.to_json(), error));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn json_numbers_and_strings_read_and_others_are_the_wrong_type() {
        assert_eq!(read(Scalar::Json(&json!(7))).unwrap(), "7");
        assert_eq!(read(Scalar::Json(&json!(0.1))).unwrap(), "0.1");
        assert_eq!(read(Scalar::Text(" 1e3 ")).unwrap(), "1E+3");
        assert_eq!(
            read(Scalar::Json(&json!(true))).unwrap_err().kind,
            "decimal_type"
        );
    }

    #[test]
    fn serde_json_hands_over_numbers_and_strings() {
        let read = |json: &str| {
            let mut deserializer = serde_json::Deserializer::from_str(json);
            super::super::deserialize(&mut deserializer, &DECIMAL).map_err(|e| e.to_string())
        };
        assert_eq!(read("12.5").as_deref(), Ok("12.5"));
        assert_eq!(read("100.0").as_deref(), Ok("100.0"));
        assert_eq!(read("-7").as_deref(), Ok("-7"));
        assert_eq!(
            read("18446744073709551615").as_deref(),
            Ok("18446744073709551615")
        );
        assert_eq!(read("\" 1e3 \"").as_deref(), Ok("1E+3"));
        assert!(read("true").is_err());
        assert!(read("\"nan\"").is_err());
    }
}
