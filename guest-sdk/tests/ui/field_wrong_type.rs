use serde::Deserialize;

#[wafer::model]
#[derive(Deserialize)]
struct Item {
    #[field(ge = 1)]
    name: String,
    #[field(pattern = "^[0-9]+$")]
    count: i64,
    #[field(max_length = 3)]
    active: Option<bool>,
    #[field(max_digits = 10, decimal_places = 2)]
    price: f64,
}

#[wafer::get("/items/{id}")]
fn item(#[field(min_length = 1)] id: wafer::Path<u32>, #[field(gt = 0)] q: wafer::Query<String>) -> String {
    format!("{}{}", id.0, q.0)
}

#[wafer::get("/count")]
fn count(#[field(ge = 1)] state: wafer::State<u32>) -> String {
    state.to_string()
}

fn main() {}
