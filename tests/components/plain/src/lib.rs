//! A plain `wasi:http` component, as any other toolchain would make one: it
//! answers every request with `plain`, and has no `wafer:app/metadata` export.

#[cfg(target_arch = "wasm32")]
mod component {
    use wasip2::http::types::{
        Fields, IncomingRequest, OutgoingBody, OutgoingResponse, ResponseOutparam,
    };

    struct Plain;

    impl wasip2::exports::http::incoming_handler::Guest for Plain {
        fn handle(_request: IncomingRequest, response_out: ResponseOutparam) {
            let response = OutgoingResponse::new(Fields::new());
            let Ok(body) = response.body() else { return };
            ResponseOutparam::set(response_out, Ok(response));
            if let Ok(stream) = body.write() {
                let _ = stream.blocking_write_and_flush(b"plain");
            }
            let _ = OutgoingBody::finish(body, None);
        }
    }

    wasip2::http::proxy::export!(Plain);
}
