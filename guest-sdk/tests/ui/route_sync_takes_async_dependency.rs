use wafer::extract::{Argument, FromRequestAsync, Rejection};
use wafer::{get, RequestContext};

struct Account;

impl FromRequestAsync for Account {
    async fn from_request_async(_: &RequestContext<'_>, _: &Argument) -> Result<Self, Rejection> {
        Ok(Account)
    }
}

#[get("/me")]
fn me(_account: Account) -> &'static str {
    "me"
}

fn main() {}
