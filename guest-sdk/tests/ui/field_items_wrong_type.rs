use serde::Deserialize;

#[wafer::model]
#[derive(Deserialize)]
struct Grid {
    #[field(items(ge = 0))]
    name: String,
    #[field(items(pattern = "^[a-z]+$"))]
    counts: Vec<i64>,
    #[field(items(items(max_length = 2)))]
    flags: Vec<Vec<bool>>,
}

fn main() {}
