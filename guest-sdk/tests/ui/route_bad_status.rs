use wafer::post;

#[post("/items", status = 700)]
fn items() -> &'static str {
    "items"
}

fn main() {}
