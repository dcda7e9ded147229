//! Python's `str()` and `repr()` of what `json.loads` makes of a JSON value:
//! how Pydantic shows an input inside a message (a union's tag it could not
//! match: `5`, `None`, `['email']`).

use serde_json::Value;

/// Python's `str()` of what `json.loads` makes of `value`:
/// how Pydantic shows a tag it could not match (`5`, `None`, `['email']`).
pub(crate) fn python_str(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => python_repr(other),
    }
}

/// Python's `repr()` of what `json.loads` makes of `value`.
fn python_repr(value: &Value) -> String {
    match value {
        Value::Null => "None".to_owned(),
        Value::Bool(true) => "True".to_owned(),
        Value::Bool(false) => "False".to_owned(),
        Value::Number(number) => match (number.as_i64(), number.as_u64(), number.as_f64()) {
            (Some(int), _, _) => int.to_string(),
            (None, Some(int), _) => int.to_string(),
            (None, None, Some(float)) => python_float_repr(float),
            (None, None, None) => number.to_string(),
        },
        Value::String(text) => python_str_repr(text),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(python_repr).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Object(object) => {
            let entries: Vec<String> = object
                .iter()
                .map(|(key, value)| format!("{}: {}", python_str_repr(key), python_repr(value)))
                .collect();
            format!("{{{}}}", entries.join(", "))
        }
    }
}

/// Python's `repr()` of a float: the shortest digits that read back, in
/// positional notation for exponents from -4 to 15, scientific otherwise.
fn python_float_repr(float: f64) -> String {
    if !float.is_finite() {
        return if float.is_nan() {
            "nan"
        } else if float > 0.0 {
            "inf"
        } else {
            "-inf"
        }
        .to_owned();
    }
    // `{:e}` gives the shortest round-trip digits: `-1.5e16`.
    let scientific = format!("{float:e}");
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    if (-4..16).contains(&exponent) {
        let point = exponent + 1;
        let (whole, fraction) = if point <= 0 {
            let zeros = "0".repeat(point.unsigned_abs() as usize);
            ("0".to_owned(), format!("{zeros}{digits}"))
        } else {
            let point = point as usize;
            let padded = format!("{digits:0<point$}");
            let (whole, fraction) = padded.split_at(point);
            (whole.to_owned(), fraction.to_owned())
        };
        let fraction = if fraction.is_empty() { "0" } else { &fraction };
        format!("{sign}{whole}.{fraction}")
    } else {
        let (first, rest) = digits.split_at(1.min(digits.len()));
        let rest = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let exponent_sign = if exponent < 0 { '-' } else { '+' };
        format!(
            "{sign}{first}{rest}e{exponent_sign}{:02}",
            exponent.unsigned_abs()
        )
    }
}

/// Python's `repr()` of a string: single quotes unless the text holds one
/// and no double quote, backslash escapes for the quote, `\\` and control
/// characters.
fn python_str_repr(text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut repr = String::with_capacity(text.len() + 2);
    repr.push(quote);
    for c in text.chars() {
        match c {
            '\\' => repr.push_str("\\\\"),
            '\n' => repr.push_str("\\n"),
            '\r' => repr.push_str("\\r"),
            '\t' => repr.push_str("\\t"),
            c if c == quote => {
                repr.push('\\');
                repr.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                repr.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => repr.push(c),
        }
    }
    repr.push(quote);
    repr
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tags_read_as_python_shows_them() {
        assert_eq!(python_str(&json!("sms")), "sms");
        assert_eq!(python_str(&json!(5)), "5");
        assert_eq!(python_str(&json!(null)), "None");
        assert_eq!(python_str(&json!(true)), "True");
        assert_eq!(python_str(&json!(1.5)), "1.5");
        assert_eq!(python_str(&json!(1e16)), "1e+16");
        assert_eq!(python_str(&json!(100.0)), "100.0");
        assert_eq!(python_str(&json!(0.0001)), "0.0001");
        assert_eq!(python_str(&json!(0.00001)), "1e-05");
        assert_eq!(python_str(&json!(-2.5e-7)), "-2.5e-07");
        assert_eq!(python_str(&json!(123456789012345.6)), "123456789012345.6");
        assert_eq!(python_str(&json!(["email"])), "['email']");
        assert_eq!(
            python_str(&json!(["it's", "a\"b", 2, null, false])),
            "[\"it's\", 'a\"b', 2, None, False]"
        );
        assert_eq!(
            python_str(&json!({"a": 1, "b": "x\n"})),
            "{'a': 1, 'b': 'x\\n'}"
        );
        assert_eq!(python_str_repr("both ' and \""), "'both \\' and \"'");
    }
}
