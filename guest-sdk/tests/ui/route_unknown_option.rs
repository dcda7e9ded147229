use wafer::get;

#[get("/items", colour = "blue")]
fn items() -> &'static str {
    "items"
}

fn main() {}
