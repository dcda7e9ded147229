//! FastAPI's classic CRUD on a key-value store: todos in the store
//! `default` (`wasi:keyvalue`, which Wafer and Spin both give), their ids
//! from an atomic counter.
//!
//! ```text
//! $ curl -X POST localhost:8080/todos -H 'content-type: application/json' -d '{"title": "milk"}'
//! {"id":1,"title":"milk","done":false}
//! $ curl localhost:8080/todos/1
//! {"id":1,"title":"milk","done":false}
//! ```

use serde::{Deserialize, Serialize};
use wafer::http::StatusCode;
use wafer::{App, HttpError, Json, Path, Query, Store, delete, get, patch, post};

/// A todo as clients send it.
#[wafer::model]
#[derive(Deserialize)]
pub struct TodoIn {
    /// What to do.
    #[field(min_length = 1, max_length = 200)]
    pub title: String,
    /// Whether it is done.
    #[serde(default)]
    pub done: bool,
}

/// Some of a todo's fields, for `PATCH`.
#[wafer::model]
#[derive(Deserialize)]
pub struct TodoPatch {
    /// A new title.
    #[field(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    /// Done or not.
    pub done: Option<bool>,
}

/// A todo as it is stored and answered.
#[wafer::model]
#[derive(Deserialize, Serialize)]
pub struct Todo {
    /// Its id, from the store's counter.
    pub id: i64,
    /// What to do.
    pub title: String,
    /// Whether it is done.
    pub done: bool,
}

/// A page of the list.
#[wafer::model]
#[derive(Deserialize)]
pub struct Page {
    /// How many todos to skip.
    #[serde(default)]
    pub offset: usize,
    /// How many to answer.
    #[field(ge = 1, le = 100)]
    #[serde(default = "ten")]
    pub limit: usize,
}

fn ten() -> usize {
    10
}

/// The counter todo ids come from.
const NEXT_ID: &str = "next-id";
/// The prefix of the todos' keys.
const PREFIX: &str = "todo:";

/// A todo's key: its id padded, so that keys sort as ids do.
fn key(id: i64) -> String {
    format!("{PREFIX}{id:020}")
}

fn not_found() -> HttpError {
    HttpError::not_found("Todo not found")
}

/// Create a todo.
#[post("/todos", status = 201)]
fn create_todo(Json(todo): Json<TodoIn>, store: Store) -> Result<Json<Todo>, HttpError> {
    let id = store.increment(NEXT_ID, 1)?;
    let todo = Todo {
        id,
        title: todo.title,
        done: todo.done,
    };
    store.set_json(&key(id), &todo)?;
    Ok(Json(todo))
}

/// List todos, oldest first.
#[get("/todos")]
fn list_todos(Query(page): Query<Page>, store: Store) -> Result<Json<Vec<Todo>>, HttpError> {
    let mut keys: Vec<String> = store
        .all_keys()?
        .into_iter()
        .filter(|key| key.starts_with(PREFIX))
        .collect();
    // Stores list keys in their own order (Redis in none); sorted, the
    // padded ids come oldest first.
    keys.sort_unstable();
    let mut todos = Vec::new();
    for key in keys.into_iter().skip(page.offset).take(page.limit) {
        if let Some(todo) = store.get_json::<Todo>(&key)? {
            todos.push(todo);
        }
    }
    Ok(Json(todos))
}

/// Read a todo.
#[get("/todos/{todo_id}", responses = [404])]
fn read_todo(todo_id: Path<i64>, store: Store) -> Result<Json<Todo>, HttpError> {
    store
        .get_json::<Todo>(&key(*todo_id))?
        .map(Json)
        .ok_or_else(not_found)
}

/// Change some of a todo's fields.
#[patch("/todos/{todo_id}", responses = [404])]
fn update_todo(
    todo_id: Path<i64>,
    Json(changes): Json<TodoPatch>,
    store: Store,
) -> Result<Json<Todo>, HttpError> {
    let key = key(*todo_id);
    let mut todo = store.get_json::<Todo>(&key)?.ok_or_else(not_found)?;
    if let Some(title) = changes.title {
        todo.title = title;
    }
    if let Some(done) = changes.done {
        todo.done = done;
    }
    store.set_json(&key, &todo)?;
    Ok(Json(todo))
}

/// Delete a todo.
#[delete("/todos/{todo_id}", status = 204, responses = [404])]
fn delete_todo(todo_id: Path<i64>, store: Store) -> Result<StatusCode, HttpError> {
    let key = key(*todo_id);
    if !store.exists(&key)? {
        return Err(not_found());
    }
    store.delete(&key)?;
    Ok(StatusCode::NO_CONTENT)
}

/// The app this component serves.
pub fn app() -> App {
    App::new()
        .title("{{title}}")
        .version("0.1.0")
        .routes(wafer::routes![
            create_todo,
            list_todos,
            read_todo,
            update_todo,
            delete_todo
        ])
}

wafer::export!(app());
