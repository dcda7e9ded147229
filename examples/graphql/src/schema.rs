//! The GraphQL schema: books and authors, read from and added to the
//! [`Library`].
//!
//! ```graphql
//! type Book { id: ID!, title: String!, author: Author! }
//! type Author { id: ID!, name: String!, books: [Book!]! }
//! type Query { books: [Book!]!, book(id: ID!): Book, authors: [Author!]! }
//! type Mutation { addBook(title: String!, authorName: String!): Book! }
//! ```
//!
//! async-graphql requires resolvers and their context to be `Send + Sync`; a
//! component's store handle is neither (an instance has one thread). So the
//! handler lends the request's [`Library`] to the thread for the time the
//! operation runs ([`lend`]), and resolvers borrow it from there.

use std::cell::RefCell;

use async_graphql::{EmptySubscription, ErrorExtensions, ID, Object, Schema};
use wafer::kv::StoreError;

use crate::library::{AuthorRecord, BookRecord, Library};

/// The schema this component serves.
pub type LibrarySchema = Schema<Query, Mutation, EmptySubscription>;

/// The deepest selection an operation may have. The introspection query
/// GraphiQL sends (graphql-js's `getIntrospectionQuery`), the deepest one a
/// client sends in practice, needs 15 (measured against this schema).
pub const MAX_DEPTH: usize = 16;

/// The most fields an operation may select, counting each field of a list
/// once. The same introspection query has a complexity of 226.
pub const MAX_COMPLEXITY: usize = 500;

/// The longest title and author's name `addBook` accepts, in characters.
pub const MAX_TITLE: usize = 200;
/// See [`MAX_TITLE`].
pub const MAX_NAME: usize = 100;

/// The schema, with its limits: an operation nested deeper than
/// [`MAX_DEPTH`] or more complex than [`MAX_COMPLEXITY`] is refused before
/// any resolver runs.
pub fn schema() -> LibrarySchema {
    Schema::build(Query, Mutation, EmptySubscription)
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
        .finish()
}

thread_local! {
    static LENT: RefCell<Option<Library>> = const { RefCell::new(None) };
}

/// The library lent to this thread until it is dropped.
#[must_use = "the library is lent only while the guard lives"]
pub struct Lent(());

/// Lends `library` to the resolvers that run on this thread.
pub fn lend(library: Library) -> Lent {
    LENT.with(|lent| *lent.borrow_mut() = Some(library));
    Lent(())
}

impl Drop for Lent {
    fn drop(&mut self) {
        LENT.with(|lent| *lent.borrow_mut() = None);
    }
}

/// Runs `read` on the lent library; a store failure is logged and becomes an
/// "Internal error" for the client, which must not see the store's details.
fn with_library<T>(
    read: impl FnOnce(&Library) -> Result<T, StoreError>,
) -> async_graphql::Result<T> {
    LENT.with(|lent| match lent.borrow().as_ref() {
        Some(library) => read(library).map_err(|error| {
            eprintln!("graphql: the store failed: {error}");
            internal()
        }),
        None => {
            eprintln!("graphql: a resolver ran with no library lent");
            Err(internal())
        }
    })
}

fn internal() -> async_graphql::Error {
    async_graphql::Error::new("Internal error").extend_with(|_, e| e.set("code", "INTERNAL"))
}

fn bad_input(message: String) -> async_graphql::Error {
    async_graphql::Error::new(message).extend_with(|_, e| e.set("code", "BAD_USER_INPUT"))
}

/// A book.
pub struct Book(BookRecord);

#[Object]
impl Book {
    /// Its id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Its title.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// Who wrote it.
    async fn author(&self) -> async_graphql::Result<Author> {
        let id = self.0.author_id;
        with_library(|library| {
            library
                .author(id)?
                .ok_or_else(|| StoreError::Corrupt(format!("the author {id} is not stored")))
        })
        .map(Author)
    }
}

/// An author.
pub struct Author(AuthorRecord);

#[Object]
impl Author {
    /// Their id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Their name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// What they wrote, in the order the books were added.
    async fn books(&self) -> async_graphql::Result<Vec<Book>> {
        let books = with_library(|library| library.books_by(self.0.id))?;
        Ok(books.into_iter().map(Book).collect())
    }
}

/// What can be read.
pub struct Query;

#[Object]
impl Query {
    /// Every book, in the order they were added.
    async fn books(&self) -> async_graphql::Result<Vec<Book>> {
        Ok(with_library(Library::books)?
            .into_iter()
            .map(Book)
            .collect())
    }

    /// The book with this id, or null if there is none.
    async fn book(&self, id: ID) -> async_graphql::Result<Option<Book>> {
        // An id that is not a number names no book.
        let Ok(id) = id.parse::<i64>() else {
            return Ok(None);
        };
        Ok(with_library(|library| library.book(id))?.map(Book))
    }

    /// Every author, in the order they were added.
    async fn authors(&self) -> async_graphql::Result<Vec<Author>> {
        Ok(with_library(Library::authors)?
            .into_iter()
            .map(Author)
            .collect())
    }
}

/// What can be changed.
pub struct Mutation;

#[Object]
impl Mutation {
    /// Add a book by the author of this name, who is added too if the
    /// library has no author of that name.
    async fn add_book(&self, title: String, author_name: String) -> async_graphql::Result<Book> {
        check_text("title", &title, MAX_TITLE)?;
        check_text("authorName", &author_name, MAX_NAME)?;
        let book = with_library(|library| library.add_book(&title, &author_name))?;
        Ok(Book(book))
    }
}

/// A title or name must have something to read and be of a sensible length.
fn check_text(argument: &str, text: &str, max: usize) -> async_graphql::Result<()> {
    if text.trim().is_empty() {
        return Err(bad_input(format!("{argument} must not be blank")));
    }
    let length = text.chars().count();
    if length > max {
        return Err(bad_input(format!(
            "{argument} must have at most {max} characters, not {length}"
        )));
    }
    Ok(())
}
