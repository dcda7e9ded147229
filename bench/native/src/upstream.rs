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

fn main() {
    let address = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:18091".to_owned());
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            std::process::exit(1);
        }
    };
    runtime.block_on(async {
        let listener = match tokio::net::TcpListener::bind(&address).await {
            Ok(listener) => listener,
            Err(error) => {
                eprintln!("error: cannot listen on {address}: {error}");
                std::process::exit(1);
            }
        };
        println!("upstream: listening on http://{address}");
        let app = Router::new()
            .route("/delay/{ms}", get(delay))
            .route("/echo", post(echo))
            .route(
                "/audit",
                post(|| async { axum::http::StatusCode::NO_CONTENT }),
            );
        if let Err(error) = axum::serve(listener, app).await {
            eprintln!("error: {error}");
        }
    });
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
