//! The gate's table of operations: requirements, defaults, malformed
//! documents, and agreement with the SDK's router on every path.

use proptest::prelude::*;
use serde_json::json;
use wafer_contract::path::Template;

use super::*;

fn bearer(scopes: &[&str]) -> SchemeRequirement {
    SchemeRequirement {
        scheme: "bearer".into(),
        scopes: scopes.iter().map(|s| s.to_string()).collect(),
    }
}

fn found<'t>(table: &'t OperationTable, method: &Method, path: &str) -> Option<&'t Alternatives> {
    match table.find(method, path) {
        Match::Found { route, .. } => Some(route),
        _ => None,
    }
}

#[test]
fn operations_have_their_requirements_or_the_documents_default() {
    let table = OperationTable::new(&json!({
        "security": [{"bearer": []}],
        "paths": {
            "/items/{id}": {"get": {}, "delete": {"security": [{"bearer": ["admin"]}, {"key": []}]}},
            "/items/mine": {"get": {"security": [{}]}},
            "/public": {"get": {"security": []}}
        }
    }))
    .expect("a valid document");
    assert!(table.is_secured());
    assert_eq!(
        found(&table, &Method::GET, "/items/5"),
        Some(&vec![vec![bearer(&[])]])
    );
    assert_eq!(
        found(&table, &Method::HEAD, "/items/5"),
        Some(&vec![vec![bearer(&[])]])
    );
    assert_eq!(
        found(&table, &Method::DELETE, "/items/5"),
        Some(&vec![
            vec![bearer(&["admin"])],
            vec![SchemeRequirement {
                scheme: "key".into(),
                scopes: vec![]
            }]
        ])
    );
    assert_eq!(
        found(&table, &Method::GET, "/items/mine"),
        Some(&vec![vec![]])
    );
    assert_eq!(
        found(&table, &Method::GET, "/items/%6Dine"),
        Some(&vec![vec![]])
    );
    assert_eq!(found(&table, &Method::GET, "/public"), Some(&vec![vec![]]));
    assert_eq!(table.find(&Method::GET, "/nowhere"), Match::NotFound);
    assert_eq!(table.find(&Method::GET, "/items/"), Match::NotFound);
    assert_eq!(
        table.find(&Method::GET, "/items/5/"),
        Match::RedirectSlash {
            path: "/items/5".to_owned()
        }
    );
    assert!(matches!(
        table.find(&Method::PUT, "/items/5"),
        Match::MethodNotAllowed { .. }
    ));
}

#[test]
fn a_document_without_requirements_is_not_secured() {
    let table = OperationTable::new(&json!({
        "paths": {"/a": {"get": {}}, "/b": {"post": {"security": [{}]}}},
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}}
    }))
    .expect("a valid document");
    assert!(!table.is_secured());
    assert_eq!(table.schemes().count(), 0);
}

#[test]
fn malformed_security_is_refused_not_read_as_none() {
    for security in [
        json!("bearer"),
        json!([["bearer"]]),
        json!([{"bearer": "read"}]),
        json!([{"bearer": [1]}]),
    ] {
        let at_operation = json!({"paths": {"/a": {"get": {"security": security}}}});
        let error = OperationTable::new(&at_operation).expect_err("malformed");
        assert!(error.starts_with("paths./a.get.security: "), "{error}");
        let at_root = json!({"security": security, "paths": {"/a": {"get": {}}}});
        assert!(OperationTable::new(&at_root).is_err());
    }
}

#[test]
fn ambiguous_or_unservable_paths_are_refused_when_secured() {
    let secured = |paths: serde_json::Value| {
        OperationTable::new(&json!({"security": [{"bearer": []}], "paths": paths}))
    };
    let error =
        secured(json!({"/a/{x}": {"get": {}}, "/a/{y}": {"get": {}}})).expect_err("ambiguous");
    assert!(
        error.contains("GET /a/{y} matches the same paths as GET /a/{x}"),
        "{error}"
    );
    assert!(secured(json!({"/files/{name}.txt": {"get": {}}})).is_err());
    // Without security there is nothing to enforce, and nothing to refuse.
    assert!(OperationTable::new(&json!({"paths": {"/files/{name}.txt": {"get": {}}}})).is_ok());
}

/// A route that answers with its number.
struct Numbered {
    number: usize,
    method: Method,
    path: &'static str,
}

impl wafer::Route for Numbered {
    fn info(&self) -> wafer::RouteInfo {
        wafer::RouteInfo {
            method: self.method.clone(),
            path: self.path,
            name: "numbered",
            doc: "",
            status: None,
            tags: &[],
            describe: |_| {},
        }
    }

    fn call<'a>(&'a self, _: &'a wafer::RequestContext<'a>) -> wafer::Handled<'a> {
        wafer::Response::new(self.number.to_string()).into()
    }
}

/// Template segments: literals that paths spell in several ways, and
/// parameters.
fn template_segment() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["a", "b", "me", "é", "A", "{x}", "{y}", "{z}"])
}

/// Path segments: the templates' literals in other spellings (case,
/// percent-encoding), empty segments, dot segments, `;` and encoded `/`.
fn path_segment() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "a", "b", "me", "A", "%61", "%6De", "%C3%A9", "%c3%a9", "", ".", "..", "a;x", ";", "%2F",
        "a%2Fb", "1", "%20", "%", "%zz",
    ])
}

/// Methods of routes: those an OpenAPI document can hold (a route of
/// another method is not documented, and the gate refuses it).
fn route_method() -> impl Strategy<Value = Method> {
    prop::sample::select(vec![
        Method::GET,
        Method::HEAD,
        Method::POST,
        Method::DELETE,
    ])
}

/// Methods of requests: also ones no route has, in other spellings.
fn request_method() -> impl Strategy<Value = Method> {
    prop::sample::select(vec![
        Method::GET,
        Method::HEAD,
        Method::POST,
        Method::DELETE,
        Method::PUT,
        Method::from_bytes(b"get").expect("a method"),
    ])
}

fn routes() -> impl Strategy<Value = Vec<(Method, String)>> {
    let template = prop::collection::vec(template_segment(), 0..4).prop_map(|segments| {
        let mut seen = Vec::new();
        let segments: Vec<&str> = segments
            .into_iter()
            .map(|segment| {
                // A parameter appears once in a template.
                if segment.starts_with('{') && seen.contains(&segment) {
                    "b"
                } else {
                    seen.push(segment);
                    segment
                }
            })
            .collect();
        format!("/{}", segments.join("/"))
    });
    prop::collection::vec((route_method(), template), 1..8)
}

fn path() -> impl Strategy<Value = String> {
    (
        prop::bool::weighted(0.1),
        prop::collection::vec(path_segment(), 0..5),
    )
        .prop_map(|(double, segments)| {
            let slash = if double { "//" } else { "/" };
            format!("{slash}{}", segments.join("/"))
        })
}

proptest! {
    /// For any templates and any path, the gate finds the operation that the
    /// SDK serves the request with (the gate builds its table from the
    /// document the SDK generates), or both find none.
    #[test]
    fn the_gate_finds_the_route_the_sdk_serves(routes in routes(), requests in prop::collection::vec((request_method(), path()), 1..16)) {
        let mut unique: Vec<(Method, Template)> = Vec::new();
        let mut app = wafer::App::new();
        for (method, template) in routes {
            let parsed = Template::parse(&template).expect("generated templates are valid");
            if unique.iter().any(|(m, t)| *m == method && t.same_shape(&parsed)) {
                continue;
            }
            let path: &'static str = Box::leak(template.into_boxed_str());
            app = app.route(Numbered { number: unique.len(), method: method.clone(), path });
            unique.push((method, parsed));
        }
        // The document says which scheme each operation requires: the
        // operation's number.
        let mut document = app.openapi();
        for (number, (method, template)) in unique.iter().enumerate() {
            let key = wafer_contract::method::operation_key(method);
            if let Some(operation) = key.and_then(|key| document["paths"][template.as_str()].get_mut(key)) {
                operation["security"] = json!([{ format!("s{number}"): [] }]);
            }
        }
        let table = OperationTable::new(&document).expect("the SDK's document is valid");
        let client = wafer::testing::TestClient::new(app);
        for (method, path) in requests {
            let Ok(uri) = path.parse::<http::Uri>() else { continue };
            let served = client.request(method.clone(), &path).send();
            let gate = match table.find(&method, uri.path()) {
                Match::Found { route, .. } => route[0][0].scheme.trim_start_matches('s').to_owned(),
                Match::MethodNotAllowed { .. } => "405".to_owned(),
                Match::RedirectSlash { .. } => "307".to_owned(),
                Match::NotFound => "404".to_owned(),
            };
            let sdk = match served.status().as_u16() {
                200 if method == Method::HEAD => {
                    // No body: the route is the GET's or HEAD's one the gate found.
                    gate.clone()
                }
                200 => served.text(),
                status => status.to_string(),
            };
            prop_assert_eq!(&gate, &sdk, "{} {} with routes {:?}", method, path, unique);
        }
    }
}
