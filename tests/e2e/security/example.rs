//! The `auth` example behind `examples/wafer.toml`: log in at the host's
//! token endpoint, then call the routes as the handlers see it.

use serde_json::json;

use crate::examples::examples;

const API_KEY: &str = "wk_5CNKJ9oLAlO2TjHBNlcLYSJVtRM-8NDRAnoGRkVaF0A";

fn login(form: &str) -> String {
    let reply = examples().send(
        "POST",
        "/token",
        &[("content-type", "application/x-www-form-urlencoded")],
        form.as_bytes(),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    format!(
        "Bearer {}",
        reply.json()["access_token"].as_str().expect("token")
    )
}

#[test]
fn users_clients_and_keys_reach_their_routes() {
    let public = examples().get("/account/public");
    assert_eq!(public.body, r#"{"message":"anyone may read this"}"#);

    let alice = login("grant_type=password&username=alice&password=wonderland");
    let me = examples().send("GET", "/account/me", &[("authorization", &alice)], b"");
    assert_eq!(
        (me.status, me.json()),
        (200, json!({"sub": "alice", "scopes": ["reports:read"]}))
    );
    let reports = examples().send("GET", "/account/reports", &[("authorization", &alice)], b"");
    assert_eq!(reports.body, r#"{"message":"reports for alice"}"#);
    let admin = examples().send("GET", "/account/admin", &[("authorization", &alice)], b"");
    assert_eq!(
        (admin.status, admin.body.as_str()),
        (403, r#"{"detail":"Not enough permissions"}"#)
    );

    let queen = login("grant_type=password&username=queen&password=looking-glass");
    let admin = examples().send("GET", "/account/admin", &[("authorization", &queen)], b"");
    assert_eq!(admin.body, r#"{"message":"queen is an administrator"}"#);

    let client =
        login("grant_type=client_credentials&client_id=reporting&client_secret=reporting-secret");
    let me = examples().send("GET", "/account/me", &[("authorization", &client)], b"");
    // A client's token names it apart from any user.
    assert_eq!(me.json()["sub"], "client:reporting");

    let usage = examples().send("GET", "/account/usage", &[("x-api-key", API_KEY)], b"");
    assert_eq!(
        (usage.status, usage.json()),
        (
            200,
            json!({"sub": "reporting-bot", "scopes": ["usage:read"]})
        )
    );
    let whoami = examples().send("GET", "/account/whoami", &[("x-api-key", API_KEY)], b"");
    assert_eq!(whoami.json()["sub"], "reporting-bot");
    let refused = examples().get("/account/usage");
    assert_eq!(
        (refused.status, refused.header("www-authenticate")),
        (401, Some("APIKey"))
    );
}

#[test]
fn the_merged_document_declares_the_schemes_with_the_hosts_token_endpoint() {
    let document = examples().get("/openapi.json").json();
    let oauth2 = &document["components"]["securitySchemes"]["oauth2"];
    assert_eq!(oauth2["flows"]["password"]["tokenUrl"], "/token");
    assert_eq!(
        oauth2["flows"]["password"]["scopes"],
        json!({"reports:read": "Read reports", "admin": "Administer accounts"})
    );
    assert_eq!(
        document["paths"]["/account/admin"]["get"]["security"],
        json!([{"oauth2": ["admin"]}])
    );
    assert_eq!(
        document["paths"]["/account/whoami"]["get"]["security"],
        json!([{"oauth2": []}, {"api_key": []}])
    );
}
