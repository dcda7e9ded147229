//! One set of API docs for every component: the merged OpenAPI document, Swagger
//! UI and ReDoc, all served by the host from assets embedded in the binary.

pub mod merge;
mod ui;

use bytes::Bytes;
use http::header::{
    CONTENT_ENCODING, CONTENT_SECURITY_POLICY as CONTENT_SECURITY_POLICY_HEADER, CONTENT_TYPE,
    LOCATION, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use http::{HeaderValue, Method, Response, StatusCode};
use serde_json::Value;

use crate::manifest::{AuthSettings, DocsSettings, Manifest, SchemeSettings};
use crate::reply::Reply;

pub use merge::{ApiInfo, ComponentDoc, MergeError};

/// Merges the components' documents into the host's, with the manifest's
/// `info` and `servers`, and OAuth2 flows pointed at the host's token
/// endpoint where the host issues the tokens.
pub fn merged_document(manifest: &Manifest, documents: &[ComponentDoc]) -> anyhow::Result<Value> {
    let mut documents = documents.to_vec();
    for doc in &mut documents {
        let rate_limited = manifest.rate_limit.is_some()
            || manifest
                .components
                .iter()
                .any(|spec| spec.name == doc.name && spec.rate_limit.is_some());
        let Some(document) = doc.document.as_mut() else {
            continue;
        };
        point_flows_at_token_endpoint(document, &manifest.auth);
        if rate_limited {
            document_rate_limit(document);
        }
    }
    let info = ApiInfo {
        title: manifest.docs.title.clone(),
        version: manifest.docs.version.clone(),
        description: manifest.docs.description.clone(),
        servers: manifest.docs.servers.clone(),
    };
    Ok(merge::merge(&info, &documents)?)
}

/// Adds the host's 429 to every operation of a rate-limited component's
/// document.
fn document_rate_limit(document: &mut Value) {
    let too_many = serde_json::json!({
        "description": "Too Many Requests: the caller's rate limit is spent",
        "headers": {
            "Retry-After": {
                "description": "Seconds until the caller may send another request",
                "schema": {"type": "integer"}
            },
            "RateLimit-Limit": {"schema": {"type": "integer"}},
            "RateLimit-Remaining": {"schema": {"type": "integer"}},
            "RateLimit-Reset": {"schema": {"type": "integer"}}
        },
        "content": {"application/json": {"schema": {
            "type": "object",
            "properties": {"detail": {"type": "string"}},
            "required": ["detail"]
        }}}
    });
    let paths = document.get_mut("paths").and_then(Value::as_object_mut);
    for item in paths.into_iter().flat_map(|paths| paths.values_mut()) {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (_, key) in &wafer_contract::method::OPERATION_METHODS {
            let responses = item
                .get_mut(*key)
                .and_then(|operation| operation.get_mut("responses"))
                .and_then(Value::as_object_mut);
            if let Some(responses) = responses {
                responses.entry("429").or_insert_with(|| too_many.clone());
            }
        }
    }
}

/// Points the OAuth2 flows of schemes whose tokens the host issues at the
/// host's token endpoint, so that Swagger UI's "Authorize" logs in there.
fn point_flows_at_token_endpoint(document: &mut Value, settings: &AuthSettings) {
    let Some(endpoint) = &settings.token_endpoint else {
        return;
    };
    let Some(schemes) = document
        .pointer_mut("/components/securitySchemes")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    for (name, scheme) in schemes {
        if settings.schemes.get(name) != Some(&SchemeSettings::IssuedHere) {
            continue;
        }
        let flows = scheme.get_mut("flows").and_then(Value::as_object_mut);
        for flow in flows.into_iter().flat_map(|flows| flows.values_mut()) {
            if let Some(flow) = flow.as_object_mut()
                && flow.contains_key("tokenUrl")
            {
                flow.insert("tokenUrl".into(), Value::String(endpoint.path.clone()));
            }
        }
    }
}

/// Refuses what is not an OpenAPI 3 document.
pub fn checked(document: Value) -> anyhow::Result<Value> {
    let version = document
        .get("openapi")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !version.starts_with("3.") {
        anyhow::bail!("its document is not OpenAPI 3 (no \"openapi\": \"3.x\" field)");
    }
    if document
        .get("paths")
        .is_some_and(|paths| !paths.is_object())
    {
        anyhow::bail!("its document's \"paths\" is not an object");
    }
    Ok(document)
}

/// Serves the docs pages and the document.
pub struct Docs {
    document: Bytes,
    title: String,
    openapi_path: Option<String>,
    swagger_path: Option<String>,
    redoc_path: Option<String>,
    swagger_config: std::sync::Arc<utoipa_swagger_ui::Config<'static>>,
}

impl Docs {
    /// Docs for this merged document, at the manifest's paths.
    pub fn new(document: &Value, settings: &DocsSettings) -> Docs {
        let openapi_path = settings.openapi.clone();
        let swagger_config = utoipa_swagger_ui::Config::new([openapi_path
            .clone()
            .unwrap_or_else(|| "/openapi.json".to_owned())]);
        Docs {
            document: Bytes::from(document.to_string()),
            title: settings.title.clone(),
            openapi_path,
            swagger_path: settings.swagger_ui.clone(),
            redoc_path: settings.redoc.clone(),
            swagger_config: std::sync::Arc::new(swagger_config),
        }
    }

    /// The answer if `path` is one of the docs' paths.
    pub fn respond(&self, method: &Method, path: &str) -> Option<Reply> {
        if method != Method::GET && method != Method::HEAD {
            return None;
        }
        if self.openapi_path.as_deref() == Some(path) {
            return Some(file(self.document.clone(), "application/json", false));
        }
        if let Some(base) = &self.swagger_path {
            if path == base {
                return Some(redirect(&format!("{base}/")));
            }
            if let Some(tail) = path
                .strip_prefix(base.as_str())
                .and_then(|tail| tail.strip_prefix('/'))
            {
                return ui::swagger(tail, &self.swagger_config)
                    .map(|(bytes, content_type, gzipped)| file(bytes, &content_type, gzipped));
            }
        }
        if let Some(base) = &self.redoc_path {
            if path == base {
                let openapi = self.openapi_path.as_deref().unwrap_or("/openapi.json");
                return Some(file(
                    ui::redoc_page(&self.title, openapi, base),
                    "text/html; charset=utf-8",
                    false,
                ));
            }
            if path == format!("{base}/{}", ui::REDOC_SCRIPT) {
                return Some(file(ui::redoc_js(), "text/javascript", false));
            }
        }
        None
    }

    /// The paths the docs claim, for start-up messages.
    pub fn paths(&self) -> Vec<&str> {
        [&self.openapi_path, &self.swagger_path, &self.redoc_path]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect()
    }
}

/// What the embedded pages may load and do: their own files, inline styles
/// (both UIs style elements inline), images and fonts from `data:`, calls to
/// this host ("Try it out"), ReDoc's search worker from a `blob:`; no
/// framing by any site (clickjacking), no plugins, no other base or form
/// targets.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; \
    connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; \
    form-action 'self'; frame-ancestors 'none'";

fn file(bytes: Bytes, content_type: &str, gzipped: bool) -> Reply {
    let mut response = Response::new(bytes);
    protect(&mut response);
    if let Ok(value) = HeaderValue::from_str(content_type) {
        response.headers_mut().insert(CONTENT_TYPE, value);
    }
    if gzipped {
        response
            .headers_mut()
            .insert(CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    response
}

/// The docs' answers may be framed by no site, and run only what the policy
/// allows.
fn protect(response: &mut Reply) {
    let headers = response.headers_mut();
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(
        CONTENT_SECURITY_POLICY_HEADER,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
}

fn redirect(location: &str) -> Reply {
    let mut response = Response::new(Bytes::new());
    protect(&mut response);
    *response.status_mut() = StatusCode::PERMANENT_REDIRECT;
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(LOCATION, value);
    }
    response
}
