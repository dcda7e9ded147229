//! The app natively, through the SDK's test client.

use serde_json::json;
use wafer::testing::TestClient;

use super::app;

/// The first image of `load_digits`, a 0.
const ZERO: &[u8] = &[
    0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0, 0, 3, 15, 2, 0, 11, 8, 0, 0, 4, 12, 0, 0,
    8, 8, 0, 0, 5, 8, 0, 0, 9, 8, 0, 0, 4, 11, 0, 1, 12, 7, 0, 0, 2, 14, 5, 10, 12, 0, 0, 0, 0, 6,
    13, 10, 0, 0, 0,
];

#[test]
fn one_image() {
    let client = TestClient::new(app());
    let answer = client
        .post("/digits/predict")
        .json(&json!({"pixels": ZERO}))
        .send();
    assert_eq!(answer.status(), 200);
    let body = answer.json();
    assert_eq!(body["digit"], 0);
    let probabilities = body["probabilities"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(probabilities.len(), 10);
    let total: f64 = probabilities.iter().filter_map(|p| p.as_f64()).sum();
    assert!((total - 1.0).abs() < 1e-4, "{total}");
}

#[test]
fn a_batch() {
    let client = TestClient::new(app());
    let answer = client
        .post("/digits/predict/batch")
        .json(&json!({"images": [ZERO, ZERO, ZERO]}))
        .send();
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.json(), json!({"digits": [0, 0, 0]}));
}

#[test]
fn pixels_are_validated_as_fastapi_validates_them() {
    let client = TestClient::new(app());
    let mut bright: Vec<f64> = ZERO.iter().copied().map(f64::from).collect();
    bright[3] = 17.0;
    bright[5] = -1.0;
    let answer = client
        .post("/digits/predict")
        .json(&json!({"pixels": bright}))
        .send();
    assert_eq!(answer.status(), 422);
    assert_eq!(
        answer.json(),
        json!({"detail": [
            {"type": "less_than_equal", "loc": ["body", "pixels", 3],
             "msg": "Input should be less than or equal to 16", "input": 17.0, "ctx": {"le": 16.0}},
            {"type": "greater_than_equal", "loc": ["body", "pixels", 5],
             "msg": "Input should be greater than or equal to 0", "input": -1.0, "ctx": {"ge": 0.0}},
        ]})
    );
    let short = client
        .post("/digits/predict")
        .json(&json!({"pixels": [1, 2, 3]}))
        .send();
    assert_eq!(short.status(), 422);
    assert_eq!(short.json()["detail"][0]["type"], "too_short");
    let empty = client
        .post("/digits/predict/batch")
        .json(&json!({"images": []}))
        .send();
    assert_eq!(empty.json()["detail"][0]["type"], "too_short");
    let inner = client
        .post("/digits/predict/batch")
        .json(&json!({"images": [ZERO, [1]]}))
        .send();
    assert_eq!(
        inner.json()["detail"][0]["loc"],
        json!(["body", "images", 1])
    );
}
