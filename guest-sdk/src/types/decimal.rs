//! [`Decimal`]: Pydantic's `Decimal`.

use std::error::Error;
use std::fmt;
use std::str::FromStr;

use crate::validation::format::DECIMAL;
use crate::validation::format::decimal::DecimalNumber;
use crate::validation::{Digits, Number};

/// A decimal number, read as Pydantic reads `decimal.Decimal`: exact, with
/// the places it was given (`12.50` stays `12.50`).
///
/// Accepts a JSON integer, a float (by its shortest digits, so `0.1` is
/// `0.1`) or a string in Python's `Decimal` syntax (`" 1_000.5 "`, `.5`,
/// `1e3`; case and surrounding whitespace do not matter); answers
/// `decimal_type`, `decimal_parsing` and, for NaN and infinities,
/// `finite_number`. `#[field(max_digits = .., decimal_places = ..)]` and
/// the bounds and `multiple_of` apply, compared exactly, with Pydantic's
/// errors. Serializes as Python's `str(Decimal)` in a JSON string (`"12.50"`,
/// `"1E+3"`); documented as a string, as FastAPI documents it in answers.
///
/// Equality and order are by value: `1.0 == 1`.
///
/// ```
/// use wafer::types::Decimal;
///
/// let total: Decimal = " 12.50 ".parse().unwrap();
/// assert_eq!(total.to_string(), "12.50");
/// assert_eq!((total.coefficient(), total.exponent()), ("1250", -2));
/// assert_eq!(total, "12.5".parse().unwrap());
/// assert_eq!("1000e0".parse::<Decimal>().unwrap().to_string(), "1000");
/// assert_eq!("1e3".parse::<Decimal>().unwrap().to_string(), "1E+3");
/// assert_eq!(total.to_f64(), 12.5);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Decimal(DecimalNumber);

impl Decimal {
    /// The coefficient's digits, without leading zeros: `"1250"` for `12.50`.
    pub fn coefficient(&self) -> &str {
        self.0.coefficient()
    }

    /// The power of ten the coefficient is multiplied by: `-2` for `12.50`.
    pub fn exponent(&self) -> i64 {
        self.0.exponent()
    }

    /// Whether the sign is negative (`-0` included, as Python keeps it).
    pub fn is_sign_negative(&self) -> bool {
        self.0.is_sign_negative()
    }

    /// The nearest float.
    pub fn to_f64(&self) -> f64 {
        self.0.to_f64()
    }

    /// The decimal of a float as Pydantic reads a JSON float: by its
    /// shortest digits (`0.1` is `0.1`); `None` for NaN and infinities.
    pub fn from_f64(float: f64) -> Option<Self> {
        DecimalNumber::from_f64(float).map(Decimal)
    }
}

/// Zero.
impl Default for Decimal {
    fn default() -> Self {
        Decimal::from(0)
    }
}

impl From<i64> for Decimal {
    fn from(int: i64) -> Self {
        Decimal(DecimalNumber::from_int(i128::from(int)))
    }
}

impl From<u64> for Decimal {
    fn from(int: u64) -> Self {
        Decimal(DecimalNumber::from_int(i128::from(int)))
    }
}

impl From<i32> for Decimal {
    fn from(int: i32) -> Self {
        Decimal::from(i64::from(int))
    }
}

/// Parses Python's `Decimal(text)` syntax; NaN and infinities are refused.
impl FromStr for Decimal {
    type Err = ParseDecimalError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        text.parse()
            .map(Decimal)
            .map_err(|invalid| ParseDecimalError(invalid.to_string()))
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// Why a text is not a [`Decimal`]: Pydantic's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseDecimalError(String);

impl fmt::Display for ParseDecimalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Error for ParseDecimalError {}

super::text_format!(Decimal, DECIMAL);

/// The bounds and `multiple_of` apply, compared exactly.
impl Number for Decimal {}

/// `max_digits` and `decimal_places` apply.
impl Digits for Decimal {}
