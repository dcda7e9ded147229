//! Field constraints, Pydantic's `Field(...)` arguments: `gt`, `ge`, `lt`, `le`,
//! `multiple_of`, `min_length`, `max_length`, `pattern`, `max_digits` and
//! `decimal_places`, and `items(...)`, the constraints of each item of a list
//! (Pydantic's `list[Annotated[int, Field(ge=0)]]`).
//!
//! The route and model macros check a field's constraints at compile time
//! (the pattern compiles, the bounds can be met, each constraint fits the
//! field's type; see [`applies`](super::applies)) and write them as a
//! `static` [`Constraints`]; the validating deserializer checks them at the
//! point where it has converted the value, in Pydantic's order, and reports
//! Pydantic's error.
//!
//! Patterns use `regex-lite`, which keeps components small: its syntax is the
//! `regex` crate's (Pydantic's engine), but `\d`, `\w` and `\s` match ASCII
//! only and Unicode classes (`\p{...}`) are not available.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;

use regex_lite::Regex;
use serde_json::{Number, Value};

use super::error::ErrorDetail;

/// What a model field or handler argument requires of its value: what a
/// `#[field(...)]` attribute says, which the macros write as a `static`.
///
/// Which constraints apply depends on the value: the bounds to numbers,
/// `min_length`/`max_length` to strings (characters) and lists (items),
/// `pattern` to strings (a regular expression that must match somewhere in
/// the string, as in Pydantic), `max_digits`/`decimal_places` to decimals
/// (checked, like a decimal's bounds, by `validation::format::decimal`), and
/// `items` to each item of a list.
///
/// ```
/// use wafer::validation::{Constraints, Limit};
///
/// static PRICE: Constraints = Constraints {
///     gt: Some(Limit::Int(0)),
///     le: Some(Limit::Float(1e6)),
///     ..Constraints::NONE
/// };
/// assert_eq!(PRICE.gt.map(|gt| gt.to_string()), Some("0".to_owned()));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Constraints {
    /// Greater than.
    pub gt: Option<Limit>,
    /// Greater than or equal.
    pub ge: Option<Limit>,
    /// Less than.
    pub lt: Option<Limit>,
    /// Less than or equal.
    pub le: Option<Limit>,
    /// A multiple of.
    pub multiple_of: Option<Limit>,
    /// At least this many characters (strings) or items (lists).
    pub min_length: Option<usize>,
    /// At most this many characters (strings) or items (lists).
    pub max_length: Option<usize>,
    /// A regular expression the string must match.
    pub pattern: Option<&'static str>,
    /// What each item of a list must satisfy.
    pub items: Option<&'static Constraints>,
    /// At most this many digits in total (decimals).
    pub max_digits: Option<u32>,
    /// At most this many digits after the point (decimals).
    pub decimal_places: Option<u32>,
}

impl Constraints {
    /// No constraints: the rest of a `static` written with `..`.
    pub const NONE: Constraints = Constraints {
        gt: None,
        ge: None,
        lt: None,
        le: None,
        multiple_of: None,
        min_length: None,
        max_length: None,
        pattern: None,
        items: None,
        max_digits: None,
        decimal_places: None,
    };
}

/// A number a constraint compares with, as written: `gt = 0` is an integer,
/// `le = 1.5` a float (Pydantic words its errors with the number as written).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Limit {
    /// An integer.
    Int(i64),
    /// A float (finite: the macros refuse others).
    Float(f64),
}

impl Limit {
    fn as_i64(self) -> Option<i64> {
        match self {
            Limit::Int(int) => Some(int),
            Limit::Float(_) => None,
        }
    }

    fn as_f64(self) -> f64 {
        match self {
            Limit::Int(int) => int as f64,
            Limit::Float(float) => float,
        }
    }

    /// The number as JSON: for the document's keywords and error contexts.
    pub(crate) fn to_json(self) -> Value {
        match self {
            Limit::Int(int) => Value::from(int),
            Limit::Float(float) => Number::from_f64(float).map_or(Value::Null, Value::Number),
        }
    }
}

/// As JSON writes it: `0`, `1.5`, `1.0`.
impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self, self.to_json()) {
            (_, Value::Number(number)) => write!(f, "{number}"),
            (Limit::Float(float), _) => write!(f, "{float}"),
            (Limit::Int(int), _) => write!(f, "{int}"),
        }
    }
}

/// A number as the field's type holds it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Numeric {
    Int(i128),
    Float(f64),
}

impl Numeric {
    fn as_f64(self) -> f64 {
        match self {
            Numeric::Int(int) => int as f64,
            Numeric::Float(float) => float,
        }
    }
}

impl Constraints {
    /// Checks a number; `error` makes an error of the given type at the value.
    pub(crate) fn check_number(
        &self,
        value: Numeric,
        error: impl Fn(&'static str) -> ErrorDetail,
    ) -> Result<(), ErrorDetail> {
        let ctx = |bound: Limit| ctx_number(bound, value);
        if let Some(multiple_of) = self.multiple_of
            && !is_multiple(value, multiple_of)
        {
            return Err(error("multiple_of")
                .with_message(format!("Input should be a multiple of {multiple_of}"))
                .with_ctx("multiple_of", ctx(multiple_of)));
        }
        for (bound, limit) in self.bounds() {
            let within = match (value, limit.as_i64()) {
                (Numeric::Int(int), Some(limit)) => bound.holds(int, i128::from(limit)),
                _ => bound.holds(value.as_f64(), limit.as_f64()),
            };
            if !within {
                return Err(bound.refusal(limit, ctx(limit), &error));
            }
        }
        Ok(())
    }

    /// The bounds given, in the order Pydantic checks them.
    pub(crate) fn bounds(&self) -> impl Iterator<Item = (Bound, Limit)> {
        [
            (Bound::Le, self.le),
            (Bound::Lt, self.lt),
            (Bound::Ge, self.ge),
            (Bound::Gt, self.gt),
        ]
        .into_iter()
        .filter_map(|(bound, limit)| Some((bound, limit?)))
    }

    /// Checks a string: length in characters, then the pattern.
    pub(crate) fn check_str(
        &self,
        text: &str,
        error: impl Fn(&'static str) -> ErrorDetail,
    ) -> Result<(), ErrorDetail> {
        let length = text.chars().count();
        if let Some(min) = self.min_length
            && length < min
        {
            return Err(error("string_too_short")
                .with_message(format!(
                    "String should have at least {min} {}",
                    plural(min, "character")
                ))
                .with_ctx("min_length", min));
        }
        if let Some(max) = self.max_length
            && length > max
        {
            return Err(error("string_too_long")
                .with_message(format!(
                    "String should have at most {max} {}",
                    plural(max, "character")
                ))
                .with_ctx("max_length", max));
        }
        if let Some(pattern) = self.pattern
            && !matches_pattern(pattern, text)
        {
            return Err(error("string_pattern_mismatch")
                .with_message(format!("String should match pattern '{pattern}'"))
                .with_ctx("pattern", pattern));
        }
        Ok(())
    }

    /// Checks a list's length before its items are validated: too many items
    /// is reported instead of the items' errors, as Pydantic does.
    pub(crate) fn check_max_items(
        &self,
        count: usize,
        error: impl Fn(&'static str) -> ErrorDetail,
    ) -> Result<(), ErrorDetail> {
        match self.max_length {
            Some(max) if count > max => Err(error("too_long")
                .with_message(format!(
                    "List should have at most {max} {} after validation, not {count}",
                    plural(max, "item")
                ))
                .with_ctx("field_type", "List")
                .with_ctx("max_length", max)
                .with_ctx("actual_length", count)),
            _ => Ok(()),
        }
    }

    /// Checks a list's length after its items were validated without error.
    pub(crate) fn check_min_items(
        &self,
        count: usize,
        error: impl Fn(&'static str) -> ErrorDetail,
    ) -> Result<(), ErrorDetail> {
        match self.min_length {
            Some(min) if count < min => Err(error("too_short")
                .with_message(format!(
                    "List should have at least {min} {} after validation, not {count}",
                    plural(min, "item")
                ))
                .with_ctx("field_type", "List")
                .with_ctx("min_length", min)
                .with_ctx("actual_length", count)),
            _ => Ok(()),
        }
    }
}

/// The four bounds.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Bound {
    Le,
    Lt,
    Ge,
    Gt,
}

impl Bound {
    /// Whether `value` is within the bound `limit`.
    pub(crate) fn holds<T: PartialOrd>(self, value: T, limit: T) -> bool {
        match self {
            Bound::Le => value <= limit,
            Bound::Lt => value < limit,
            Bound::Ge => value >= limit,
            Bound::Gt => value > limit,
        }
    }

    /// Pydantic's error for a value beyond `limit` (written as `shown`, and
    /// as `ctx` in the error's context).
    pub(crate) fn refusal(
        self,
        shown: impl fmt::Display,
        ctx: Value,
        error: impl Fn(&'static str) -> ErrorDetail,
    ) -> ErrorDetail {
        error(self.kind())
            .with_message(format!("Input should be {} {shown}", self.words()))
            .with_ctx(self.key(), ctx)
    }

    fn kind(self) -> &'static str {
        match self {
            Bound::Le => "less_than_equal",
            Bound::Lt => "less_than",
            Bound::Ge => "greater_than_equal",
            Bound::Gt => "greater_than",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Bound::Le => "le",
            Bound::Lt => "lt",
            Bound::Ge => "ge",
            Bound::Gt => "gt",
        }
    }

    fn words(self) -> &'static str {
        match self {
            Bound::Le => "less than or equal to",
            Bound::Lt => "less than",
            Bound::Ge => "greater than or equal to",
            Bound::Gt => "greater than",
        }
    }
}

/// `noun`, or its plural unless `count` is 1.
pub(crate) fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        noun.to_owned()
    } else {
        format!("{noun}s")
    }
}

/// The bound as Pydantic puts it in `ctx`: converted to the field's type, so
/// `gt=0` on a float field reads `0.0`.
fn ctx_number(bound: Limit, value: Numeric) -> Value {
    match value {
        Numeric::Int(_) => bound.to_json(),
        Numeric::Float(_) => Limit::Float(bound.as_f64()).to_json(),
    }
}

fn is_multiple(value: Numeric, of: Limit) -> bool {
    match (value, of.as_i64()) {
        (Numeric::Int(int), Some(of)) if of != 0 => int % i128::from(of) == 0,
        _ => {
            let of = of.as_f64();
            // Pydantic's tolerance for floating-point remainders.
            let remainder = value.as_f64() % of;
            remainder.abs() <= f64::EPSILON || (remainder.abs() - of.abs()).abs() <= f64::EPSILON
        }
    }
}

/// Whether `pattern` matches anywhere in `text`; compiled regexes are kept.
/// The macros compiled the pattern already; one that does not compile here
/// (a hand-written `Constraints`) matches nothing, and is reported once.
fn matches_pattern(pattern: &'static str, text: &str) -> bool {
    thread_local! {
        static COMPILED: RefCell<HashMap<&'static str, Option<Regex>>> = RefCell::default();
    }
    COMPILED.with(|compiled| {
        let mut compiled = compiled.borrow_mut();
        let regex = compiled.entry(pattern).or_insert_with(|| {
            Regex::new(pattern)
                .map_err(|error| {
                    crate::log::error(format_args!("invalid pattern {pattern:?}: {error}"))
                })
                .ok()
        });
        regex.as_ref().is_some_and(|regex| regex.is_match(text))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn error(kind: &'static str) -> ErrorDetail {
        ErrorDetail::new(kind, ["body", "x"], Value::Null)
    }

    #[test]
    fn numbers_are_checked_in_pydantic_order() {
        let c = Constraints {
            multiple_of: Some(Limit::Int(5)),
            le: Some(Limit::Int(3)),
            lt: Some(Limit::Int(3)),
            ge: Some(Limit::Int(10)),
            gt: Some(Limit::Int(10)),
            ..Constraints::NONE
        };
        let kind = |v| c.check_number(v, error).expect_err("violates").kind;
        assert_eq!(kind(Numeric::Int(7)), "multiple_of");
        assert_eq!(kind(Numeric::Int(15)), "less_than_equal");
        assert_eq!(kind(Numeric::Float(5.0)), "less_than_equal");
        let c = Constraints {
            gt: Some(Limit::Int(0)),
            ..Constraints::NONE
        };
        let e = c
            .check_number(Numeric::Float(0.0), error)
            .expect_err("violates");
        assert_eq!(e.msg, "Input should be greater than 0");
        assert_eq!(
            e.ctx,
            Some(json!({"gt": 0.0}).as_object().cloned().expect("object"))
        );
        assert!(c.check_number(Numeric::Float(0.1), error).is_ok());
    }

    #[test]
    fn float_multiples_tolerate_rounding() {
        let c = Constraints {
            multiple_of: Some(Limit::Float(0.1)),
            ..Constraints::NONE
        };
        assert!(c.check_number(Numeric::Float(0.3), error).is_ok());
        assert!(c.check_number(Numeric::Float(0.35), error).is_err());
    }

    #[test]
    fn strings_count_characters_then_match_the_pattern() {
        let c = Constraints {
            min_length: Some(1),
            max_length: Some(2),
            pattern: Some("^[a-zé]+$"),
            ..Constraints::NONE
        };
        assert!(
            c.check_str("é✓", error)
                .is_err_and(|e| e.kind == "string_pattern_mismatch")
        );
        assert!(c.check_str("éa", error).is_ok());
        let e = c.check_str("", error).expect_err("too short");
        assert_eq!(e.msg, "String should have at least 1 character");
        assert!(
            c.check_str("abc", error)
                .is_err_and(|e| e.msg == "String should have at most 2 characters")
        );
    }

    #[test]
    fn lists_count_items() {
        let c = Constraints {
            min_length: Some(1),
            max_length: Some(2),
            ..Constraints::NONE
        };
        let e = c.check_max_items(3, error).expect_err("too long");
        assert_eq!(
            e.msg,
            "List should have at most 2 items after validation, not 3"
        );
        assert_eq!(
            e.ctx,
            Some(
                json!({"field_type": "List", "max_length": 2, "actual_length": 3})
                    .as_object()
                    .cloned()
                    .expect("object")
            )
        );
        assert!(c.check_min_items(0, error).is_err_and(|e| e.msg == "List should have at least 1 item after validation, not 0"));
    }
}
