//! The books and their authors, kept in a key-value store.
//!
//! Keys, with ids padded so that keys sort as ids do:
//!
//! | key                    | value                                   |
//! |------------------------|-----------------------------------------|
//! | `book:<id>`            | a [`BookRecord`] as JSON                |
//! | `author:<id>`          | an [`AuthorRecord`] as JSON             |
//! | `author-name:<name>`   | the id of the author of that name       |
//! | `author-books:<id>`    | the ids of the author's books, as JSON  |
//! | `next-book-id`, `next-author-id` | the counters ids come from    |
//!
//! Writes that two requests could race on go through the store's
//! compare-and-swap, so concurrent `addBook`s neither create one author twice
//! nor lose a book from an author's list.

use serde::{Deserialize, Serialize};
use wafer::Store;
use wafer::kv::StoreError;

/// A book as it is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookRecord {
    /// Its id, from the store's counter.
    pub id: i64,
    /// Its title.
    pub title: String,
    /// The id of its author.
    pub author_id: i64,
}

/// An author as it is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorRecord {
    /// Their id, from the store's counter.
    pub id: i64,
    /// Their name, unique in the library.
    pub name: String,
}

/// How often a compare-and-swap is retried before the write gives up: only
/// as many concurrent writers as this can lose the race to each other.
const ATTEMPTS: usize = 64;

const BOOK: &str = "book:";
const AUTHOR: &str = "author:";
const AUTHOR_NAME: &str = "author-name:";
const AUTHOR_BOOKS: &str = "author-books:";
const NEXT_BOOK_ID: &str = "next-book-id";
const NEXT_AUTHOR_ID: &str = "next-author-id";

fn key(prefix: &str, id: i64) -> String {
    format!("{prefix}{id:020}")
}

/// The library in one store.
pub struct Library {
    store: Store,
}

impl Library {
    /// The library kept in `store`.
    pub fn new(store: Store) -> Library {
        Library { store }
    }

    /// Every book, by id.
    pub fn books(&self) -> Result<Vec<BookRecord>, StoreError> {
        self.all(BOOK)
    }

    /// The book with this id, if there is one.
    pub fn book(&self, id: i64) -> Result<Option<BookRecord>, StoreError> {
        self.store.get_json(&key(BOOK, id))
    }

    /// Every author, by id.
    pub fn authors(&self) -> Result<Vec<AuthorRecord>, StoreError> {
        self.all(AUTHOR)
    }

    /// The author with this id, if there is one.
    pub fn author(&self, id: i64) -> Result<Option<AuthorRecord>, StoreError> {
        self.store.get_json(&key(AUTHOR, id))
    }

    /// The books of the author with this id, in the order they were added.
    pub fn books_by(&self, author_id: i64) -> Result<Vec<BookRecord>, StoreError> {
        let ids: Vec<i64> = self
            .store
            .get_json(&key(AUTHOR_BOOKS, author_id))?
            .unwrap_or_default();
        let mut books = Vec::with_capacity(ids.len());
        for id in ids {
            books.push(self.book(id)?.ok_or_else(|| missing("book", id))?);
        }
        Ok(books)
    }

    /// Adds a book by the author of this name, adding the author if the
    /// library has none of that name.
    pub fn add_book(&self, title: &str, author_name: &str) -> Result<BookRecord, StoreError> {
        let author_id = self.author_named(author_name)?;
        let book = BookRecord {
            id: self.store.increment(NEXT_BOOK_ID, 1)?,
            title: title.to_owned(),
            author_id,
        };
        self.store.set_json(&key(BOOK, book.id), &book)?;
        self.update(&key(AUTHOR_BOOKS, author_id), |ids: &mut Vec<i64>| {
            ids.push(book.id);
        })?;
        Ok(book)
    }

    /// The id of the author of this name, added if there is none.
    ///
    /// The author's record is written before the name points to it, so that a
    /// book never refers to an author that is not there; when another request
    /// claims the name first, the record written here is deleted again.
    fn author_named(&self, name: &str) -> Result<i64, StoreError> {
        let name_key = format!("{AUTHOR_NAME}{name}");
        if let Some(id) = self.store.get_json::<i64>(&name_key)? {
            return Ok(id);
        }
        let author = AuthorRecord {
            id: self.store.increment(NEXT_AUTHOR_ID, 1)?,
            name: name.to_owned(),
        };
        let record_key = key(AUTHOR, author.id);
        self.store.set_json(&record_key, &author)?;
        if self
            .store
            .compare_and_swap(&name_key, None, author.id.to_string().as_bytes())?
        {
            return Ok(author.id);
        }
        self.store.delete(&record_key)?;
        self.store
            .get_json::<i64>(&name_key)?
            .ok_or_else(|| StoreError::Corrupt(format!("{name_key:?} was claimed, then lost")))
    }

    /// Changes the JSON value of `key` with `change`, atomically.
    fn update<T>(&self, key: &str, change: impl Fn(&mut T)) -> Result<(), StoreError>
    where
        T: Default + Serialize + serde::de::DeserializeOwned,
    {
        for _ in 0..ATTEMPTS {
            let old = self.store.get(key)?;
            let mut value: T = match &old {
                None => T::default(),
                Some(bytes) => serde_json::from_slice(bytes).map_err(|error| {
                    StoreError::Corrupt(format!("the value of {key:?} is not valid: {error}"))
                })?,
            };
            change(&mut value);
            let new = serde_json::to_vec(&value)
                .map_err(|error| StoreError::Other(format!("cannot encode {key:?}: {error}")))?;
            if self.store.compare_and_swap(key, old.as_deref(), &new)? {
                return Ok(());
            }
        }
        Err(StoreError::Other(format!(
            "{key:?} changed under {ATTEMPTS} attempts to update it"
        )))
    }

    /// Every record under `prefix`, by id.
    fn all<T: serde::de::DeserializeOwned>(&self, prefix: &str) -> Result<Vec<T>, StoreError> {
        let mut keys: Vec<String> = self
            .store
            .all_keys()?
            .into_iter()
            .filter(|key| key.starts_with(prefix))
            .collect();
        // Each backend lists keys in its own order (Redis in none).
        keys.sort_unstable();
        let mut records = Vec::with_capacity(keys.len());
        for key in keys {
            // A key deleted since the listing is skipped.
            if let Some(record) = self.store.get_json(&key)? {
                records.push(record);
            }
        }
        Ok(records)
    }
}

fn missing(what: &str, id: i64) -> StoreError {
    StoreError::Corrupt(format!("the {what} {id} is referred to but not stored"))
}
