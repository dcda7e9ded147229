//! A component built against `wasi:keyvalue@0.2.0-draft`, the version of
//! wasmtime 48's crates, not the SDK's: the host serves both. Each request
//! counts itself in the store `default` and says what it sees there.

#[cfg(target_arch = "wasm32")]
mod component {
    use wasip2::http::types::{
        Fields, IncomingRequest, OutgoingBody, OutgoingResponse, ResponseOutparam,
    };

    #[allow(missing_docs, unreachable_pub, clippy::all)]
    mod bindings {
        wit_bindgen::generate!({
            path: "../../../wasi/keyvalue-0.2.0-draft",
            world: "wasi:keyvalue/imports",
        });
    }

    use bindings::wasi::keyvalue::{atomics, batch, store};

    struct KvDraft;

    /// What the store says: `hits=N keys=[..] many=[..]`, or the error.
    fn report() -> Result<String, store::Error> {
        let bucket = store::open("default")?;
        let hits = atomics::increment(&bucket, "hits", 1)?;
        batch::set_many(
            &bucket,
            &[
                ("a".to_owned(), b"1".to_vec()),
                ("b".to_owned(), b"2".to_vec()),
            ],
        )?;
        let mut keys = Vec::new();
        let mut cursor = None;
        loop {
            let page = bucket.list_keys(cursor)?;
            keys.extend(page.keys);
            match page.cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        let many = batch::get_many(&bucket, &["a".to_owned(), "missing".to_owned()])?;
        let many: Vec<String> = many
            .into_iter()
            .map(|entry| match entry {
                Some((key, value)) => format!("{key}={}", String::from_utf8_lossy(&value)),
                None => "none".to_owned(),
            })
            .collect();
        Ok(format!("hits={hits} keys={keys:?} many={many:?}"))
    }

    impl wasip2::exports::http::incoming_handler::Guest for KvDraft {
        fn handle(_request: IncomingRequest, response_out: ResponseOutparam) {
            let text = match report() {
                Ok(text) => text,
                Err(store::Error::AccessDenied) => "denied".to_owned(),
                Err(error) => format!("error: {error:?}"),
            };
            let response = OutgoingResponse::new(Fields::new());
            let Ok(body) = response.body() else { return };
            ResponseOutparam::set(response_out, Ok(response));
            if let Ok(stream) = body.write() {
                let _ = stream.blocking_write_and_flush(text.as_bytes());
            }
            let _ = OutgoingBody::finish(body, None);
        }
    }

    wasip2::http::proxy::export!(KvDraft);
}
