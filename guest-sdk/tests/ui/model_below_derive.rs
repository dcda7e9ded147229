use serde::Deserialize;

#[derive(Deserialize)]
#[wafer::model]
struct Item {
    #[field(min_length = 1)]
    name: String,
}

fn main() {}
