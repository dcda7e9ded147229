use serde::Deserialize;

#[wafer::model]
#[derive(Deserialize)]
struct Grid {
    #[field(items = 3)]
    rows: Vec<i64>,
}

#[wafer::model]
#[derive(Deserialize)]
struct Twice {
    #[field(items(ge = 0), items(le = 9))]
    rows: Vec<i64>,
}

#[wafer::model]
#[derive(Deserialize)]
struct Unknown {
    #[field(items(minimum = 0))]
    rows: Vec<i64>,
}

fn main() {}
