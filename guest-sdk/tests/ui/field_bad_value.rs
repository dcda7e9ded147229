use serde::Deserialize;

#[wafer::model]
#[derive(Deserialize)]
struct Item {
    #[field(max_length = "ten")]
    name: String,
}

#[wafer::model]
#[derive(Deserialize)]
struct Price {
    #[field(max_digits = 1.5)]
    total: wafer::types::Decimal,
}

fn main() {}
