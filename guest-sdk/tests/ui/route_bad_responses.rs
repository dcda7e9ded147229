use wafer::get;

#[get("/items", responses = [404, 700])]
fn items() -> &'static str {
    "items"
}

fn main() {}
