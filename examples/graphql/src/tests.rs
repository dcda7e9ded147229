//! The library against an in-memory store, and the pure parts of GraphQL
//! over HTTP.

use http::HeaderMap;
use serde_json::{Value, json};
use wafer::testing::{TestClient, TestResponse};

use super::app;
use crate::over_http::Format;

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json; charset=utf-8";
const JSON: &str = "application/json; charset=utf-8";

fn post(client: &TestClient, body: &Value) -> TestResponse {
    client
        .post("/graphql")
        .header("accept", "application/graphql-response+json")
        .json(body)
        .send()
}

fn query(client: &TestClient, query: &str) -> TestResponse {
    post(client, &json!({ "query": query }))
}

fn add_book(client: &TestClient, title: &str, author: &str) -> Value {
    let response = post(
        client,
        &json!({
            "query": "mutation Add($title: String!, $author: String!) {
                addBook(title: $title, authorName: $author) { id title author { id name } }
            }",
            "variables": {"title": title, "author": author},
        }),
    );
    assert_eq!(response.status(), 200, "{}", response.text());
    response.json()["data"]["addBook"].clone()
}

#[test]
fn mutations_persist_and_queries_follow_references() {
    let client = TestClient::new(app());
    assert_eq!(
        add_book(&client, "Dune", "Frank Herbert"),
        json!({"id": "1", "title": "Dune", "author": {"id": "1", "name": "Frank Herbert"}})
    );
    add_book(&client, "The Left Hand of Darkness", "Ursula K. Le Guin");
    // The same name is the same author.
    assert_eq!(
        add_book(&client, "Children of Dune", "Frank Herbert")["author"]["id"],
        "1"
    );

    let authors = query(
        &client,
        "{ authors { id name books { title author { name } } } }",
    );
    assert_eq!(authors.header("content-type"), Some(GRAPHQL_RESPONSE));
    assert_eq!(
        authors.json(),
        json!({"data": {"authors": [
            {"id": "1", "name": "Frank Herbert", "books": [
                {"title": "Dune", "author": {"name": "Frank Herbert"}},
                {"title": "Children of Dune", "author": {"name": "Frank Herbert"}},
            ]},
            {"id": "2", "name": "Ursula K. Le Guin", "books": [
                {"title": "The Left Hand of Darkness", "author": {"name": "Ursula K. Le Guin"}},
            ]},
        ]}})
    );
    assert_eq!(
        query(&client, "{ books { id } }").json(),
        json!({"data": {"books": [{"id": "1"}, {"id": "2"}, {"id": "3"}]}})
    );
    assert_eq!(
        query(&client, r#"{ a: book(id: "2") { title } b: book(id: "9") { title } c: book(id: "x") { title } }"#).json(),
        json!({"data": {"a": {"title": "The Left Hand of Darkness"}, "b": null, "c": null}})
    );

    // GET runs queries, with variables and an operation name.
    let fetched = client
        .get("/graphql?query=query%20One(%24id%3A%20ID!)%20%7B%20book(id%3A%20%24id)%20%7B%20title%20%7D%20%7D&variables=%7B%22id%22%3A%221%22%7D&operationName=One")
        .send();
    assert_eq!(
        (fetched.status().as_u16(), fetched.header("content-type")),
        (200, Some(JSON))
    );
    assert_eq!(fetched.json(), json!({"data": {"book": {"title": "Dune"}}}));
}

#[test]
fn bad_input_to_a_resolver_is_a_field_error() {
    let client = TestClient::new(app());
    let long = "x".repeat(201);
    for (title, message) in [
        ("  ", "title must not be blank"),
        (
            long.as_str(),
            "title must have at most 200 characters, not 201",
        ),
    ] {
        let response = post(
            &client,
            &json!({
                "query": "mutation($t: String!) { addBook(title: $t, authorName: \"A\") { id } }",
                "variables": {"t": title},
            }),
        );
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.json(),
            json!({"data": null, "errors": [{
                "message": message,
                "locations": [{"line": 1, "column": 25}],
                "path": ["addBook"],
                "extensions": {"code": "BAD_USER_INPUT"},
            }]})
        );
    }
    assert_eq!(
        query(&client, "{ books { id } }").json(),
        json!({"data": {"books": []}})
    );
}

#[test]
fn requests_that_are_not_graphql_are_refused_with_errors() {
    let client = TestClient::new(app());
    let cases: Vec<(TestResponse, u16, &str)> = vec![
        (query(&client, "{ books { id "), 400, "expected selection_set"),
        (query(&client, "{ books { isbn } }"), 400, "Unknown field \"isbn\""),
        (post(&client, &json!({"variables": {}})), 400, "missing field `query`"),
        (post(&client, &json!({"query": 1})), 400, "invalid type: integer `1`"),
        (
            post(&client, &json!({"query": "{ books { id } }", "variables": []})),
            400,
            "invalid type: sequence",
        ),
        (
            client.post("/graphql").body("{ books { id } }").send(),
            415,
            "must be JSON",
        ),
        (
            client.post("/graphql").header("content-type", "application/json").body("{").send(),
            400,
            "not a GraphQL request",
        ),
        (
            client.get("/graphql?query=mutation%20%7B%20addBook(title%3A%22a%22%2C%20authorName%3A%22b%22)%20%7B%20id%20%7D%20%7D").send(),
            405,
            "mutations need POST",
        ),
        (client.get("/graphql").send(), 400, "no `query` parameter"),
        (
            client.get("/graphql?query=%7Bbooks%7Bid%7D%7D&query=x").send(),
            400,
            "more than once",
        ),
        (
            client.get("/graphql?query=%7Bbooks%7Bid%7D%7D&variables=%5B%5D").send(),
            400,
            "`variables` is not a JSON object",
        ),
        (
            client.get("/graphql?query=%7Bbooks%7Bid%7D%7D").header("accept", "text/html").send(),
            406,
            "accept application/graphql-response+json",
        ),
    ];
    for (response, status, message) in cases {
        let body = response.json();
        assert_eq!(response.status(), status, "{body}");
        let errors = body["errors"].as_array().cloned().unwrap_or_default();
        assert!(
            errors.len() == 1
                && errors[0]["message"]
                    .as_str()
                    .is_some_and(|m| m.contains(message)),
            "{body} should say {message:?}"
        );
        assert!(body.get("data").is_none(), "{body} has data");
    }
    let refused = client.get("/graphql?query=mutation%7Bx%7D").send();
    assert_eq!(refused.header("allow"), Some("POST"));
}

#[test]
fn a_plain_json_client_gets_request_errors_with_200() {
    let client = TestClient::new(app());
    let response = client
        .post("/graphql")
        .json(&json!({"query": "{ books { isbn } }"}))
        .send();
    assert_eq!(
        (response.status().as_u16(), response.header("content-type")),
        (200, Some(JSON))
    );
    assert!(response.json().get("data").is_none());
    assert!(response.json()["errors"][0]["message"].is_string());
}

#[test]
fn deep_or_complex_operations_are_refused_before_they_run() {
    let client = TestClient::new(app());
    // 17 levels: one more than the limit.
    let deep = format!(
        "{{ books {} id {} }}",
        "{ author { books ".repeat(8),
        "} } ".repeat(8)
    );
    let refused = query(&client, &deep);
    assert_eq!(refused.status(), 400);
    assert_eq!(
        refused.json()["errors"][0]["message"],
        "Query is nested too deep."
    );

    let aliases: String = (0..600).map(|i| format!("b{i}: books {{ id }} ")).collect();
    let refused = query(&client, &format!("{{ {aliases} }}"));
    assert_eq!(refused.status(), 400);
    assert_eq!(
        refused.json()["errors"][0]["message"],
        "Query is too complex."
    );

    // A document nested far past anything sensible is refused by the parser.
    let absurd = format!("{}{}", "{ books ".repeat(5_000), "}".repeat(5_000));
    assert_eq!(query(&client, &absurd).status(), 400);
}

#[test]
fn introspection_fits_the_limits() {
    let client = TestClient::new(app());
    let response = query(&client, include_str!("introspection.graphql"));
    assert_eq!(response.status(), 200, "{}", response.text());
    let types = response.json()["data"]["__schema"]["types"].clone();
    let names: Vec<&str> = types
        .as_array()
        .map(|types| types.iter().filter_map(|t| t["name"].as_str()).collect())
        .unwrap_or_default();
    for name in ["Book", "Author", "Query", "Mutation"] {
        assert!(names.contains(&name), "{name} missing from {names:?}");
    }
}

#[test]
fn graphiql_is_served_from_the_component() {
    let client = TestClient::new(app());
    let page = client.get("/graphql/graphiql").send();
    assert_eq!(page.status(), 200);
    assert!(page.text().contains("/graphql/graphiql/graphiql.min.js"));
    assert!(
        page.header("content-security-policy")
            .is_some_and(|p| p.contains("script-src 'self'"))
    );
    let script = client.get("/graphql/graphiql/graphiql.min.js").send();
    assert_eq!(
        script.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert!(script.bytes().len() > 1_000_000);
    assert_eq!(
        client.get("/graphql/graphiql/secrets.js").send().status(),
        404
    );
}

#[test]
fn accept_negotiation() {
    let negotiate = |accept: Option<&str>| {
        let mut headers = HeaderMap::new();
        if let Some(accept) = accept {
            headers.insert("accept", accept.parse().expect("a header value"));
        }
        Format::negotiate(&headers)
    };
    assert_eq!(negotiate(None), Some(Format::Json));
    assert_eq!(negotiate(Some("*/*")), Some(Format::Json));
    assert_eq!(negotiate(Some("application/json")), Some(Format::Json));
    assert_eq!(
        negotiate(Some("application/graphql-response+json, application/json")),
        Some(Format::GraphQlResponse)
    );
    assert_eq!(
        negotiate(Some("application/json, application/graphql-response+json")),
        Some(Format::Json)
    );
    assert_eq!(
        negotiate(Some(
            "application/json;q=0.9, application/graphql-response+json"
        )),
        Some(Format::GraphQlResponse)
    );
    assert_eq!(negotiate(Some("application/json;q=0")), None);
    assert_eq!(negotiate(Some("text/html")), None);
}
