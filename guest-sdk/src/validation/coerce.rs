//! Pydantic v2's lax-mode conversions for scalars.
//!
//! Each function takes a received value and returns the converted value, or the
//! Pydantic error type that Pydantic reports for it. Strings are what path, query
//! and header parameters carry, so the string rules matter as much as the JSON
//! ones.

use serde_json::Value;

/// Why a value is not a valid integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IntError {
    /// `int_type`: not a number, string or boolean.
    Type,
    /// `int_parsing`: a string that is not an integer.
    Parsing,
    /// `int_from_float`: a number with a fractional part.
    FromFloat,
}

impl IntError {
    pub(crate) fn kind(self) -> &'static str {
        match self {
            IntError::Type => "int_type",
            IntError::Parsing => "int_parsing",
            IntError::FromFloat => "int_from_float",
        }
    }
}

/// An integer from a JSON value, as Pydantic's `int` in lax mode reads it.
pub(crate) fn int_from_json(value: &Value) -> Result<i128, IntError> {
    match value {
        Value::Number(number) => {
            if let Some(int) = number.as_i64() {
                Ok(int.into())
            } else if let Some(int) = number.as_u64() {
                Ok(int.into())
            } else {
                int_from_f64(number.as_f64().unwrap_or(f64::NAN))
            }
        }
        Value::String(text) => int_from_str(text),
        Value::Bool(flag) => Ok((*flag).into()),
        _ => Err(IntError::Type),
    }
}

fn int_from_f64(float: f64) -> Result<i128, IntError> {
    if !float.is_finite() {
        // Pydantic says `finite_number` here; JSON cannot carry such numbers.
        return Err(IntError::Parsing);
    }
    if float.fract() != 0.0 {
        return Err(IntError::FromFloat);
    }
    // Saturating is fine: the caller range-checks against the target type.
    Ok(float as i128)
}

/// An integer from a string: surrounding whitespace, `_` between digits and a
/// zero fraction (`"5.00"`) are accepted; exponents are not.
pub(crate) fn int_from_str(text: &str) -> Result<i128, IntError> {
    let text = text.trim();
    let (digits, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (text, None),
    };
    if let Some(fraction) = fraction
        && (fraction.is_empty() || !fraction.bytes().all(|b| b == b'0'))
    {
        return Err(IntError::Parsing);
    }
    let digits = strip_underscores(digits).ok_or(IntError::Parsing)?;
    let unsigned = digits.strip_prefix(['+', '-']).unwrap_or(&digits);
    if unsigned.is_empty() || !unsigned.bytes().all(|b| b.is_ascii_digit()) {
        return Err(IntError::Parsing);
    }
    match digits.parse::<i128>() {
        Ok(int) => Ok(int),
        // Beyond i128: saturate, the range check reports it properly.
        Err(_) if digits.starts_with('-') => Ok(i128::MIN),
        Err(_) => Ok(i128::MAX),
    }
}

/// Removes `_` separators, which Python allows only between two digits.
fn strip_underscores(text: &str) -> Option<String> {
    if !text.contains('_') {
        return Some(text.to_owned());
    }
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'_' {
            let between_digits = i > 0
                && bytes[i - 1].is_ascii_digit()
                && bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
            if !between_digits {
                return None;
            }
        } else {
            out.push(char::from(b));
        }
    }
    Some(out)
}

/// Why a value is not a valid number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FloatError {
    /// `float_type`.
    Type,
    /// `float_parsing`.
    Parsing,
}

impl FloatError {
    pub(crate) fn kind(self) -> &'static str {
        match self {
            FloatError::Type => "float_type",
            FloatError::Parsing => "float_parsing",
        }
    }
}

/// A number from a JSON value, as Pydantic's `float` in lax mode reads it.
pub(crate) fn float_from_json(value: &Value) -> Result<f64, FloatError> {
    match value {
        Value::Number(number) => number.as_f64().ok_or(FloatError::Type),
        Value::String(text) => float_from_str(text),
        Value::Bool(flag) => Ok(if *flag { 1.0 } else { 0.0 }),
        _ => Err(FloatError::Type),
    }
}

/// A number from a string, with Python's `float()` leniency (whitespace, `_`
/// between digits, `inf`, `nan`).
pub(crate) fn float_from_str(text: &str) -> Result<f64, FloatError> {
    let text = strip_underscores(text.trim()).ok_or(FloatError::Parsing)?;
    text.parse::<f64>().map_err(|_| FloatError::Parsing)
}

/// Why a value is not a valid boolean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BoolError {
    /// `bool_type`.
    Type,
    /// `bool_parsing`.
    Parsing,
}

impl BoolError {
    pub(crate) fn kind(self) -> &'static str {
        match self {
            BoolError::Type => "bool_type",
            BoolError::Parsing => "bool_parsing",
        }
    }
}

/// A boolean from a JSON value: `true`/`false`, the numbers 0 and 1, and the
/// strings [`bool_from_str`] accepts.
pub(crate) fn bool_from_json(value: &Value) -> Result<bool, BoolError> {
    match value {
        Value::Bool(flag) => Ok(*flag),
        Value::String(text) => bool_from_str(text),
        Value::Number(number) => match number.as_f64() {
            Some(0.0) => Ok(false),
            Some(1.0) => Ok(true),
            _ => Err(BoolError::Parsing),
        },
        _ => Err(BoolError::Type),
    }
}

/// A boolean from a string, case-insensitively: `1 on t true y yes` and
/// `0 off f false n no`.
pub(crate) fn bool_from_str(text: &str) -> Result<bool, BoolError> {
    const TRUE: [&str; 6] = ["1", "on", "t", "true", "y", "yes"];
    const FALSE: [&str; 6] = ["0", "off", "f", "false", "n", "no"];
    if TRUE.iter().any(|t| text.eq_ignore_ascii_case(t)) {
        Ok(true)
    } else if FALSE.iter().any(|f| text.eq_ignore_ascii_case(f)) {
        Ok(false)
    } else {
        Err(BoolError::Parsing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ints_follow_pydantic_lax_mode() {
        assert_eq!(int_from_str("42"), Ok(42));
        assert_eq!(int_from_str(" 5 "), Ok(5));
        assert_eq!(int_from_str("-5"), Ok(-5));
        assert_eq!(int_from_str("5.0"), Ok(5));
        assert_eq!(int_from_str("1_0"), Ok(10));
        assert_eq!(int_from_str("1.5"), Err(IntError::Parsing));
        assert_eq!(int_from_str("1e3"), Err(IntError::Parsing));
        assert_eq!(int_from_str("abc"), Err(IntError::Parsing));
        assert_eq!(int_from_str(""), Err(IntError::Parsing));
        assert_eq!(int_from_str("_1"), Err(IntError::Parsing));
        assert_eq!(int_from_str("5."), Err(IntError::Parsing));
        assert_eq!(int_from_json(&json!(1.0)), Ok(1));
        assert_eq!(int_from_json(&json!(1.5)), Err(IntError::FromFloat));
        assert_eq!(int_from_json(&json!(true)), Ok(1));
        assert_eq!(int_from_json(&json!([1])), Err(IntError::Type));
        assert_eq!(int_from_json(&json!(null)), Err(IntError::Type));
    }

    #[test]
    fn floats_follow_pydantic_lax_mode() {
        assert_eq!(float_from_str("  3 "), Ok(3.0));
        assert_eq!(float_from_str("1_0.5"), Ok(10.5));
        assert_eq!(float_from_str("abc"), Err(FloatError::Parsing));
        assert_eq!(float_from_json(&json!(true)), Ok(1.0));
        assert_eq!(float_from_json(&json!([])), Err(FloatError::Type));
    }

    #[test]
    fn bools_follow_pydantic_lax_mode() {
        assert_eq!(bool_from_str("T"), Ok(true));
        assert_eq!(bool_from_str("off"), Ok(false));
        assert_eq!(bool_from_str("maybe"), Err(BoolError::Parsing));
        assert_eq!(bool_from_json(&json!(1.0)), Ok(true));
        assert_eq!(bool_from_json(&json!(2)), Err(BoolError::Parsing));
        assert_eq!(bool_from_json(&json!([])), Err(BoolError::Type));
    }
}
