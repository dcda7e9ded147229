//! What one request costs inside the host, without HTTP: a fresh instance
//! of the `hello` example (store, instantiation, `handle`, response body),
//! the same with a reused instance, and instantiation alone.
//!
//! ```text
//! cargo build --target wasm32-wasip2 --release -p hello
//! cargo bench -p wafer-host --bench instantiate
//! ```

// `criterion_group!` generates an undocumented public function.
#![allow(missing_docs)]

use std::path::PathBuf;
use std::time::Duration;

use bytes::Bytes;
use criterion::{Criterion, criterion_group, criterion_main};
use http_body_util::{BodyExt, Full};
use wafer_host::manifest::{ComponentSpec, Manifest};
use wafer_host::runtime::{Component, EngineOptions, RequestState, Runtime};

const CPU: Duration = Duration::from_secs(5);

/// The `hello` example as the host loads it, with instances reused for up
/// to `reuse` requests.
fn hello(runtime: &Runtime, reuse: u32) -> Component {
    let wasm = std::env::var_os("WAFER_BENCH_COMPONENT")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../target/wasm32-wasip2/release/hello.wasm")
        });
    assert!(
        wasm.exists(),
        "{} is missing: cargo build --target wasm32-wasip2 --release -p hello",
        wasm.display()
    );
    let spec = ComponentSpec {
        instance_reuse: reuse,
        ..Manifest::single(&wasm).components[0].clone()
    };
    Component::load(runtime, &spec, &[]).expect("load hello.wasm")
}

/// Sends `GET /hello` to `component` through the host's per-request entry
/// point and returns the response body.
async fn get_hello(runtime: &Runtime, component: &Component) -> Bytes {
    let request = http::Request::get("http://localhost/hello")
        .body(Full::new(Bytes::new()))
        .expect("request");
    let call = component.call(runtime, request).expect("a guest call");
    call.run.await.expect("handle");
    let response = call
        .answer
        .await
        .expect("a response")
        .expect("not an error");
    assert_eq!(response.status(), 200);
    response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
}

fn benchmarks(c: &mut Criterion) {
    let runtime = Runtime::new(&EngineOptions {
        cache_dir: None,
        ..EngineOptions::default()
    })
    .expect("engine");
    let tokio = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio");

    let fresh = hello(&runtime, 1);
    c.bench_function("fresh instance, GET /hello", |b| {
        b.iter(|| tokio.block_on(get_hello(&runtime, &fresh)))
    });

    let reused = hello(&runtime, u32::MAX);
    c.bench_function("reused instance, GET /hello", |b| {
        b.iter(|| tokio.block_on(get_hello(&runtime, &reused)))
    });

    c.bench_function("instantiation alone", |b| {
        b.iter(|| {
            tokio.block_on(async {
                let state = RequestState::with_env(
                    &[],
                    128 << 20,
                    Default::default(),
                    None,
                    Default::default(),
                    Default::default(),
                );
                let mut store = runtime.store(state, CPU);
                fresh
                    .pre()
                    .instantiate_async(&mut store)
                    .await
                    .expect("instantiate")
            })
        })
    });
}

criterion_group!(benches, benchmarks);
criterion_main!(benches);
