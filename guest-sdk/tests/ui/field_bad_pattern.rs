use serde::Deserialize;

#[wafer::model]
#[derive(Deserialize)]
struct User {
    #[field(pattern = "^[a-z+$")]
    name: String,
}

#[wafer::get("/users/{name}")]
fn user(#[field(pattern = "(?<name")] name: wafer::Path<String>) -> String {
    name.0
}

fn main() {}
