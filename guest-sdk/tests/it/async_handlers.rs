//! `async fn` handlers and async dependencies, run natively by `TestClient`.

use std::time::{Duration, Instant};

use serde_json::json;
use wafer::extract::{Argument, FromRequest, FromRequestAsync, Rejection};
use wafer::http::StatusCode;
use wafer::testing::TestClient;
use wafer::{App, HttpError, Json, Path, RequestContext, get, post, time};

/// Two waits of 100 ms at once.
#[get("/joined")]
async fn joined() -> Json<serde_json::Value> {
    let started = Instant::now();
    let (a, b) = wafer::join!(
        async {
            time::sleep(Duration::from_millis(100)).await;
            1
        },
        async {
            time::sleep(Duration::from_millis(100)).await;
            2
        },
    );
    Json(json!({"sum": a + b, "elapsed_ms": started.elapsed().as_millis() as u64}))
}

/// A caller, looked up by an (awaited) account service.
struct Account(String);

impl FromRequestAsync for Account {
    async fn from_request_async(cx: &RequestContext<'_>, _: &Argument) -> Result<Self, Rejection> {
        time::sleep(Duration::from_millis(1)).await;
        let user = cx.headers().get("x-user").and_then(|v| v.to_str().ok());
        match user {
            Some(user) => Ok(Account(user.to_owned())),
            None => Err(HttpError::unauthorized("Not authenticated").into()),
        }
    }
}

/// An async dependency built on another one.
struct Greeting(String);

impl FromRequestAsync for Greeting {
    async fn from_request_async(cx: &RequestContext<'_>, _: &Argument) -> Result<Self, Rejection> {
        let Account(user) = cx.extract_async::<Account>().await?;
        Ok(Greeting(format!("hello, {user}")))
    }
}

#[get("/items/{item_id}")]
async fn item(item_id: Path<u32>, account: Account) -> String {
    format!("{} for {}", *item_id, account.0)
}

#[get("/greeting")]
async fn greeting(greeting: Greeting) -> String {
    greeting.0
}

#[post("/items", status = 201)]
async fn create(Json(item): Json<serde_json::Value>) -> Result<Json<serde_json::Value>, HttpError> {
    time::sleep(Duration::from_millis(1)).await;
    if item.get("name").is_none() {
        return Err(HttpError::bad_request("name is required"));
    }
    Ok(Json(item))
}

#[get("/panics")]
async fn panics() -> &'static str {
    time::sleep(Duration::from_millis(1)).await;
    panic!("the handler's bug")
}

/// A synchronous handler beside the async ones.
#[get("/sync")]
fn sync() -> &'static str {
    "sync"
}

/// A synchronous extractor, which async handlers take as well.
struct Tenant(String);

impl FromRequest for Tenant {
    fn from_request(cx: &RequestContext<'_>, _: &Argument) -> Result<Self, Rejection> {
        Ok(Tenant(
            cx.headers()
                .get("x-tenant")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("default")
                .to_owned(),
        ))
    }
}

#[get("/tenant")]
async fn tenant(tenant: Tenant) -> String {
    tenant.0
}

fn client() -> TestClient {
    TestClient::new(App::new().routes(wafer::routes![
        joined, item, greeting, create, panics, sync, tenant
    ]))
}

#[test]
fn awaited_futures_run_concurrently() {
    let response = client().get("/joined").send();
    assert_eq!(response.status(), 200);
    let body = response.json();
    assert_eq!(body["sum"], 3);
    let elapsed = body["elapsed_ms"].as_u64().expect("elapsed_ms");
    // One after the other would be 200 ms.
    assert!(
        (100..180).contains(&elapsed),
        "two 100 ms waits took {elapsed} ms"
    );
}

#[test]
fn async_dependencies_are_awaited_and_reject() {
    let client = client();
    let response = client.get("/items/7").header("x-user", "ann").send();
    assert_eq!(
        (response.status(), response.text()),
        (StatusCode::OK, "7 for ann".into())
    );
    let response = client.get("/items/7").send();
    assert_eq!(response.status(), 401);
    assert_eq!(response.json(), json!({"detail": "Not authenticated"}));
    let response = client.get("/greeting").header("x-user", "bo").send();
    assert_eq!(response.text(), "hello, bo");
    assert_eq!(
        client.get("/tenant").header("x-tenant", "t1").send().text(),
        "t1"
    );
}

#[test]
fn validation_errors_of_async_handlers_are_fastapis() {
    let client = client();
    let response = client.get("/items/abc").header("x-user", "ann").send();
    assert_eq!(response.status(), 422);
    assert_eq!(
        response.json()["detail"][0]["loc"],
        json!(["path", "item_id"])
    );
    let response = client.post("/items").json(&json!({"name": "x"})).send();
    assert_eq!(
        (response.status(), response.json()),
        (StatusCode::CREATED, json!({"name": "x"}))
    );
    let response = client.post("/items").json(&json!({})).send();
    assert_eq!(response.status(), 400);
}

#[test]
fn a_panicking_async_handler_is_a_500_and_the_app_serves_on() {
    let client = client();
    let response = client.get("/panics").send();
    assert_eq!(response.status(), 500);
    assert_eq!(response.json(), json!({"detail": "Internal Server Error"}));
    assert_eq!(client.get("/sync").send().text(), "sync");
}

#[test]
fn async_dependencies_can_be_overridden() {
    let mut client = client();
    client.override_dependency(|_| Ok(Account("test".into())));
    assert_eq!(client.get("/items/1").send().text(), "1 for test");
}
