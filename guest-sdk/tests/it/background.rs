//! `BackgroundTasks`: run after the response, natively as in a component.

use std::cell::RefCell;
use std::rc::Rc;

use wafer::future::{Stream, stream};
use wafer::testing::TestClient;
use wafer::{App, BackgroundTasks, HttpError, State, StreamBody, get};

/// What the tasks did, in order.
#[derive(Clone, Default)]
struct Journal(Rc<RefCell<Vec<String>>>);

impl Journal {
    fn note(&self, line: &str) {
        self.0.borrow_mut().push(line.to_owned());
    }

    fn lines(&self) -> Vec<String> {
        self.0.borrow().clone()
    }
}

#[get("/ok")]
fn ok(State(journal): State<Journal>, tasks: BackgroundTasks) -> &'static str {
    let first = journal.clone();
    tasks.spawn(async move { first.note("first") });
    tasks.spawn(async { Err::<(), _>("the second fails") });
    tasks.spawn(async move {
        wafer::time::sleep(std::time::Duration::from_millis(5)).await;
        journal.note("third");
    });
    "answered"
}

#[get("/refused")]
fn refused(
    State(journal): State<Journal>,
    tasks: BackgroundTasks,
) -> Result<&'static str, HttpError> {
    tasks.spawn(async move { journal.note("must not run") });
    Err(HttpError::forbidden("no"))
}

#[get("/streamed")]
fn streamed(
    State(journal): State<Journal>,
    tasks: BackgroundTasks,
) -> StreamBody<impl Stream<Item = Result<&'static str, String>>> {
    tasks.spawn(async move { journal.note("after the stream") });
    StreamBody::new(stream::iter([Ok("a"), Ok("b")]))
}

fn client(journal: &Journal) -> TestClient {
    TestClient::new(
        App::new()
            .state(journal.clone())
            .routes(wafer::routes![ok, refused, streamed]),
    )
}

#[test]
fn tasks_run_in_order_after_the_response_and_a_failure_does_not_stop_the_rest() {
    let journal = Journal::default();
    let response = client(&journal).get("/ok").send();
    assert_eq!(response.text(), "answered");
    assert_eq!(journal.lines(), ["first", "third"]);
}

#[test]
fn an_error_response_drops_the_tasks() {
    let journal = Journal::default();
    assert_eq!(client(&journal).get("/refused").send().status(), 403);
    assert!(journal.lines().is_empty());
}

#[test]
fn tasks_run_after_a_streamed_body_is_finished() {
    let journal = Journal::default();
    let client = client(&journal);
    let mut stream = client.get("/streamed").stream();
    assert_eq!(stream.next_chunk().as_deref(), Some(&b"a"[..]));
    assert!(
        journal.lines().is_empty(),
        "ran before the body was finished"
    );
    assert_eq!(stream.next_chunk().as_deref(), Some(&b"b"[..]));
    assert_eq!(stream.next_chunk(), None);
    assert_eq!(journal.lines(), ["after the stream"]);
}
