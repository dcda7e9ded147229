//! GraphiQL, the in-browser IDE for GraphQL, served from files embedded in
//! the component (vendored from npm in `assets/graphiql`, see its README),
//! so it works offline and on every host the component runs on.

use http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS};
use wafer::Response;

/// Where the page is; its files are under it.
pub const PAGE: &str = "/graphql/graphiql";

/// The endpoint the page sends operations to.
const ENDPOINT: &str = "/graphql";

/// The page may run this origin's scripts and call this origin only; React
/// sets inline styles, and GraphiQL's fonts and icons are data URLs.
const POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
                      font-src data:; img-src 'self' data:; connect-src 'self'; \
                      frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// An embedded file: its name under [`PAGE`], content type and bytes.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

macro_rules! asset {
    ($name:literal, $content_type:literal) => {
        Asset {
            name: $name,
            content_type: $content_type,
            bytes: include_bytes!(concat!("../assets/graphiql/", $name)),
        }
    };
}

const ASSETS: &[Asset] = &[
    asset!("graphiql.min.js", "text/javascript; charset=utf-8"),
    asset!("graphiql.min.css", "text/css; charset=utf-8"),
    asset!("react.production.min.js", "text/javascript; charset=utf-8"),
    asset!(
        "react-dom.production.min.js",
        "text/javascript; charset=utf-8"
    ),
    asset!("start.js", "text/javascript; charset=utf-8"),
];

/// The page.
pub fn page() -> Response {
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Library - GraphiQL</title>\n\
         <link rel=\"stylesheet\" href=\"{PAGE}/graphiql.min.css\">\n\
         <style>body {{ margin: 0; height: 100vh; }} #graphiql {{ height: 100vh; }}</style>\n\
         </head>\n<body>\n<div id=\"graphiql\">Loading GraphiQL...</div>\n\
         <script src=\"{PAGE}/react.production.min.js\"></script>\n\
         <script src=\"{PAGE}/react-dom.production.min.js\"></script>\n\
         <script src=\"{PAGE}/graphiql.min.js\"></script>\n\
         <script src=\"{PAGE}/start.js\" data-endpoint=\"{ENDPOINT}\"></script>\n\
         </body>\n</html>\n"
    );
    Response::html(html)
        .with_header(CONTENT_SECURITY_POLICY, POLICY)
        .with_header(X_CONTENT_TYPE_OPTIONS, "nosniff")
}

/// One of the page's files, if it has one of that name.
pub fn file(name: &str) -> Option<Response> {
    let asset = ASSETS.iter().find(|asset| asset.name == name)?;
    Some(
        Response::new(asset.bytes)
            .with_header(CONTENT_TYPE, asset.content_type)
            .with_header(CACHE_CONTROL, "public, max-age=3600")
            .with_header(X_CONTENT_TYPE_OPTIONS, "nosniff"),
    )
}
