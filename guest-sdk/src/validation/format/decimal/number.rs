//! [`DecimalNumber`]: a decimal as Python's `Decimal` holds it, read from
//! text, integers and floats and written back by Python's rules.

use std::cmp::Ordering;
use std::fmt;

use serde_json::{Number, Value};

use crate::validation::constraints::Limit;
use crate::validation::format::Invalid;

/// A finite decimal number as Python's `Decimal` holds it: `coefficient ×
/// 10^exponent`, with its sign (`-0` is kept, as Python keeps it).
#[derive(Debug, Clone)]
pub(crate) struct DecimalNumber {
    negative: bool,
    /// ASCII digits without leading zeros (`"0"` for zero).
    coefficient: String,
    exponent: i64,
}

impl DecimalNumber {
    /// An integer.
    pub(crate) fn from_int(int: i128) -> Self {
        DecimalNumber {
            negative: int < 0,
            coefficient: int.unsigned_abs().to_string(),
            exponent: 0,
        }
    }

    /// `Decimal(repr(float))`: the shortest digits that read back as the
    /// float, with as many places as Python's `repr` writes (`100.0` has one,
    /// `1e+16` none). `None` for NaN and the infinities.
    pub(crate) fn from_f64(float: f64) -> Option<Self> {
        if !float.is_finite() {
            return None;
        }
        // `{:e}` gives the shortest round-trip digits: "1.25e-5".
        let scientific = format!("{:e}", float.abs());
        let (mantissa, exponent) = scientific.split_once('e')?;
        let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
        let point: i64 = exponent.parse().ok()?;
        let last_digit = point - (digits.len() as i64 - 1);
        // `repr` writes -4 <= point < 16 in positional notation, with at least
        // one digit after the point; others in scientific notation.
        let exponent = if (-4..16).contains(&point) {
            last_digit.min(-1)
        } else {
            last_digit
        };
        let zeros = usize::try_from(last_digit - exponent).ok()?;
        Some(DecimalNumber::new(
            float.is_sign_negative(),
            digits + &"0".repeat(zeros),
            exponent,
        ))
    }

    /// A constraint's number as Pydantic makes it a `Decimal`: an integer as
    /// it is, a float by its `repr` (`1e3` is `1000.0`).
    pub(crate) fn from_limit(limit: Limit) -> Self {
        match limit {
            Limit::Int(int) => DecimalNumber::from_int(i128::from(int)),
            // The macros refuse limits that are not finite.
            Limit::Float(float) => {
                DecimalNumber::from_f64(float).unwrap_or_else(|| DecimalNumber::from_int(0))
            }
        }
    }

    /// The number of a JSON number: an integer, or a float by its `repr`.
    pub(crate) fn from_json(number: &Number) -> Self {
        if let Some(int) = number.as_i64() {
            DecimalNumber::from_int(i128::from(int))
        } else if let Some(int) = number.as_u64() {
            DecimalNumber::from_int(i128::from(int))
        } else {
            // serde_json holds only finite floats.
            number
                .as_f64()
                .and_then(DecimalNumber::from_f64)
                .unwrap_or_else(|| DecimalNumber::from_int(0))
        }
    }

    fn new(negative: bool, digits: String, exponent: i64) -> Self {
        let significant = digits.trim_start_matches('0');
        let coefficient = if significant.is_empty() {
            "0".to_owned()
        } else if significant.len() == digits.len() {
            digits
        } else {
            significant.to_owned()
        };
        DecimalNumber {
            negative,
            coefficient,
            exponent,
        }
    }

    /// Whether the number is zero (of either sign).
    pub(crate) fn is_zero(&self) -> bool {
        self.coefficient == "0"
    }

    /// Whether the sign is negative (`-0` included).
    pub(crate) fn is_sign_negative(&self) -> bool {
        self.negative
    }

    /// The coefficient's digits: `"1250"` for `12.50`.
    pub(crate) fn coefficient(&self) -> &str {
        &self.coefficient
    }

    /// The power of ten the coefficient is multiplied by: `-2` for `12.50`.
    pub(crate) fn exponent(&self) -> i64 {
        self.exponent
    }

    /// The same value without trailing zeros (zero as `0`): what Pydantic
    /// also measures digits on.
    pub(crate) fn stripped(&self) -> Self {
        if self.is_zero() {
            return DecimalNumber::new(self.negative, "0".to_owned(), 0);
        }
        let significant = self.coefficient.trim_end_matches('0');
        let zeros = (self.coefficient.len() - significant.len()) as i64;
        DecimalNumber {
            negative: self.negative,
            coefficient: significant.to_owned(),
            exponent: self.exponent.saturating_add(zeros),
        }
    }

    /// Pydantic's count of digits in total and after the point: `12.50` has
    /// 4 and 2, `1E+3` 4 and 0, `0.005` 3 and 3.
    pub(crate) fn digit_counts(&self) -> (u64, u64) {
        let length = self.coefficient.len() as u64;
        if self.exponent >= 0 {
            (length.saturating_add(self.exponent.unsigned_abs()), 0)
        } else {
            let places = self.exponent.unsigned_abs();
            (length.max(places), places)
        }
    }

    /// The number as JSON, as FastAPI encodes a `Decimal` in an error's
    /// context: an integer when it has no places, else a float.
    pub(crate) fn to_json(&self) -> Value {
        let text = self.to_string();
        if self.exponent >= 0
            && let Ok(int) = format!("{}{}", self.sign(), self.integer_digits()).parse::<i64>()
        {
            return Value::from(int);
        }
        text.parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map_or(Value::String(text), Value::Number)
    }

    /// The value as the nearest float.
    pub(crate) fn to_f64(&self) -> f64 {
        format!("{}{}e{}", self.sign(), self.coefficient, self.exponent)
            .parse()
            .unwrap_or(f64::NAN)
    }

    /// Whether the value is an integer multiple of `step` (not zero).
    pub(crate) fn is_multiple_of(&self, step: &DecimalNumber) -> bool {
        if self.is_zero() {
            return true;
        }
        // Both as integers over the smaller exponent: self = a·10^k, step = b.
        // A step's coefficient comes from a constraint (an i64 or a float's
        // shortest digits): it fits a u64, so no step below overflows.
        let Ok(divisor) = step.coefficient.parse::<u64>().map(u128::from) else {
            return false;
        };
        if divisor == 0 {
            return false;
        }
        let shift = self.exponent.saturating_sub(step.exponent);
        let digits = if shift < 0 {
            // step has the larger exponent: self's last `-shift` digits must be
            // zeros, and the rest a multiple of b.
            let cut = usize::try_from(shift.unsigned_abs()).unwrap_or(usize::MAX);
            match self.coefficient.len().checked_sub(cut) {
                Some(kept) if self.coefficient[kept..].bytes().all(|b| b == b'0') => {
                    &self.coefficient[..kept]
                }
                _ => return false,
            }
        } else {
            self.coefficient.as_str()
        };
        let mut remainder = digits.bytes().fold(0u128, |remainder, digit| {
            (remainder * 10 + u128::from(digit - b'0')) % divisor
        });
        // Multiplying by 10 more than 128 times adds no factor of 2 or 5
        // that a u128 divisor could still need.
        for _ in 0..shift.clamp(0, 128) {
            remainder = remainder * 10 % divisor;
        }
        remainder == 0
    }

    fn sign(&self) -> &'static str {
        if self.negative { "-" } else { "" }
    }

    /// The coefficient followed by the exponent's zeros (for `exponent >= 0`).
    fn integer_digits(&self) -> String {
        let zeros = usize::try_from(self.exponent).unwrap_or(0).min(64);
        format!("{}{}", self.coefficient, "0".repeat(zeros))
    }

    /// The position of the first digit: `2` for `123`, `-3` for `0.00123`.
    fn adjusted(&self) -> i64 {
        self.exponent
            .saturating_add(self.coefficient.len() as i64 - 1)
    }
}

/// Python's `Decimal(text)`: whitespace around and underscores anywhere are
/// ignored, case does not matter; NaN and infinities answer `finite_number`.
impl std::str::FromStr for DecimalNumber {
    type Err = Invalid;

    fn from_str(text: &str) -> Result<Self, Invalid> {
        let parsing = || Invalid::new("decimal_parsing", "Input should be a valid decimal");
        let cleaned: String = text.chars().filter(|c| *c != '_').collect();
        let lower = cleaned.trim().to_ascii_lowercase();
        let (negative, unsigned) = match lower.as_bytes().first() {
            Some(b'-') => (true, &lower[1..]),
            Some(b'+') => (false, &lower[1..]),
            _ => (false, lower.as_str()),
        };
        let not_finite = matches!(unsigned, "inf" | "infinity")
            || ["snan", "nan"].iter().any(|nan| {
                unsigned
                    .strip_prefix(nan)
                    .is_some_and(|payload| payload.bytes().all(|b| b.is_ascii_digit()))
            });
        if not_finite {
            return Err(Invalid::new(
                "finite_number",
                "Input should be a finite number",
            ));
        }
        let (mantissa, power) = match unsigned.split_once('e') {
            Some((mantissa, power)) => {
                let digits = power.strip_prefix(['+', '-']).unwrap_or(power);
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(parsing());
                }
                // An exponent too large for i64 is beyond what Python holds.
                (mantissa, power.parse::<i64>().map_err(|_| parsing())?)
            }
            None => (unsigned, 0),
        };
        let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let all_digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
        if whole.len() + fraction.len() == 0 || !all_digits(whole) || !all_digits(fraction) {
            return Err(parsing());
        }
        let exponent = power
            .checked_sub(fraction.len() as i64)
            .ok_or_else(parsing)?;
        Ok(DecimalNumber::new(
            negative,
            format!("{whole}{fraction}"),
            exponent,
        ))
    }
}

/// `str(Decimal)`: positional notation when the exponent is not positive and
/// the first digit is at most six places after the point, else scientific
/// (`1E+3`, `1.5E-7`).
impl fmt::Display for DecimalNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.sign())?;
        let digits = self.coefficient.as_str();
        let adjusted = self.adjusted();
        if self.exponent <= 0 && adjusted >= -6 {
            let places = self.exponent.unsigned_abs() as usize;
            return match digits.len().checked_sub(places) {
                Some(0) => write!(f, "0.{digits}"),
                Some(_) if places == 0 => f.write_str(digits),
                Some(whole) => write!(f, "{}.{}", &digits[..whole], &digits[whole..]),
                None => write!(f, "0.{}{digits}", "0".repeat(places - digits.len())),
            };
        }
        let (first, rest) = digits.split_at(1);
        f.write_str(first)?;
        if !rest.is_empty() {
            write!(f, ".{rest}")?;
        }
        write!(f, "E{}{adjusted}", if adjusted >= 0 { "+" } else { "" })
    }
}

impl PartialEq for DecimalNumber {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for DecimalNumber {}

impl PartialOrd for DecimalNumber {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// By value: `1.0` equals `1` in order, though not in representation.
impl Ord for DecimalNumber {
    fn cmp(&self, other: &Self) -> Ordering {
        let sign = |number: &DecimalNumber| match (number.is_zero(), number.negative) {
            (true, _) => 0,
            (false, true) => -1,
            (false, false) => 1,
        };
        let (left, right) = (sign(self), sign(other));
        if left != right || left == 0 {
            return left.cmp(&right);
        }
        let magnitude = self.adjusted().cmp(&other.adjusted()).then_with(|| {
            // Same first position: compare digit by digit, the shorter
            // padded with zeros.
            let (a, b) = (self.coefficient.as_bytes(), other.coefficient.as_bytes());
            (0..a.len().max(b.len()))
                .map(|i| {
                    let digit = |d: &[u8]| d.get(i).copied().unwrap_or(b'0');
                    digit(a).cmp(&digit(b))
                })
                .find(|order| order.is_ne())
                .unwrap_or(Ordering::Equal)
        });
        if left < 0 {
            magnitude.reverse()
        } else {
            magnitude
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn parse(text: &str) -> DecimalNumber {
        text.parse().unwrap()
    }

    #[test]
    fn text_reads_and_writes_as_python_decimal() {
        for (text, str_) in [
            ("12.50", "12.50"),
            ("007.5", "7.5"),
            ("  +1_000 ", "1000"),
            (".5", "0.5"),
            ("1.", "1"),
            ("1e3", "1E+3"),
            ("1.5E-7", "1.5E-7"),
            ("0.000001", "0.000001"),
            ("0.0000001", "1E-7"),
            ("0.00", "0.00"),
            ("0e5", "0E+5"),
            ("-0", "-0"),
            ("-12.345e2", "-1234.5"),
            ("123e-10", "1.23E-8"),
        ] {
            assert_eq!(parse(text).to_string(), str_, "{text}");
        }
    }

    #[test]
    fn bad_text_is_a_parsing_error_and_nan_not_finite() {
        for text in ["", ".", "1e", "1,000", "0x10", "1 0", "e5", "--1", "1e+"] {
            let error = text.parse::<DecimalNumber>().unwrap_err();
            assert_eq!(error.kind, "decimal_parsing", "{text:?}");
        }
        for text in ["nan", "-NaN", "sNaN12", "inf", "-Infinity"] {
            let error = text.parse::<DecimalNumber>().unwrap_err();
            assert_eq!(error.kind, "finite_number", "{text:?}");
        }
    }

    #[test]
    fn floats_read_as_their_repr() {
        for (float, str_) in [
            (0.1, "0.1"),
            (100.0, "100.0"),
            (12.5, "12.5"),
            (1e16, "1E+16"),
            (1.5e16, "1.5E+16"),
            (1e15, "1000000000000000.0"),
            (0.0001, "0.0001"),
            (0.00001, "0.00001"),
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (-2.5e-7, "-2.5E-7"),
        ] {
            assert_eq!(
                DecimalNumber::from_f64(float).unwrap().to_string(),
                str_,
                "{float}"
            );
        }
    }

    #[test]
    fn digits_are_counted_as_pydantic_counts_them() {
        assert_eq!(parse("12.50").digit_counts(), (4, 2));
        assert_eq!(parse("1E+3").digit_counts(), (4, 0));
        assert_eq!(parse("0.005").digit_counts(), (3, 3));
        assert_eq!(parse("12.500").stripped().to_string(), "12.5");
        assert_eq!(parse("0E+10").stripped().to_string(), "0");
        assert_eq!(parse("1000").stripped().to_string(), "1E+3");
    }

    #[test]
    fn numbers_compare_by_value() {
        assert_eq!(parse("1.0").cmp(&parse("1")), Ordering::Equal);
        assert!(parse("-0") == parse("-0") && parse("0").cmp(&parse("-0.0")).is_eq());
        assert!(parse("-2") < parse("-1.5"));
        assert!(parse("0.1") < parse("0.10001"));
        assert!(parse("1E+3") > parse("999.99"));
        assert!(parse("-1E+3") < parse("5"));
    }

    #[test]
    fn multiples_are_exact() {
        assert!(parse("0.3").is_multiple_of(&parse("0.1")));
        assert!(!parse("0.35").is_multiple_of(&parse("0.1")));
        assert!(parse("1E+30").is_multiple_of(&parse("0.25")));
        assert!(parse("1500").is_multiple_of(&parse("5E+2")));
        assert!(!parse("1510").is_multiple_of(&parse("5E+2")));
        assert!(parse("0").is_multiple_of(&parse("7")));
        assert!(!parse("1").is_multiple_of(&parse("3")));
    }

    #[test]
    fn context_values_are_json_numbers() {
        assert_eq!(parse("0").to_json(), json!(0));
        assert_eq!(parse("1E+3").to_json(), json!(1000));
        assert_eq!(parse("1000.0").to_json(), json!(1000.0));
        assert_eq!(parse("0.25").to_json(), json!(0.25));
    }
}
