//! A GraphQL API on a key-value store: books and their authors, served by
//! async-graphql over HTTP as the GraphQL-over-HTTP specification says, with
//! GraphiQL in the browser.
//!
//! ```text
//! $ curl localhost:8080/graphql -H 'content-type: application/json' \
//!     -d '{"query": "mutation { addBook(title: \"Dune\", authorName: \"Frank Herbert\") { id } }"}'
//! {"data":{"addBook":{"id":"1"}}}
//! $ curl -G localhost:8080/graphql --data-urlencode 'query={ authors { name books { title } } }'
//! {"data":{"authors":[{"name":"Frank Herbert","books":[{"title":"Dune"}]}]}}
//! ```
//!
//! Open `/graphql/graphiql` in a browser to explore the schema.

use wafer::kv::{StoreError, Stores};
use wafer::{App, HttpError, Path, Response, State, get, post};

pub mod graphiql;
pub mod library;
pub mod over_http;
pub mod schema;

use library::Library;
use over_http::{GetRequest, GraphQlResponse, Operation, PostRequest};
use schema::LibrarySchema;

/// The key-value store the library is kept in, its own so that no other
/// component's keys mix with its (grant it with `key_value_stores`).
pub const STORE: &str = "library";

/// Runs `operation` against the library.
pub async fn execute(
    schema: &LibrarySchema,
    stores: &Stores,
    operation: Operation,
) -> Result<GraphQlResponse, StoreError> {
    let Operation { request, format } = operation;
    let lent = schema::lend(Library::new(stores.open(STORE)?));
    let response = schema.execute(request).await;
    drop(lent);
    Ok(GraphQlResponse { response, format })
}

/// Run a GraphQL query or mutation: `{"query": ..., "variables": ...,
/// "operationName": ...}` as JSON.
#[post("/graphql", tags = ["graphql"])]
async fn graphql_post(
    PostRequest(operation): PostRequest,
    State(schema): State<LibrarySchema>,
    stores: Stores,
) -> Result<GraphQlResponse, StoreError> {
    execute(&schema, &stores, operation).await
}

/// Run a GraphQL query from the query string (mutations need POST).
#[get("/graphql", tags = ["graphql"])]
async fn graphql_get(
    GetRequest(operation): GetRequest,
    State(schema): State<LibrarySchema>,
    stores: Stores,
) -> Result<GraphQlResponse, StoreError> {
    execute(&schema, &stores, operation).await
}

/// GraphiQL, to explore the schema and run operations in a browser.
#[get("/graphql/graphiql", tags = ["graphql"])]
fn graphiql_page() -> Response {
    graphiql::page()
}

/// One of GraphiQL's files.
#[get("/graphql/graphiql/{file}", tags = ["graphql"], responses = [404])]
fn graphiql_file(file: Path<String>) -> Result<Response, HttpError> {
    graphiql::file(&file).ok_or_else(|| HttpError::not_found("No such file"))
}

/// The app this component serves.
pub fn app() -> App {
    App::new()
        .title("Library")
        .version("0.1.0")
        .description("Books and their authors, as a GraphQL API on a key-value store.")
        .state(schema::schema())
        .routes(wafer::routes![
            graphql_post,
            graphql_get,
            graphiql_page,
            graphiql_file
        ])
}

wafer::export!(app());

#[cfg(test)]
mod tests;
