use serde::Deserialize;

#[wafer::model]
#[derive(Deserialize)]
struct Multiple {
    #[field(multiple_of = 0)]
    c: i64,
}

#[wafer::get("/items")]
fn items(#[field(multiple_of = 0.0)] page: wafer::Query<f64>) -> String {
    page.to_string()
}

fn main() {}
