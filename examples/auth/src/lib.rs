//! Security at the edge: public, bearer-protected, scope-protected and
//! API-key-protected routes. The schemes are declared here, as types; the
//! Wafer host checks them before this component runs (`examples/wafer.toml`
//! configures them and serves the token endpoint), and the handlers receive
//! the verified identity.
//!
//! ```text
//! $ curl localhost:8080/account/public
//! {"message":"anyone may read this"}
//! $ TOKEN=$(curl -s localhost:8080/token -d grant_type=password -d username=alice -d password=wonderland | jq -r .access_token)
//! $ curl localhost:8080/account/me -H "authorization: Bearer $TOKEN"
//! {"sub":"alice","scopes":["reports:read"]}
//! ```

use serde::Serialize;
use wafer::security::{Identity, Scheme, SecurityScheme};
use wafer::{App, Json, get};

/// OAuth2 bearer tokens; behind Wafer, from the host's token endpoint.
pub struct OAuth2;

impl SecurityScheme for OAuth2 {
    const NAME: &'static str = "oauth2";

    fn scheme() -> Scheme {
        Scheme::oauth2_password("/token")
            .client_credentials("/token")
            .scope("reports:read", "Read reports")
            .scope("admin", "Administer accounts")
            .description("Log in with a username and password, or as a client.")
    }
}

/// API keys for machines, in the `x-api-key` header.
pub struct ApiKey;

impl SecurityScheme for ApiKey {
    const NAME: &'static str = "api_key";

    fn scheme() -> Scheme {
        Scheme::api_key_header("x-api-key").description("Keys made with `wafer auth api-key`.")
    }
}

/// A message.
#[wafer::model]
#[derive(Serialize)]
pub struct Message {
    /// The message.
    pub message: String,
}

/// Who the caller is.
#[wafer::model]
#[derive(Serialize)]
pub struct Caller {
    /// The user, client or API key name.
    pub sub: String,
    /// What the credentials allow.
    pub scopes: Vec<String>,
}

/// Anyone may call this.
#[get("/account/public", tags = ["account"])]
fn public() -> Json<Message> {
    Json(Message {
        message: "anyone may read this".to_owned(),
    })
}

/// Who am I? Needs a token.
#[get("/account/me", tags = ["account"])]
fn me(user: Identity<OAuth2>) -> Json<Caller> {
    Json(Caller {
        sub: user.subject().to_owned(),
        scopes: user.scopes().to_vec(),
    })
}

/// Read the reports: needs a token with the `reports:read` scope.
#[get("/account/reports", tags = ["account"])]
fn reports(#[scopes("reports:read")] user: Identity<OAuth2>) -> Json<Message> {
    Json(Message {
        message: format!("reports for {}", user.subject()),
    })
}

/// Administer: needs a token with the `admin` scope.
#[get("/account/admin", tags = ["account"])]
fn admin(#[scopes("admin")] user: Identity<OAuth2>) -> Json<Message> {
    Json(Message {
        message: format!("{} is an administrator", user.subject()),
    })
}

/// Usage figures for machines: needs an API key.
#[get("/account/usage", tags = ["account"])]
fn usage(key: Identity<ApiKey>) -> Json<Caller> {
    Json(Caller {
        sub: key.subject().to_owned(),
        scopes: key.scopes().to_vec(),
    })
}

/// A token or an API key, either will do.
#[get("/account/whoami", tags = ["account"])]
fn whoami(caller: Identity<(OAuth2, ApiKey)>) -> Json<Caller> {
    Json(Caller {
        sub: caller.subject().to_owned(),
        scopes: caller.scopes().to_vec(),
    })
}

/// The app this component serves.
pub fn app() -> App {
    App::new()
        .title("Accounts")
        .version("0.1.0")
        .routes(wafer::routes![public, me, reports, admin, usage, whoami])
}

wafer::export!(app());

#[cfg(test)]
mod tests {
    use super::app;
    use serde_json::json;
    use wafer::testing::TestClient;

    #[test]
    fn public_routes_need_nothing_and_protected_ones_refuse_strangers() {
        let client = TestClient::new(app());
        assert_eq!(
            client.get("/account/public").send().json(),
            json!({"message": "anyone may read this"})
        );
        let refused = client.get("/account/me").send();
        assert_eq!(refused.status(), 401);
        assert_eq!(refused.json(), json!({"detail": "Not authenticated"}));
        assert_eq!(refused.header("www-authenticate"), Some("Bearer"));
        let either = client.get("/account/whoami").send();
        assert_eq!(either.header("www-authenticate"), Some("Bearer, APIKey"));
    }

    #[test]
    fn the_openapi_document_matches_its_golden_file() {
        TestClient::new(app())
            .assert_openapi_matches(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json"));
    }
}
