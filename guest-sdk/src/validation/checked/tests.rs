//! The fast path reads a body exactly as the validating pass would: for each
//! body below, `from_body` (fast path first) and the validating pass alone
//! give the same value or the same errors, and the valid ones need only the
//! fast path.

use serde::{Deserialize, Deserializer};
use serde_json::{Value, json};

use super::fast_path;
use crate::validation::constrained::constrained;
use crate::validation::constraints::{Constraints, Limit};
use crate::validation::de::{Input, from_input};
use crate::validation::error::{LocItem, ValidationErrors};
use crate::validation::format::{self, DECIMAL};
use crate::validation::{BodyError, from_body, read_checked};

/// A field's constraints, as `#[wafer::model]` writes them, and the
/// function its `deserialize_with` names.
macro_rules! constrained_field {
    ($function:ident: $ty:ty = $constraints:expr) => {
        fn $function<'de, D: Deserializer<'de>>(deserializer: D) -> Result<$ty, D::Error> {
            static CONSTRAINTS: Constraints = $constraints;
            constrained(deserializer, &CONSTRAINTS)
        }
    };
}

static DIGIT: Constraints = Constraints {
    ge: Some(Limit::Int(0)),
    le: Some(Limit::Int(9)),
    ..Constraints::NONE
};
static ROW: Constraints = Constraints {
    min_length: Some(2),
    items: Some(&DIGIT),
    ..Constraints::NONE
};
static POSITIVE: Constraints = Constraints {
    gt: Some(Limit::Int(0)),
    ..Constraints::NONE
};

constrained_field!(count: i64 = Constraints {
    ge: Some(Limit::Int(1)),
    le: Some(Limit::Int(10)),
    ..Constraints::NONE
});
constrained_field!(fraction: f64 = Constraints {
    gt: Some(Limit::Int(0)),
    lt: Some(Limit::Int(1)),
    ..Constraints::NONE
});
constrained_field!(fives: i64 = Constraints {
    multiple_of: Some(Limit::Int(5)),
    ..Constraints::NONE
});
constrained_field!(name: String = Constraints {
    min_length: Some(1),
    max_length: Some(5),
    pattern: Some("^[a-z]+$"),
    ..Constraints::NONE
});
constrained_field!(code: Option<String> = Constraints {
    pattern: Some("^[A-Z]{2}$"),
    ..Constraints::NONE
});
constrained_field!(rows: Vec<Vec<u8>> = Constraints {
    min_length: Some(1),
    max_length: Some(3),
    items: Some(&ROW),
    ..Constraints::NONE
});
constrained_field!(scores: Vec<f32> = Constraints {
    items: Some(&POSITIVE),
    ..Constraints::NONE
});
/// A decimal's canonical text, read as `wafer::types::Decimal` reads it.
#[derive(Debug, PartialEq)]
struct Decimal(String);

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        format::deserialize(deserializer, &DECIMAL).map(Decimal)
    }
}

constrained_field!(price: Decimal = Constraints {
    ge: Some(Limit::Int(0)),
    max_digits: Some(6),
    decimal_places: Some(2),
    ..Constraints::NONE
});
constrained_field!(level: f64 = Constraints {
    ge: Some(Limit::Int(0)),
    ..Constraints::NONE
});

/// Every kind of constraint, nested lists, and an untagged enum whose first
/// variant holds a constrained field.
#[derive(Debug, PartialEq, Deserialize)]
struct Probe {
    #[serde(deserialize_with = "count")]
    count: i64,
    #[serde(deserialize_with = "fraction")]
    fraction: f64,
    #[serde(default, deserialize_with = "fives")]
    fives: i64,
    #[serde(deserialize_with = "name")]
    name: String,
    #[serde(default, deserialize_with = "code")]
    code: Option<String>,
    #[serde(deserialize_with = "rows")]
    rows: Vec<Vec<u8>>,
    #[serde(default, deserialize_with = "scores")]
    scores: Vec<f32>,
    #[serde(deserialize_with = "price")]
    price: Decimal,
    #[serde(default)]
    choice: Option<Choice>,
}

#[derive(Debug, PartialEq, Deserialize)]
#[serde(untagged)]
enum Choice {
    Level(Level),
    Label { level: String },
}

#[derive(Debug, PartialEq, Deserialize)]
struct Level {
    #[serde(deserialize_with = "level")]
    level: f64,
}

fn valid() -> Value {
    json!({
        "count": 3,
        "fraction": 0.5,
        "fives": 10,
        "name": "ann",
        "code": "GB",
        "rows": [[0, 9], [1, 2, 3]],
        "scores": [0.5, 2],
        "price": "12.50",
        "choice": {"level": 2},
    })
}

/// `valid()` with `key` set to `value`, or left out for `None`.
fn with(key: &str, value: Option<Value>) -> Value {
    let mut body = valid();
    match value {
        Some(value) => body[key] = value,
        None => {
            body.as_object_mut().map(|body| body.remove(key));
        }
    }
    body
}

/// Both ways of reading `body`, for comparison.
fn both<T>(
    body: &Value,
    constraints: Option<&'static Constraints>,
) -> [Result<T, ValidationErrors>; 2]
where
    T: for<'de> Deserialize<'de>,
{
    let bytes = body.to_string().into_bytes();
    let fast = from_body::<T>(&bytes, true, constraints).map_err(|error| match error {
        BodyError::Invalid(errors) => errors,
        BodyError::NotUtf8 => panic!("JSON is UTF-8"),
    });
    let slow = from_input::<T>(Input::Json(body), vec![LocItem::from("body")], constraints);
    [fast, slow]
}

#[test]
fn valid_bodies_need_only_the_fast_path() {
    for body in [
        valid(),
        with("code", Some(Value::Null)),
        with("code", None),
        with("scores", Some(json!([]))),
        with("rows", Some(json!([[0, 0], [9, 9, 9, 9], [5, 5]]))),
        with("fraction", Some(json!(1e-300))),
        with("price", Some(json!("1_234.500"))),
        with("price", Some(json!(" -0 "))),
    ] {
        let bytes = body.to_string().into_bytes();
        let read = fast_path(|| read_checked::<Probe>(&bytes, None));
        assert!(matches!(read, Some(Ok(_))), "{body}: {read:?}");
        let [fast, slow] = both::<Probe>(&body, None);
        assert_eq!(fast, slow, "{body}");
    }
}

#[test]
fn the_fast_path_refuses_what_validation_refuses_or_converts() {
    for body in [
        // Each constraint broken.
        with("count", Some(json!(0))),
        with("count", Some(json!(11))),
        with("fraction", Some(json!(1))),
        with("fraction", Some(json!(0))),
        with("fives", Some(json!(7))),
        with("name", Some(json!(""))),
        with("name", Some(json!("annabel"))),
        with("name", Some(json!("Ann"))),
        with("code", Some(json!("gb"))),
        with("rows", Some(json!([]))),
        with("rows", Some(json!([[1, 1], [1, 1], [1, 1], [1, 1]]))),
        with("rows", Some(json!([[1, 1], [1]]))),
        with("rows", Some(json!([[1, 1], [1, 10]]))),
        with("rows", Some(json!([[1, 1], [1, -1]]))),
        with("scores", Some(json!([1, 0]))),
        with("price", Some(json!("1.234"))),
        with("price", Some(json!("-0.01"))),
        with("price", Some(json!("12345.6"))),
        with("price", Some(json!("1234567"))),
        with("price", Some(json!("NaN"))),
        with("price", Some(json!("twelve"))),
        // Types and conversions that only validation knows (Pydantic's lax
        // mode), and values beyond a type's range.
        with("count", Some(json!("5"))),
        with("count", Some(json!(5.0))),
        with("count", Some(json!(5.5))),
        with("count", Some(json!(u64::MAX))),
        with("count", Some(json!(true))),
        with("fraction", Some(json!("0.5"))),
        with("name", Some(json!(5))),
        with("rows", Some(json!([[1, 1], [1, 2.0]]))),
        with("rows", Some(json!([[1, 1], [1, 256]]))),
        with("rows", Some(json!([[1, 1], "11"]))),
        with("rows", Some(json!({"0": [1, 1]}))),
        with("scores", Some(json!(["1", 2]))),
        with("price", Some(json!(12.5))),
        with("price", Some(json!(1e-7))),
        with("price", Some(json!(null))),
        with("code", Some(json!(["GB"]))),
        // An untagged enum: the fast path refuses the first variant's "5"
        // (validation converts it), and must not settle for the second.
        with("choice", Some(json!({"level": "5"}))),
        with("choice", Some(json!({"level": -1}))),
        // The second variant: its first was refused, so the body is read by
        // validation, to the same value.
        with("choice", Some(json!({"level": "high"}))),
        // Missing fields.
        with("count", None),
        with("rows", None),
        json!([]),
        json!(null),
    ] {
        let [fast, slow] = both::<Probe>(&body, None);
        assert_eq!(fast, slow, "{body}");
    }
    let converted = with("choice", Some(json!({"level": "5"})));
    let [fast, _] = both::<Probe>(&converted, None);
    assert_eq!(
        fast.map(|probe| probe.choice),
        Ok(Some(Choice::Level(Level { level: 5.0 })))
    );
}

#[test]
fn a_bodys_own_constraints_are_checked_on_the_fast_path() {
    static BODY: Constraints = Constraints {
        max_length: Some(3),
        items: Some(&DIGIT),
        ..Constraints::NONE
    };
    let valid = json!([1, 2, 3]);
    let bytes = valid.to_string().into_bytes();
    let read = fast_path(|| read_checked::<Vec<u8>>(&bytes, Some(&BODY)));
    assert!(matches!(read, Some(Ok(_))), "{read:?}");
    for body in [
        valid,
        json!([1, 2, 3, 4]),
        json!([1, 10]),
        json!(["1"]),
        json!({}),
    ] {
        let [fast, slow] = both::<Vec<u8>>(&body, Some(&BODY));
        assert_eq!(fast, slow, "{body}");
    }
}

#[test]
fn a_constrained_field_read_elsewhere_validates_on_its_own() {
    // Outside the fast path (a user's own `serde_json`), lax conversions
    // still apply and a broken constraint is an error.
    let body = with("count", Some(json!("5")));
    let probe: Probe = serde_json::from_value(body).expect("lax conversion outside wafer");
    assert_eq!(probe.count, 5);
    assert!(serde_json::from_value::<Probe>(with("count", Some(json!(0)))).is_err());
}

#[test]
fn a_format_read_from_a_json_number_needs_only_the_fast_path() {
    #[derive(Debug, Deserialize)]
    struct Total {
        #[allow(dead_code)]
        total: Decimal,
    }
    for body in [
        json!({"total": 12.5}),
        json!({"total": 7}),
        json!({"total": "1e3"}),
    ] {
        let bytes = body.to_string().into_bytes();
        let read = fast_path(|| read_checked::<Total>(&bytes, None));
        assert!(matches!(read, Some(Ok(_))), "{body}: {read:?}");
    }
}
