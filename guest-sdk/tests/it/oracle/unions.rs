//! The routes of `oracle_app.py` for discriminated unions.

use serde::{Deserialize, Serialize};
use wafer::{App, Json, post};

#[wafer::literal]
#[derive(Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
enum EmailTag {
    Email,
}

#[wafer::literal]
#[derive(Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
enum PhoneTag {
    Phone,
}

#[wafer::literal]
#[derive(Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
enum PostTag {
    Post,
    Mail,
}

#[wafer::model]
#[derive(Deserialize, Serialize)]
struct EmailContact {
    r#type: EmailTag,
    #[field(pattern = r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")]
    email: String,
}

#[wafer::model]
#[derive(Deserialize, Serialize)]
struct PhoneContact {
    r#type: PhoneTag,
    #[field(min_length = 7, max_length = 15)]
    phone: String,
}

#[wafer::model]
#[derive(Deserialize, Serialize)]
struct PostContact {
    r#type: PostTag,
    address: String,
}

#[wafer::union(discriminator = "type")]
enum Contact {
    Email(EmailContact),
    Phone(PhoneContact),
    Post(PostContact),
}

#[wafer::model]
#[derive(Deserialize, Serialize)]
struct Contacted {
    name: String,
    contact: Contact,
    backup: Option<Contact>,
    #[serde(default)]
    others: Vec<Contact>,
}

#[post("/types/union")]
fn union_body(body: Json<Contacted>) -> Json<Contacted> {
    body
}

/// `app` with the routes of the unions.
pub(super) fn routes(app: App) -> App {
    app.routes(wafer::routes![union_body])
}
