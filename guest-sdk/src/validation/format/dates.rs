//! Dates and datetimes as Pydantic reads them, with `speedate` (the parser
//! pydantic-core uses, at the version it uses) configured as pydantic-core
//! configures it.
//!
//! A string is read as RFC 3339 (`T`, `t`, `_` or a space between date and
//! time, seconds and fraction optional, `Z` or an offset) or as a Unix
//! timestamp (seconds up to 2×10¹⁰, milliseconds above); a JSON number is a
//! timestamp, in UTC. Lax mode falls back between the two types: a datetime
//! field takes a date (midnight, no offset), a date field takes a datetime at
//! exactly midnight. Which parser's reason a failed string reports follows
//! from that fallback, as in Pydantic.

use std::borrow::Cow;

use serde_json::{Number, Value};
use speedate::{
    Date, DateConfig, DateTime, MicrosecondsPrecisionOverflowBehavior, ParseError, Time,
    TimeConfig, TimestampUnit,
};
use strum::EnumMessage;

use super::{Format, Invalid, Scalar};

/// Pydantic's `datetime`.
pub(crate) const DATETIME: Format = Format {
    marker: "$wafer::format::datetime",
    placeholder: "2000-01-01T00:00:00",
    read: read_datetime,
    constrain: super::unconstrained,
};

/// Pydantic's `date`.
pub(crate) const DATE: Format = Format {
    marker: "$wafer::format::date",
    placeholder: "2000-01-01",
    read: read_date,
    constrain: super::unconstrained,
};

/// How pydantic-core configures speedate for strings: fractions beyond
/// microseconds truncated, timestamps in UTC.
fn text_config() -> speedate::DateTimeConfig {
    speedate::DateTimeConfig {
        timestamp_unit: TimestampUnit::Infer,
        time_config: TimeConfig {
            microseconds_precision_overflow_behavior:
                MicrosecondsPrecisionOverflowBehavior::Truncate,
            unix_timestamp_offset: Some(0),
        },
    }
}

/// How pydantic-core configures speedate for numbers: timestamps in UTC.
fn number_config() -> speedate::DateTimeConfig {
    speedate::DateTimeConfig {
        timestamp_unit: TimestampUnit::Infer,
        time_config: TimeConfig {
            unix_timestamp_offset: Some(0),
            ..TimeConfig::default()
        },
    }
}

/// A value that is no date or datetime at all, or one that failed to parse
/// with speedate's reason.
enum Failure {
    Type,
    Parsing(Cow<'static, str>),
}

/// speedate's reason, as pydantic-core words it: the error's documentation.
fn reason(error: &ParseError) -> Cow<'static, str> {
    Cow::Borrowed(error.get_documentation().unwrap_or_default())
}

/// A datetime from the input alone, without the fallback to dates.
fn datetime_of(input: Scalar<'_>) -> Result<DateTime, Failure> {
    let parsing = |error: ParseError| Failure::Parsing(reason(&error));
    if let Some(text) = input.text() {
        return DateTime::parse_str_with_config(text, &text_config()).map_err(parsing);
    }
    match input {
        Scalar::Json(Value::Number(number)) => datetime_of_number(number).map_err(parsing),
        _ => Err(Failure::Type),
    }
}

/// A timestamp: an integer within `i64` as it is, any other number as a
/// float (as Python's `float(int)` does for larger integers).
fn datetime_of_number(number: &Number) -> Result<DateTime, ParseError> {
    match number.as_i64() {
        Some(seconds) => DateTime::from_timestamp_with_config(seconds, 0, &number_config()),
        None => {
            let float = number.as_f64().unwrap_or(f64::INFINITY);
            DateTime::from_float_with_config(float, &number_config())
        }
    }
}

/// A date from the input alone: only strings are dates (`YYYY-MM-DD`, or an
/// integer timestamp at exactly midnight).
fn date_of(input: Scalar<'_>) -> Result<Date, Failure> {
    let config = DateConfig {
        timestamp_unit: TimestampUnit::Infer,
    };
    match input.text() {
        Some(text) => {
            Date::parse_str_with_config(text, &config).map_err(|e| Failure::Parsing(reason(&e)))
        }
        None => Err(Failure::Type),
    }
}

/// One type's error wording: its own parsing error, the error of the
/// fallback to the other type, and the wrong-type error.
struct Wording {
    parsing: (&'static str, &'static str),
    fallback: (&'static str, &'static str),
    wrong_type: (&'static str, &'static str),
}

const DATETIME_WORDING: Wording = Wording {
    parsing: ("datetime_parsing", "Input should be a valid datetime"),
    fallback: (
        "datetime_from_date_parsing",
        "Input should be a valid datetime or date",
    ),
    wrong_type: ("datetime_type", "Input should be a valid datetime"),
};

const DATE_WORDING: Wording = Wording {
    parsing: (
        "date_parsing",
        "Input should be a valid date in the format YYYY-MM-DD",
    ),
    fallback: (
        "date_from_datetime_parsing",
        "Input should be a valid date or datetime",
    ),
    wrong_type: ("date_type", "Input should be a valid date"),
};

impl Wording {
    /// The error when both the type's own reading and the fallback failed:
    /// the fallback's reason if it parsed and failed, else the type's own.
    fn failed(&self, own: Failure, fallback: Failure) -> Invalid {
        match (fallback, own) {
            (Failure::Parsing(reason), _) => parsing_error(self.fallback, reason),
            (Failure::Type, Failure::Parsing(reason)) => parsing_error(self.parsing, reason),
            (Failure::Type, Failure::Type) => Invalid::new(self.wrong_type.0, self.wrong_type.1),
        }
    }

    /// Year 0, which speedate reads and Python's dates lack.
    fn year_zero(&self) -> Invalid {
        parsing_error(self.parsing, Cow::Borrowed("year 0 is out of range"))
    }
}

fn read_datetime(input: Scalar<'_>) -> Result<Cow<'_, str>, Invalid> {
    let datetime = match datetime_of(input) {
        Ok(datetime) => datetime,
        Err(own) => match date_of(input) {
            Ok(date) => DateTime {
                date,
                time: Time {
                    hour: 0,
                    minute: 0,
                    second: 0,
                    microsecond: 0,
                    tz_offset: None,
                },
            },
            Err(fallback) => return Err(DATETIME_WORDING.failed(own, fallback)),
        },
    };
    if datetime.date.year == 0 {
        return Err(DATETIME_WORDING.year_zero());
    }
    Ok(Cow::Owned(datetime.to_string()))
}

fn read_date(input: Scalar<'_>) -> Result<Cow<'_, str>, Invalid> {
    let date = match date_of(input) {
        Ok(date) => date,
        Err(own) => match datetime_of(input) {
            Ok(datetime) if is_midnight(&datetime.time) => datetime.date,
            Ok(_) => {
                return Err(Invalid::new(
                    "date_from_datetime_inexact",
                    "Datetimes provided to dates should have zero time - e.g. be exact dates",
                ));
            }
            Err(fallback) => return Err(DATE_WORDING.failed(own, fallback)),
        },
    };
    if date.year == 0 {
        return Err(DATE_WORDING.year_zero());
    }
    Ok(Cow::Owned(date.to_string()))
}

fn is_midnight(time: &Time) -> bool {
    time.hour == 0 && time.minute == 0 && time.second == 0 && time.microsecond == 0
}

/// A parsing error: `{message}, {reason}`, the reason in `ctx.error`.
fn parsing_error((kind, message): (&'static str, &str), reason: Cow<'static, str>) -> Invalid {
    Invalid::new(kind, format!("{message}, {reason}")).with_ctx("error", reason.into_owned())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn datetime(input: Value) -> Result<String, (&'static str, String)> {
        read_datetime(Scalar::Json(&input))
            .map(Cow::into_owned)
            .map_err(|invalid| (invalid.kind, invalid.message.into_owned()))
    }

    fn date(input: Value) -> Result<String, (&'static str, String)> {
        read_date(Scalar::Json(&input))
            .map(Cow::into_owned)
            .map_err(|invalid| (invalid.kind, invalid.message.into_owned()))
    }

    #[test]
    fn datetimes_read_as_pydantic_reads_them() {
        assert_eq!(
            datetime(json!("2032-04-23T10:20:30.4+02:30")).unwrap(),
            "2032-04-23T10:20:30.400000+02:30"
        );
        assert_eq!(
            datetime(json!("2032-04-23 10:20")).unwrap(),
            "2032-04-23T10:20:00"
        );
        assert_eq!(
            datetime(json!("2032-04-23")).unwrap(),
            "2032-04-23T00:00:00"
        );
        assert_eq!(
            datetime(json!(1_700_000_000)).unwrap(),
            "2023-11-14T22:13:20Z"
        );
        assert_eq!(
            datetime(json!("1700000000")).unwrap(),
            "2023-11-14T22:13:20Z"
        );
        assert_eq!(
            datetime(json!(20_000_000_000.5_f64)).unwrap(),
            "1970-08-20T11:33:20.000500Z"
        );
        assert_eq!(datetime(json!(true)).unwrap_err().0, "datetime_type");
        // A failed string reports the date parser's reason.
        assert_eq!(
            datetime(json!("2032-04-23T24:00:00")).unwrap_err(),
            (
                "datetime_from_date_parsing",
                "Input should be a valid datetime or date, unexpected extra characters at the end of the input".to_owned()
            )
        );
        assert_eq!(
            datetime(json!(253_402_300_800_000_i64)).unwrap_err().0,
            "datetime_parsing"
        );
        assert_eq!(
            datetime(json!("0000-01-01")).unwrap_err().1,
            "Input should be a valid datetime, year 0 is out of range"
        );
    }

    #[test]
    fn dates_read_as_pydantic_reads_them() {
        assert_eq!(date(json!("2032-04-23")).unwrap(), "2032-04-23");
        assert_eq!(
            date(json!("2032-04-23T00:00:00+02:30")).unwrap(),
            "2032-04-23"
        );
        assert_eq!(date(json!(1_699_920_000)).unwrap(), "2023-11-14");
        assert_eq!(
            date(json!(1_700_000_000)).unwrap_err().0,
            "date_from_datetime_inexact"
        );
        assert_eq!(date(json!(null)).unwrap_err().0, "date_type");
        assert_eq!(
            date(json!("2032-02-30")).unwrap_err(),
            (
                "date_from_datetime_parsing",
                "Input should be a valid date or datetime, day value is outside expected range"
                    .to_owned()
            )
        );
        assert_eq!(date(json!("0000-01-01")).unwrap_err().0, "date_parsing");
        assert_eq!(
            read_date(Scalar::Text(DATE.placeholder)).unwrap(),
            DATE.placeholder
        );
        assert_eq!(
            read_datetime(Scalar::Text(DATETIME.placeholder)).unwrap(),
            DATETIME.placeholder
        );
    }
}
