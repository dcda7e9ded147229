use serde::Deserialize;

#[wafer::model]
#[derive(Deserialize)]
struct Item {
    #[field(max_length = "ten")]
    name: String,
}

fn main() {}
