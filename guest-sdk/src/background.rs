//! [`BackgroundTasks`]: work that runs after the response is sent, as in
//! FastAPI.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::rc::Rc;

use futures::FutureExt as _;
use futures::future::LocalBoxFuture;

/// One task, boxed.
pub(crate) type Task = LocalBoxFuture<'static, ()>;

/// Work to do after the response is sent: an extractor whose
/// [`spawn`](BackgroundTasks::spawn)ed futures run, one after the other, once
/// the response's body is finished, in the same instance.
///
/// They count against the request's limits: on Wafer, `cpu_ms` and
/// `timeout_ms` (from when the request came in) cover the handler, the body
/// and the tasks together, and a task still running at `timeout_ms` is
/// stopped. A task that fails (returns `Err`) is logged, with the component
/// and request id on Wafer.
///
/// As in FastAPI, where raising an `HTTPException` drops them, the tasks run
/// only after a successful response (a status below 400); after an error the
/// handler returns they are dropped, and the log says so.
///
/// ```
/// use wafer::{post, BackgroundTasks, Json};
/// use serde_json::{json, Value};
///
/// #[post("/orders", status = 202)]
/// fn order(Json(order): Json<Value>, tasks: BackgroundTasks) -> Json<Value> {
///     tasks.spawn(async move {
///         // Runs after the 202 is sent: tell the warehouse, say.
///         let _ = order;
///     });
///     Json(json!({"accepted": true}))
/// }
/// ```
#[derive(Clone, Default)]
pub struct BackgroundTasks(Rc<RefCell<Vec<Task>>>);

impl BackgroundTasks {
    /// Runs `task` after the response is sent. Its output is `()` or a
    /// `Result` whose error is logged.
    pub fn spawn<F>(&self, task: F)
    where
        F: Future + 'static,
        F::Output: TaskOutcome,
    {
        self.0
            .borrow_mut()
            .push(task.map(TaskOutcome::report).boxed_local());
    }

    /// How many tasks wait.
    pub fn len(&self) -> usize {
        self.0.borrow().len()
    }

    /// Whether none waits.
    pub fn is_empty(&self) -> bool {
        self.0.borrow().is_empty()
    }

    /// The tasks, leaving none.
    pub(crate) fn take(&self) -> Vec<Task> {
        std::mem::take(&mut self.0.borrow_mut())
    }
}

impl fmt::Debug for BackgroundTasks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BackgroundTasks({})", self.len())
    }
}

/// What a background task may give: nothing, or a `Result` whose error is
/// logged.
pub trait TaskOutcome {
    /// Reports the outcome.
    fn report(self);
}

impl TaskOutcome for () {
    fn report(self) {}
}

impl<E: fmt::Display> TaskOutcome for Result<(), E> {
    fn report(self) {
        if let Err(error) = self {
            crate::log::error(format_args!("a background task failed: {error}"));
        }
    }
}

/// Runs `tasks` one after the other. Natively, a task that panics is logged
/// and the next one runs; in a component a panic ends the instance.
pub(crate) async fn run(tasks: Vec<Task>) {
    for task in tasks {
        if std::panic::AssertUnwindSafe(task)
            .catch_unwind()
            .await
            .is_err()
        {
            crate::log::error(format_args!("a background task panicked"));
        }
    }
}
