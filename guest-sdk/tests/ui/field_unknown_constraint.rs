use serde::Deserialize;

#[wafer::model]
#[derive(Deserialize)]
struct Item {
    #[field(minimum = 1)]
    price: f64,
}

fn main() {}
