//! What extracting a JSON body costs natively, through the SDK's test
//! client: a constrained model of 64 images of 64 pixels (the digits
//! example's batch), valid (serde_json alone, the fast path) and with one
//! pixel out of range (the validating pass, which reports it), and one image;
//! and a form body of 50,000 fields (hostile: reading it must stay linear).
//!
//! ```text
//! cargo bench -p wafer-sdk --bench extract
//! ```

// `criterion_group!` generates an undocumented public function.
#![allow(missing_docs)]

use criterion::{Criterion, criterion_group, criterion_main};
use serde::Deserialize;
use wafer::testing::TestClient;
use wafer::{App, Form, Json, post};

/// One image, as the digits example declares it.
#[wafer::model]
#[derive(Deserialize)]
pub struct Image {
    /// The 64 pixels.
    #[field(min_length = 64, max_length = 64, items(ge = 0, le = 16))]
    pub pixels: Vec<f32>,
}

/// Up to 256 images.
#[wafer::model]
#[derive(Deserialize)]
pub struct Batch {
    /// The images.
    #[field(
        min_length = 1,
        max_length = 256,
        items(min_length = 64, max_length = 64, items(ge = 0, le = 16))
    )]
    pub images: Vec<Vec<f32>>,
}

#[post("/image")]
fn image(Json(image): Json<Image>) -> String {
    image.pixels.len().to_string()
}

#[post("/batch")]
fn batch(Json(batch): Json<Batch>) -> String {
    batch.images.len().to_string()
}

#[post("/form")]
fn form(name: Form<String>) -> String {
    name.0
}

/// 64 pixels of `load_digits`' first image, a 0.
const ZERO: [u8; 64] = [
    0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0, 0, 3, 15, 2, 0, 11, 8, 0, 0, 4, 12, 0, 0,
    8, 8, 0, 0, 5, 8, 0, 0, 9, 8, 0, 0, 4, 11, 0, 1, 12, 7, 0, 0, 2, 14, 5, 10, 12, 0, 0, 0, 0, 6,
    13, 10, 0, 0, 0,
];

fn extract(c: &mut Criterion) {
    let client = TestClient::new(App::new().routes(wafer::routes![image, batch, form]));
    let one = serde_json::json!({ "pixels": ZERO.to_vec() });
    let valid = serde_json::json!({ "images": vec![ZERO.to_vec(); 64] });
    let mut images = vec![ZERO.to_vec(); 64];
    images[63][63] = 17;
    let invalid = serde_json::json!({ "images": images });

    let send = |path: &str, body: &serde_json::Value, status: u16| {
        let answer = client.post(path).json(body).send();
        assert_eq!(answer.status(), status, "{}", answer.text());
    };
    c.bench_function("one image", |b| b.iter(|| send("/image", &one, 200)));
    c.bench_function("batch of 64", |b| b.iter(|| send("/batch", &valid, 200)));
    c.bench_function("batch of 64, one pixel invalid", |b| {
        b.iter(|| send("/batch", &invalid, 422))
    });
    let fields: Vec<(String, String)> =
        (0..50_000).map(|i| (format!("f{i}"), "v".into())).collect();
    let mut fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    fields.push(("name", "ann"));
    c.bench_function("form of 50,000 fields", |b| {
        b.iter(|| {
            let answer = client.post("/form").form(&fields).send();
            assert_eq!(answer.text(), "ann");
        })
    });
}

criterion_group!(benches, extract);
criterion_main!(benches);
