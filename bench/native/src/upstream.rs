//! The upstream service of the benchmark's gateway cases: what
//! `examples/gateway/upstream.py` serves, async, so that it is never what
//! the gateways under test wait for.
//!
//! ```text
//! bench-upstream 127.0.0.1:18091
//! ```

use std::time::Duration;

use axum::Router;
use axum::extract::Path;
use axum::routing::{get, post};
use serde_json::{Value, json};

#[path = "serve.rs"]
mod serve;

fn main() {
    let app = Router::new()
        .route("/delay/{ms}", get(delay))
        .route("/echo", post(echo))
        .route(
            "/audit",
            post(|| async { axum::http::StatusCode::NO_CONTENT }),
        );
    serve::serve("upstream", "127.0.0.1:18091", app);
}

/// Waits `ms` (at most a minute), then says how long.
async fn delay(Path(ms): Path<u64>) -> axum::Json<Value> {
    tokio::time::sleep(Duration::from_millis(ms.min(60_000))).await;
    axum::Json(json!({ "delay_ms": ms }))
}

/// The request's JSON body, back.
async fn echo(axum::Json(body): axum::Json<Value>) -> axum::Json<Value> {
    axum::Json(body)
}
