//! An API gateway: outbound calls fanned out at once, a request passed on,
//! and the failures of upstreams answered as a gateway answers them.
//!
//! It calls the service at the environment variable `UPSTREAM` (set in the
//! manifest's `environment`; the host lets it reach only its
//! `allowed_outbound_hosts`). `python3 examples/gateway/upstream.py` is such
//! a service, on port 8090:
//!
//! ```text
//! $ curl 'localhost:8080/gateway/fanout?delays=300,300,300'
//! {"results":[{"status":200,"body":{"delay_ms":300}},...],"elapsed_ms":304}
//! $ curl -d '{"a":1}' -H 'content-type: application/json' localhost:8080/gateway/echo
//! {"a":1}
//! ```

use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::{Value, json};
use wafer::client::{ClientError, ErrorKind};
use wafer::future::{Stream, StreamExt as _, stream};
use wafer::http::StatusCode;
use wafer::{App, BackgroundTasks, Client, Event, HttpError, Json, Query, Sse, State, get, post};

/// Where the upstream service is, from `UPSTREAM`.
#[derive(Clone)]
pub struct Upstream(pub String);

/// How to fan out: the upstream delays to ask for, and a timeout for each call.
#[wafer::model]
#[derive(Deserialize)]
pub struct Fanout {
    /// Comma-separated delays in milliseconds, one upstream call each: `300,300,300`
    /// (1 to 16 of them).
    #[field(pattern = "^[0-9]{1,6}(,[0-9]{1,6}){0,15}$")]
    pub delays: String,
    /// How long each upstream call may take, in milliseconds.
    #[field(le = 600000)]
    pub timeout_ms: Option<u64>,
}

/// Calls `GET {UPSTREAM}/delay/{ms}` for each delay, all at once.
#[get("/gateway/fanout")]
async fn fanout(
    Query(query): Query<Fanout>,
    State(upstream): State<Upstream>,
    http: Client,
) -> Result<Json<Value>, HttpError> {
    // The pattern let through only numbers of up to six digits.
    let delays: Vec<u64> = query
        .delays
        .split(',')
        .filter_map(|ms| ms.parse().ok())
        .collect();
    let started = Instant::now();
    let calls = delays.iter().map(|ms| {
        let mut request = http.get(format!("{}/delay/{ms}", upstream.0));
        if let Some(timeout) = query.timeout_ms {
            request = request.timeout(Duration::from_millis(timeout));
        }
        async move {
            let response = request.send().await?;
            let status = response.status().as_u16();
            let body: Value = response.json().await?;
            Ok::<_, HttpError>(json!({"status": status, "body": body}))
        }
    });
    let results = wafer::future::try_join_all(calls).await?;
    Ok(Json(json!({
        "results": results,
        "elapsed_ms": started.elapsed().as_millis() as u64,
    })))
}

/// How long a passed-on request may take.
#[wafer::model]
#[derive(Deserialize)]
pub struct Timeout {
    /// In milliseconds.
    #[field(le = 600000)]
    pub timeout_ms: Option<u64>,
}

/// Sends the JSON body to `POST {UPSTREAM}/echo` and answers with the
/// upstream's status and JSON body.
#[post("/gateway/echo")]
async fn echo(
    Json(body): Json<Value>,
    Query(query): Query<Timeout>,
    State(upstream): State<Upstream>,
    http: Client,
) -> Result<(StatusCode, Json<Value>), HttpError> {
    let mut request = http.post(format!("{}/echo", upstream.0)).json(&body);
    if let Some(timeout) = query.timeout_ms {
        request = request.timeout(Duration::from_millis(timeout));
    }
    let response = request.send().await?;
    let status = response.status();
    Ok((status, Json(response.json().await?)))
}

/// Where to fetch from.
#[wafer::model]
#[derive(Deserialize)]
pub struct Fetch {
    /// An absolute `http` or `https` URL; the host's allowlist decides
    /// whether it may be reached.
    #[field(
        pattern = r"^https?://[A-Za-z0-9.-]+(:([0-9]{1,4}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?(/[A-Za-z0-9._~%!$&'()*+,;=:@/-]*)?(\?[A-Za-z0-9._~%!$&'()*+,;=:@/?-]*)?$"
    )]
    pub url: String,
}

/// Fetches a URL and answers with its status and body as text: what the
/// host's `allowed_outbound_hosts` allows, and nothing else.
#[get("/gateway/fetch")]
async fn fetch(Query(query): Query<Fetch>, http: Client) -> Result<Json<Value>, HttpError> {
    let response = http
        .get(&query.url)
        .timeout(Duration::from_secs(5))
        .send()
        .await?;
    let status = response.status().as_u16();
    Ok(Json(
        json!({"status": status, "body": response.text().await?}),
    ))
}

/// An order, as the gateway takes it.
#[wafer::model]
#[derive(Deserialize, serde::Serialize, Clone)]
pub struct Order {
    /// What is ordered.
    #[field(min_length = 1)]
    pub item: String,
    /// How many.
    #[field(ge = 1)]
    pub quantity: u32,
}

/// Accepts an order at once (202) and records it with the upstream's
/// `POST {UPSTREAM}/audit` after the response is sent.
#[post("/gateway/orders", status = 202)]
fn order(
    Json(order): Json<Order>,
    State(upstream): State<Upstream>,
    http: Client,
    tasks: BackgroundTasks,
) -> Json<Value> {
    let accepted = json!({"accepted": true, "item": order.item});
    tasks.spawn(audit(http, upstream, order));
    Json(accepted)
}

/// Records `order` with the upstream's audit service.
async fn audit(http: Client, upstream: Upstream, order: Order) -> Result<(), ClientError> {
    let response = http
        .post(format!("{}/audit", upstream.0))
        .json(&order)
        .timeout(Duration::from_secs(5))
        .send()
        .await?;
    if !response.status().is_success() {
        let status = response.status();
        return Err(ClientError::new(
            ErrorKind::Protocol,
            format!("the audit service answered {status}"),
        ));
    }
    Ok(())
}

/// How many events, how far apart.
#[wafer::model]
#[derive(Deserialize)]
pub struct Events {
    /// How many events to send.
    #[field(ge = 1, le = 10000)]
    #[serde(default = "five")]
    pub n: u32,
    /// Milliseconds between two events.
    #[field(le = 60000)]
    #[serde(default = "hundred")]
    pub interval_ms: u64,
}

fn five() -> u32 {
    5
}

fn hundred() -> u64 {
    100
}

/// `n` server-sent events, `data: {"i":0}` and on, the first at once and
/// then one every `interval_ms`.
#[get("/gateway/events")]
fn events(Query(query): Query<Events>) -> Sse<impl Stream<Item = Event>> {
    let interval = Duration::from_millis(query.interval_ms);
    let events = stream::iter(0..query.n).then(move |i| async move {
        if i > 0 {
            wafer::time::sleep(interval).await;
        }
        Event::default().data(json!({ "i": i }).to_string())
    });
    Sse::new(events).keep_alive(Duration::from_secs(15))
}

/// The app, calling the upstream at `upstream`.
pub fn app_for(upstream: &str) -> App {
    App::new()
        .title("Gateway")
        .version("0.1.0")
        .state(Upstream(upstream.trim_end_matches('/').to_owned()))
        .routes(wafer::routes![fanout, echo, fetch, events, order])
}

/// The app this component serves: its upstream is `UPSTREAM`.
pub fn app() -> App {
    app_for(&std::env::var("UPSTREAM").unwrap_or_else(|_| "http://127.0.0.1:8090".to_owned()))
}

wafer::export!(app());

#[cfg(test)]
mod tests;
