use wafer::get;

#[get("items")]
fn items() -> &'static str {
    "items"
}

fn main() {}
