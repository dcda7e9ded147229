//! A test-only component for the security gate. Its OpenAPI document
//! (`openapi.json`) requires every kind of scheme the host checks, but its
//! handler checks nothing: it answers every request 200 with what it was
//! given, `{"called": true, "path": ..., "identity": <wafer-identity or
//! null>, "secret": <whether WAFER_IDENTITY_SECRET is set>}`. So a request the
//! gate should have refused but let through is plain to see.

#[cfg(target_arch = "wasm32")]
mod component {
    use wasip2::http::types::{
        Fields, IncomingRequest, OutgoingBody, OutgoingResponse, ResponseOutparam,
    };

    struct Echo;

    impl wasip2::exports::http::incoming_handler::Guest for Echo {
        fn handle(request: IncomingRequest, response_out: ResponseOutparam) {
            let identity = request
                .headers()
                .get("wafer-identity")
                .first()
                .map(|value| format!("\"{}\"", String::from_utf8_lossy(value)))
                .unwrap_or_else(|| "null".to_owned());
            let path = request.path_with_query().unwrap_or_default();
            let secret = std::env::var("WAFER_IDENTITY_SECRET").is_ok();
            let body = format!(
                "{{\"called\":true,\"path\":\"{}\",\"identity\":{identity},\"secret\":{secret}}}",
                path.replace(['"', '\\'], "")
            );
            let headers = Fields::new();
            let _ = headers.append("content-type", b"application/json");
            let response = OutgoingResponse::new(headers);
            let Ok(outgoing) = response.body() else {
                return;
            };
            ResponseOutparam::set(response_out, Ok(response));
            if let Ok(stream) = outgoing.write() {
                for chunk in body.as_bytes().chunks(4096) {
                    let _ = stream.blocking_write_and_flush(chunk);
                }
            }
            let _ = OutgoingBody::finish(outgoing, None);
        }
    }

    wasip2::http::proxy::export!(Echo);

    wit_bindgen::generate!({
        path: "../../../guest-sdk/wit/wafer",
        world: "wafer:app/app",
    });

    struct Document;

    impl exports::wafer::app::metadata::Guest for Document {
        fn openapi() -> String {
            include_str!("../openapi.json").to_owned()
        }
    }

    export!(Document);
}
