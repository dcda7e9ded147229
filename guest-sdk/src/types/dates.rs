//! [`Date`] and [`DateTime`]: Pydantic's `date` and `datetime`.

use std::fmt;
use std::str::FromStr;

use utoipa::openapi::schema::KnownFormat;

use crate::validation::format::{DATE, DATETIME};

/// A calendar date, read as Pydantic reads `datetime.date`.
///
/// Accepts `YYYY-MM-DD`, a datetime at exactly midnight (any offset), or a
/// Unix timestamp at midnight UTC (seconds, or milliseconds above 2×10¹⁰);
/// answers `date_type`, `date_parsing`, `date_from_datetime_parsing` and
/// `date_from_datetime_inexact` with Pydantic's wording. Serializes as
/// `YYYY-MM-DD`; documented as a string of format `date`.
///
/// ```
/// use wafer::types::Date;
///
/// let date: Date = "2032-04-23".parse().unwrap();
/// assert_eq!((date.year(), date.month(), date.day()), (2032, 4, 23));
/// assert_eq!(date.to_string(), "2032-04-23");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd)]
pub struct Date(speedate::Date);

impl Date {
    /// The year, 1 to 9999.
    pub fn year(&self) -> u16 {
        self.0.year
    }

    /// The month, 1 to 12.
    pub fn month(&self) -> u8 {
        self.0.month
    }

    /// The day of the month, from 1.
    pub fn day(&self) -> u8 {
        self.0.day
    }
}

/// Parses exactly `YYYY-MM-DD` (what a [`Date`] serializes as).
impl FromStr for Date {
    type Err = speedate::ParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        speedate::Date::parse_str_rfc3339(text).map(Date)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

super::text_format!(Date, DATE, KnownFormat::Date);

/// A date and time of day, with or without a UTC offset, read as Pydantic
/// reads `datetime.datetime`.
///
/// Accepts RFC 3339 and the variants Pydantic accepts (`T`, `t`, `_` or a
/// space between date and time; seconds and fraction optional, digits past
/// microseconds dropped; `Z`, `±HH:MM` or `±HHMM`), a date alone (midnight,
/// no offset), and Unix timestamps as numbers or strings (seconds, or
/// milliseconds above 2×10¹⁰; in UTC). Answers `datetime_type`,
/// `datetime_parsing` and `datetime_from_date_parsing` with Pydantic's
/// wording. Serializes as Pydantic does (`2032-04-23T10:20:30.400000+02:30`,
/// `Z` for UTC, no fraction when it is zero); documented as a string of
/// format `date-time`.
///
/// ```
/// use wafer::types::DateTime;
///
/// let at: DateTime = "2032-04-23T10:20:30Z".parse().unwrap();
/// assert_eq!(at.offset_seconds(), Some(0));
/// assert_eq!(at.to_string(), "2032-04-23T10:20:30Z");
/// ```
#[derive(Debug, Clone, PartialEq, PartialOrd)]
pub struct DateTime(speedate::DateTime);

impl DateTime {
    /// The date.
    pub fn date(&self) -> Date {
        Date(self.0.date)
    }

    /// Hour, minute, second and microsecond.
    pub fn time_of_day(&self) -> (u8, u8, u8, u32) {
        let time = &self.0.time;
        (time.hour, time.minute, time.second, time.microsecond)
    }

    /// The offset from UTC in seconds, or `None` for a naive datetime.
    pub fn offset_seconds(&self) -> Option<i32> {
        self.0.time.tz_offset
    }

    /// Seconds since the Unix epoch, taking the offset into account (a naive
    /// datetime is taken as UTC).
    pub fn timestamp(&self) -> i64 {
        self.0.timestamp_tz()
    }
}

/// Parses RFC 3339 with an optional offset (what a [`DateTime`]
/// serializes as).
impl FromStr for DateTime {
    type Err = speedate::ParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        speedate::DateTime::parse_str_rfc3339(text).map(DateTime)
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

super::text_format!(DateTime, DATETIME, KnownFormat::DateTime);
