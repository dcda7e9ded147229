use serde::Deserialize;

fn upper(code: String) -> Result<String, String> {
    Ok(code.to_uppercase())
}

#[wafer::model]
#[derive(Deserialize)]
struct NotAFunction {
    #[field(validate = "upper")]
    code: String,
}

#[wafer::model]
#[derive(Deserialize)]
struct OnItems {
    #[field(items(validate = upper))]
    codes: Vec<String>,
}

#[wafer::model]
#[derive(Deserialize)]
struct WrongType {
    #[field(validate = upper)]
    count: u32,
}

#[wafer::get("/codes")]
fn codes(#[field(validate = upper)] code: wafer::Query<String>) -> String {
    code.0
}

fn main() {}
