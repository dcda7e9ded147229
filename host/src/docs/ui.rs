//! The two docs UIs: Swagger UI from the `utoipa-swagger-ui` crate (its
//! `vendored` feature packs the files at build time, with no download) and
//! ReDoc's standalone bundle from the npm package `redoc`, vendored in
//! `host/assets/redoc`.

use std::sync::{Arc, OnceLock};

use bytes::Bytes;

/// The ReDoc script's file name under the ReDoc path.
pub(super) const REDOC_SCRIPT: &str = "redoc.standalone.js";

/// ReDoc 2.5.4's standalone bundle, as vendored.
const REDOC_BUNDLE: &str = include_str!("../../assets/redoc/redoc.standalone.js");

/// The one address the bundle fetches by itself: the "API docs by Redocly"
/// logo. It is replaced by an inline image so the page loads nothing from the
/// internet.
const REDOC_LOGO: &str = "https://cdn.redoc.ly/redoc/logo-mini.svg";
const INLINE_LOGO: &str =
    "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='1' height='1'/%3E";

/// The ReDoc script as served.
pub(super) fn redoc_js() -> Bytes {
    static SCRIPT: OnceLock<Bytes> = OnceLock::new();
    SCRIPT
        .get_or_init(|| Bytes::from(REDOC_BUNDLE.replace(REDOC_LOGO, INLINE_LOGO)))
        .clone()
}

/// A Swagger UI file: its bytes, content type, and whether they are gzipped.
pub(super) fn swagger(
    tail: &str,
    config: &Arc<utoipa_swagger_ui::Config<'static>>,
) -> Option<(Bytes, String, bool)> {
    match utoipa_swagger_ui::serve(tail, config.clone()) {
        Ok(Some(file)) => Some((
            Bytes::from(file.bytes.into_owned()),
            file.content_type,
            file.gzpipped,
        )),
        Ok(None) => None,
        Err(error) => {
            tracing::error!("cannot serve Swagger UI's {tail}: {error}");
            None
        }
    }
}

/// The ReDoc page for the document at `openapi`.
pub(super) fn redoc_page(title: &str, openapi: &str, base: &str) -> Bytes {
    let escape = |text: &str| {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    Bytes::from(format!(
        "<!DOCTYPE html>\n<html>\n<head>\n<title>{title} - ReDoc</title>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <style>body {{ margin: 0; padding: 0; }}</style>\n</head>\n<body>\n\
         <redoc spec-url=\"{openapi}\"></redoc>\n<script src=\"{base}/{REDOC_SCRIPT}\"></script>\n</body>\n</html>\n",
        title = escape(title),
        openapi = escape(openapi),
        base = escape(base),
    ))
}
