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
use wafer_host::manifest::Manifest;
use wafer_host::runtime::{
    Component, EngineOptions, Instance, InstancePool, RequestState, Runtime,
};
use wasmtime_wasi_http::WasiHttpView;
use wasmtime_wasi_http::p2::bindings::http::types::Scheme;

const CPU: Duration = Duration::from_secs(5);

fn hello() -> (Runtime, Component) {
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
    let runtime = Runtime::new(&EngineOptions {
        cache_dir: None,
        ..EngineOptions::default()
    })
    .expect("engine");
    let spec = &Manifest::single(&wasm).components[0];
    let component = Component::load(&runtime, spec).expect("load hello.wasm");
    (runtime, component)
}

/// Sends `GET /hello` through `instance` and returns the response body.
async fn get_hello(component: &Component, mut instance: Instance, pool: &InstancePool) -> Bytes {
    let request = http::Request::get("http://localhost/hello")
        .body(Full::new(Bytes::new()))
        .expect("request");
    let (sender, receiver) = tokio::sync::oneshot::channel();
    let incoming = instance
        .state()
        .http()
        .new_incoming_request(Scheme::Http, request)
        .expect("incoming request");
    let response_out = instance
        .state()
        .http()
        .new_response_outparam(sender)
        .expect("response outparam");
    instance
        .handle(component.pre(), incoming, response_out)
        .await
        .expect("handle");
    pool.give_back(instance);
    let response = receiver.await.expect("a response").expect("not an error");
    assert_eq!(response.status(), 200);
    response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
}

fn benchmarks(c: &mut Criterion) {
    let (runtime, component) = hello();
    let tokio = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio");
    let state = || RequestState::with_env(&[], 128 << 20, Default::default());

    let fresh = InstancePool::new(1, 0);
    c.bench_function("fresh instance, GET /hello", |b| {
        b.iter(|| {
            tokio.block_on(async {
                let instance = Instance::fresh(&runtime, state(), CPU);
                get_hello(&component, instance, &fresh).await
            })
        })
    });

    let reused = InstancePool::new(u32::MAX, 1);
    c.bench_function("reused instance, GET /hello", |b| {
        b.iter(|| {
            tokio.block_on(async {
                let instance = reused.take(CPU, || Instance::fresh(&runtime, state(), CPU));
                get_hello(&component, instance, &reused).await
            })
        })
    });

    c.bench_function("instantiation alone", |b| {
        b.iter(|| {
            tokio.block_on(async {
                let mut store = runtime.store(state(), CPU);
                component
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
