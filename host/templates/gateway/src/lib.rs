//! An API gateway: requests passed on to one upstream service, several at
//! once, with the upstream's failures answered as a gateway answers them
//! (502, 504).
//!
//! The upstream is the environment variable `UPSTREAM`, which `wafer.toml`
//! sets; the host lets the component reach only its `allowed_outbound_hosts`.
//!
//! ```text
//! $ curl 'localhost:8080/fetch?path=/status'
//! {"status":200,"body":{...}}
//! $ curl 'localhost:8080/fanout?paths=/a,/b,/c'
//! {"results":[...],"elapsed_ms":31}
//! ```

use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::{Value, json};
use wafer::{App, Client, HttpError, Json, Query, State, get, post};

/// Where the upstream service is.
#[derive(Clone)]
pub struct Upstream(pub String);

/// One upstream path.
#[wafer::model]
#[derive(Deserialize)]
pub struct Fetch {
    /// The path to ask the upstream for, such as `/status`.
    #[field(pattern = "^/[A-Za-z0-9/_.-]{0,200}$")]
    pub path: String,
}

/// Several upstream paths.
#[wafer::model]
#[derive(Deserialize)]
pub struct Fanout {
    /// Comma-separated paths, asked for all at once (1 to 16 of them).
    #[field(pattern = "^/[A-Za-z0-9/_.-]{0,200}(,/[A-Za-z0-9/_.-]{0,200}){0,15}$")]
    pub paths: String,
}

/// Asks the upstream for `path`; its status and JSON body (or text).
async fn call(http: &Client, upstream: &Upstream, path: &str) -> Result<Value, HttpError> {
    let response = http
        .get(format!("{}{path}", upstream.0))
        .timeout(Duration::from_secs(5))
        .send()
        .await?;
    let status = response.status().as_u16();
    let text = response.text().await?;
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Ok(json!({"status": status, "body": body}))
}

/// Pass one request on.
#[get("/fetch")]
async fn fetch(
    Query(query): Query<Fetch>,
    State(upstream): State<Upstream>,
    http: Client,
) -> Result<Json<Value>, HttpError> {
    Ok(Json(call(&http, &upstream, &query.path).await?))
}

/// Pass several on at once: the answer takes as long as the slowest.
#[get("/fanout")]
async fn fanout(
    Query(query): Query<Fanout>,
    State(upstream): State<Upstream>,
    http: Client,
) -> Result<Json<Value>, HttpError> {
    let started = Instant::now();
    let calls = query
        .paths
        .split(',')
        .map(|path| call(&http, &upstream, path));
    let results = wafer::future::try_join_all(calls).await?;
    Ok(Json(json!({
        "results": results,
        "elapsed_ms": started.elapsed().as_millis() as u64,
    })))
}

/// Post a JSON body to the upstream's `/echo` and answer with its answer.
#[post("/echo")]
async fn echo(
    Json(body): Json<Value>,
    State(upstream): State<Upstream>,
    http: Client,
) -> Result<Json<Value>, HttpError> {
    let response = http
        .post(format!("{}/echo", upstream.0))
        .json(&body)
        .send()
        .await?;
    Ok(Json(response.json().await?))
}

/// The app, calling the upstream at `upstream`.
pub fn app_for(upstream: &str) -> App {
    App::new()
        .title("{{title}}")
        .version("0.1.0")
        .state(Upstream(upstream.trim_end_matches('/').to_owned()))
        .routes(wafer::routes![fetch, fanout, echo])
}

/// The app this component serves: its upstream is `UPSTREAM`.
pub fn app() -> App {
    app_for(&std::env::var("UPSTREAM").unwrap_or_else(|_| "http://127.0.0.1:8090".to_owned()))
}

wafer::export!(app());
