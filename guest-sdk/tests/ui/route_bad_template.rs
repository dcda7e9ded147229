use wafer::get;

#[get("/items/{item-id}")]
fn item() -> &'static str {
    "item"
}

fn main() {}
