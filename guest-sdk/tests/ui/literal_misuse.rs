use serde::Deserialize;

#[wafer::literal]
#[derive(Deserialize)]
struct NotAnEnum {
    kind: String,
}

#[wafer::literal]
#[derive(Deserialize)]
enum HoldsData {
    Email(String),
}

#[wafer::literal]
#[derive(Deserialize)]
#[serde(rename = "Kind")]
enum Renamed {
    Standard,
}

#[derive(Deserialize)]
#[wafer::literal]
enum BelowTheDerive {
    Standard,
}

#[wafer::literal]
#[derive(Deserialize)]
enum Empty {}

fn main() {}
