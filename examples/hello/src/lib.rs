//! The smallest Wafer app: `GET /hello` and `GET /hello/{name}`.
//!
//! ```text
//! $ curl localhost:8080/hello
//! {"message":"hello"}
//! $ curl localhost:8080/hello/ann
//! {"message":"hello, ann"}
//! ```

use serde_json::{Value, json};
use wafer::{App, Json, Path, get};

/// Say hello.
#[get("/hello")]
fn hello() -> Json<Value> {
    Json(json!({"message": "hello"}))
}

/// Say hello to someone.
#[get("/hello/{name}")]
fn hello_name(name: Path<String>) -> Json<Value> {
    Json(json!({"message": format!("hello, {}", *name)}))
}

/// The app this component serves.
pub fn app() -> App {
    App::new()
        .title("Hello")
        .version("0.1.0")
        .routes(wafer::routes![hello, hello_name])
}

wafer::export!(app());

#[cfg(test)]
mod tests {
    use super::app;
    use serde_json::json;
    use wafer::testing::TestClient;

    #[test]
    fn says_hello() {
        let client = TestClient::new(app());
        let response = client.get("/hello").send();
        assert_eq!(response.status(), 200);
        assert_eq!(response.json(), json!({"message": "hello"}));
        assert_eq!(
            client.get("/hello/ann").send().json(),
            json!({"message": "hello, ann"})
        );
    }

    #[test]
    fn the_openapi_document_matches_its_golden_file() {
        TestClient::new(app())
            .assert_openapi_matches(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json"));
    }
}
