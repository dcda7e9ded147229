//! The progress bar of a start that compiles components: drawn on standard
//! error when it is a terminal, and only once loading has taken longer than
//! [`A_MOMENT`] (a start from the cache is over before that, and prints
//! nothing).

use std::io::IsTerminal as _;
use std::sync::Arc;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use wafer_host::deployment::OnLoaded;
use wafer_host::manifest::ComponentSpec;

/// How long loading may take before the bar shows.
const A_MOMENT: Duration = Duration::from_millis(500);

/// A bar over the components of one load.
pub(crate) struct LoadProgress {
    bar: ProgressBar,
}

impl LoadProgress {
    /// A bar over `count` components, hidden until [`A_MOMENT`] has passed
    /// (and for good where standard error is not a terminal).
    pub(crate) fn start(count: usize) -> LoadProgress {
        let bar = ProgressBar::with_draw_target(
            Some(u64::try_from(count).unwrap_or(u64::MAX)),
            ProgressDrawTarget::hidden(),
        );
        if let Ok(style) = ProgressStyle::with_template(
            "{spinner} compiling components {bar:30} {pos}/{len} {elapsed} {msg}",
        ) {
            bar.set_style(style);
        }
        if std::io::stderr().is_terminal() {
            let shown = bar.clone();
            std::thread::spawn(move || {
                std::thread::sleep(A_MOMENT);
                if !shown.is_finished() {
                    shown.set_draw_target(ProgressDrawTarget::stderr());
                    shown.enable_steady_tick(Duration::from_millis(100));
                }
            });
        }
        LoadProgress { bar }
    }

    /// What the load tells as each component is ready.
    pub(crate) fn on_loaded(&self) -> OnLoaded {
        let bar = self.bar.clone();
        Arc::new(move |spec: &ComponentSpec| {
            bar.set_message(spec.name.clone());
            bar.inc(1);
        })
    }

    /// Removes the bar: the load is over.
    pub(crate) fn finish(self) {
        self.bar.finish_and_clear();
    }
}
