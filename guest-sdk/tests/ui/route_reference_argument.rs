use wafer::{get, Path};

#[get("/items/{id}")]
fn item(id: &Path<u32>) -> String {
    id.0.to_string()
}

fn main() {}
