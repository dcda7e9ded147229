//! The shop answers as its FastAPI twin: every request recorded from
//! `fastapi_app.py` (`oracle/cases.json`), replayed natively, gets FastAPI's
//! answer (`oracle/answers.json`) byte for byte.

use super::app;

#[test]
fn answers_like_fastapi() {
    let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/oracle");
    wafer::testing::fastapi::assert_answers_like_fastapi(app(), folder.as_ref());
}

#[test]
fn the_openapi_document_matches_its_golden_file() {
    wafer::testing::TestClient::new(app())
        .assert_openapi_matches(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json"));
}
