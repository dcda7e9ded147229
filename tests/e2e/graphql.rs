//! The graphql example (`examples/graphql`) over real HTTP: queries and
//! mutations that persist across a restart, the GraphQL-over-HTTP
//! specification's statuses and error bodies (and graphql-http's audit of
//! them), the limits, the document, and the same data as its Strawberry twin.
//! GraphiQL in Chromium is in `browser.rs`.

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

use crate::support::client::Reply;
use crate::support::python::python;
use crate::support::{Server, run_tool, wasm, workspace};

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json; charset=utf-8";

/// `wafer serve` of the graphql component alone, its stores in `data`.
fn library(data: &Path) -> Server {
    let folder = tempfile::tempdir().expect("temporary folder");
    let manifest = folder.path().join("wafer.toml");
    std::fs::write(
        &manifest,
        format!(
            "[[component]]\nname = \"graphql\"\nroute = \"/graphql/...\"\nsource = {:?}\n\
             key_value_stores = [\"library\"]\npre_initialize = true\n",
            wasm("graphql")
        ),
    )
    .expect("write the manifest");
    Server::wafer(&[
        manifest.to_str().expect("UTF-8 path"),
        "--data-dir",
        data.to_str().expect("UTF-8 path"),
    ])
}

/// The Strawberry twin under uvicorn, its database in `data`.
fn twin(data: &Path) -> Server {
    let mut command = Command::new(python());
    command
        .current_dir(workspace().join("examples/graphql"))
        .env("LIBRARY_DB", data.join("library.sqlite3"))
        .args(["-m", "uvicorn", "fastapi_app:app"])
        .args(["--host", "127.0.0.1", "--port", "0"]);
    Server::start(command, "Uvicorn running on ")
        .unwrap_or_else(|log| panic!("the Strawberry twin did not start:\n{log}"))
}

/// `POST /graphql` of `body`, accepting `accept`.
fn post(server: &Server, accept: &str, body: &Value) -> Reply {
    server.send(
        "POST",
        "/graphql",
        &[("content-type", "application/json"), ("accept", accept)],
        body.to_string().as_bytes(),
    )
}

fn operation(server: &Server, query: &str, variables: Value) -> Reply {
    post(
        server,
        "application/graphql-response+json",
        &json!({"query": query, "variables": variables}),
    )
}

const ADD_BOOK: &str = "mutation Add($title: String!, $author: String!) {
    addBook(title: $title, authorName: $author) { id title author { id name } }
}";

const NESTED: &str = "{ authors { id name books { id title author { name } } } }";

#[test]
fn mutations_persist_across_a_restart() {
    let data = tempfile::tempdir().expect("temporary folder");
    let mut server = library(data.path());
    let added = operation(
        &server,
        ADD_BOOK,
        json!({"title": "Dune", "author": "Frank Herbert"}),
    );
    assert_eq!(
        (added.status, added.header("content-type")),
        (200, Some(GRAPHQL_RESPONSE))
    );
    assert_eq!(
        added.body,
        r#"{"data":{"addBook":{"id":"1","title":"Dune","author":{"id":"1","name":"Frank Herbert"}}}}"#
    );
    operation(
        &server,
        ADD_BOOK,
        json!({"title": "Children of Dune", "author": "Frank Herbert"}),
    );
    operation(
        &server,
        ADD_BOOK,
        json!({"title": "The Dispossessed", "author": "Ursula K. Le Guin"}),
    );
    server.terminate();

    let server = library(data.path());
    let fetched = server
        .get("/graphql?query=%7B%20authors%20%7B%20name%20books%20%7B%20title%20%7D%20%7D%20%7D");
    assert_eq!(
        (fetched.status, fetched.header("content-type")),
        (200, Some("application/json; charset=utf-8"))
    );
    assert_eq!(
        fetched.json(),
        json!({"data": {"authors": [
            {"name": "Frank Herbert", "books": [{"title": "Dune"}, {"title": "Children of Dune"}]},
            {"name": "Ursula K. Le Guin", "books": [{"title": "The Dispossessed"}]},
        ]}})
    );
    let one = operation(
        &server,
        "query($id: ID!) { book(id: $id) { title author { name } } }",
        json!({"id": "3"}),
    );
    assert_eq!(
        one.body,
        r#"{"data":{"book":{"title":"The Dispossessed","author":{"name":"Ursula K. Le Guin"}}}}"#
    );
}

#[test]
fn requests_errors_and_limits_get_the_specifications_answers() {
    let data = tempfile::tempdir().expect("temporary folder");
    let server = library(data.path());
    let deep = format!(
        "{{ books {} id {} }}",
        "{ author { books ".repeat(8),
        "} } ".repeat(8)
    );
    let aliases: String = (0..600).map(|i| format!("b{i}: books {{ id }} ")).collect();
    let graphql = "application/graphql-response+json";
    let cases: [(Reply, u16, &str); 8] = [
        (
            post(&server, graphql, &json!({"query": "{ books { isbn } }"})),
            400,
            r#"{"errors":[{"message":"Unknown field \"isbn\" on type \"Book\".","locations":[{"line":1,"column":11}]}]}"#,
        ),
        (
            post(&server, graphql, &json!({"query": deep})),
            400,
            r#"{"errors":[{"message":"Query is nested too deep."}]}"#,
        ),
        (
            post(&server, graphql, &json!({"query": format!("{{ {aliases} }}")})),
            400,
            r#"{"errors":[{"message":"Query is too complex."}]}"#,
        ),
        (
            post(&server, graphql, &json!({"query": "query($id: ID!) { book(id: $id) { id } }", "variables": {"id": true}})),
            400,
            r#"{"errors":[{"message":"Invalid value for argument \"id\", expected type \"ID\"","locations":[{"line":1,"column":24}]}]}"#,
        ),
        (
            post(&server, graphql, &json!({"query": ["{ books { id } }"]})),
            400,
            r#"{"errors":[{"message":"the body is not a GraphQL request: invalid type: sequence, expected a string at line 1 column 9"}]}"#,
        ),
        (
            server.send("POST", "/graphql", &[("content-type", "text/plain")], b"{ books { id } }"),
            415,
            r#"{"errors":[{"message":"a GraphQL POST body must be JSON, sent as `content-type: application/json`"}]}"#,
        ),
        (
            server.get("/graphql?query=mutation%20%7B%20addBook(title%3A%22a%22%2C%20authorName%3A%22b%22)%20%7B%20id%20%7D%20%7D"),
            405,
            r#"{"errors":[{"message":"mutations need POST: a GET must not change anything"}]}"#,
        ),
        (
            server.send("GET", "/graphql?query=%7Bbooks%7Bid%7D%7D", &[("accept", "text/html")], b""),
            406,
            r#"{"errors":[{"message":"accept application/graphql-response+json or application/json"}]}"#,
        ),
    ];
    for (reply, status, body) in cases {
        assert_eq!((reply.status, reply.body.as_str()), (status, body));
    }
    // A resolver's error is a field error: 200, `data` null, the path named.
    let blank = operation(&server, ADD_BOOK, json!({"title": " ", "author": "A"}));
    assert_eq!(
        (blank.status, blank.json()),
        (
            200,
            json!({"data": null, "errors": [{
                "message": "title must not be blank",
                "locations": [{"line": 2, "column": 5}],
                "path": ["addBook"],
                "extensions": {"code": "BAD_USER_INPUT"},
            }]})
        )
    );
    // Nothing of the refused operations ran.
    assert_eq!(
        operation(&server, "{ books { id } }", json!({})).body,
        r#"{"data":{"books":[]}}"#
    );
    // A plain JSON client gets its request errors with a 200, as the
    // specification says for application/json.
    let plain = post(
        &server,
        "application/json",
        &json!({"query": "{ books { isbn } }"}),
    );
    assert_eq!(
        (plain.status, plain.header("content-type")),
        (200, Some("application/json; charset=utf-8"))
    );
    // A huge document is refused by the host's body limit, by its length,
    // before any of it is read (sent as headers alone: a client still
    // writing the body when the host answers and closes gets a broken pipe).
    let huge = crate::support::client::raw(
        &server.url,
        "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
         Content-Length: 2000000\r\n\r\n",
    );
    assert!(huge.starts_with("HTTP/1.1 413"), "{huge}");
}

/// graphql-http (the GraphQL foundation's reference implementation of the
/// specification) audits the endpoint: every audit, MUST, SHOULD and MAY,
/// passes.
#[test]
fn the_graphql_over_http_audit_passes() {
    let data = tempfile::tempdir().expect("temporary folder");
    let server = library(data.path());
    let scripts = crate::browser::node_scripts();
    let audited = run_tool(
        Command::new("node")
            .arg(scripts.join("graphql-audit.mjs"))
            .arg(format!("{}/graphql", server.url)),
    );
    if let Err(report) = audited {
        panic!("graphql-http's audit failed:\n{report}");
    }
}

#[test]
fn the_strawberry_twin_answers_with_the_same_data() {
    let data = tempfile::tempdir().expect("temporary folder");
    let (wafer, twin) = (library(data.path()), twin(data.path()));
    let books = [
        ("Dune", "Frank Herbert"),
        ("The Left Hand of Darkness", "Ursula K. Le Guin"),
        ("Children of Dune", "Frank Herbert"),
        ("A Wizard of Earthsea", "Ursula K. Le Guin"),
        ("Kindred", "Octavia E. Butler"),
    ];
    for (title, author) in books {
        let variables = json!({"title": title, "author": author});
        let (ours, theirs) = (
            operation(&wafer, ADD_BOOK, variables.clone()),
            operation(&twin, ADD_BOOK, variables),
        );
        assert_eq!((ours.status, ours.json()), (theirs.status, theirs.json()));
    }
    let queries = [
        (NESTED, json!({})),
        (
            "{ books { id title author { id name books { title } } } }",
            json!({}),
        ),
        (
            "query($id: ID!) { book(id: $id) { title } }",
            json!({"id": "4"}),
        ),
        (
            "query($id: ID!) { book(id: $id) { title } }",
            json!({"id": "99"}),
        ),
        (
            "query($id: ID!) { book(id: $id) { title } }",
            json!({"id": "x"}),
        ),
        ("{ a: books { id } b: authors { name } }", json!({})),
        (
            "{ __type(name: \"Book\") { name fields { name type { kind ofType { name } } } } }",
            json!({}),
        ),
    ];
    for (query, variables) in queries {
        let (ours, theirs) = (
            operation(&wafer, query, variables.clone()),
            operation(&twin, query, variables),
        );
        assert_eq!(ours.status, 200, "{query}: {}", ours.body);
        assert_eq!(ours.json(), theirs.json(), "{query}");
    }
    // Errors: the same refusals, in each server's own words.
    for query in ["{ books { isbn } }", "{ books { id "] {
        let (ours, theirs) = (
            post(&wafer, "application/json", &json!({"query": query})),
            post(&twin, "application/json", &json!({"query": query})),
        );
        for reply in [&ours, &theirs] {
            let body = reply.json();
            assert!(
                body.get("data").is_none_or(Value::is_null),
                "{query}: {body}"
            );
            assert_eq!(
                body["errors"].as_array().map(Vec::len),
                Some(1),
                "{query}: {body}"
            );
        }
    }
}

#[test]
fn the_document_describes_the_endpoint() {
    let document = crate::examples::examples().get("/openapi.json").json();
    let post = &document["paths"]["/graphql"]["post"];
    assert_eq!(
        post["requestBody"]["content"]["application/json"]["schema"],
        json!({"$ref": "#/components/schemas/GraphQlRequestBody"})
    );
    assert_eq!(
        post["responses"]["200"]["content"]["application/graphql-response+json"]["schema"],
        json!({"$ref": "#/components/schemas/GraphQlResponseBody"})
    );
    for status in ["400", "406", "415"] {
        assert!(post["responses"][status].is_object(), "POST {status}");
    }
    let get = &document["paths"]["/graphql"]["get"];
    let parameters: Vec<&str> = get["parameters"]
        .as_array()
        .map(|list| list.iter().filter_map(|p| p["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        parameters,
        ["query", "operationName", "variables", "extensions"]
    );
    assert!(get["responses"]["405"].is_object());
    assert_eq!(
        document["components"]["schemas"]["GraphQlRequestBody"]["required"],
        json!(["query"])
    );
}
