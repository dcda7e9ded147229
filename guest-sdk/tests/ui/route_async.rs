use wafer::get;

#[get("/items")]
async fn items() -> &'static str {
    "items"
}

fn main() {}
