//! A real browser on the pages people open: the host's docs pages, and the
//! graphql example's GraphiQL. Debian's Chromium is driven by the scripts in
//! `tests/browser` (playwright-core from npm); screenshots are kept in
//! `target/e2e-artifacts/`.
//!
//! Chromium is a system package (`apt-get install chromium`); without it the
//! tests say so and pass, unless `WAFER_REQUIRE_BROWSER` is set, as `.ci/run`
//! does.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::examples::examples;
use crate::support::components::target_dir;
use crate::support::{run_tool, workspace};

/// `tests/browser`, with its npm packages installed (once per run).
pub(crate) fn node_scripts() -> &'static Path {
    static INSTALLED: OnceLock<PathBuf> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        let scripts = workspace().join("tests/browser");
        let installed = ["playwright-core", "graphql-http"]
            .iter()
            .all(|package| scripts.join("node_modules").join(package).exists());
        if !installed {
            let status = Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund"])
                .current_dir(&scripts)
                .status()
                .expect("run npm ci");
            assert!(status.success(), "npm ci in {} failed", scripts.display());
        }
        scripts
    })
}

/// The Chromium to drive, or `None` (the test is skipped) when there is none.
fn chromium() -> Option<String> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
    if Path::new(&chromium).exists() {
        return Some(chromium);
    }
    assert!(
        std::env::var_os("WAFER_REQUIRE_BROWSER").is_none(),
        "WAFER_REQUIRE_BROWSER is set but {chromium} does not exist: apt-get install chromium"
    );
    eprintln!("skipping the browser test: no Chromium at {chromium} (apt-get install chromium)");
    None
}

/// Runs `script` against the examples' host, checks that it saved
/// `screenshots`, and panics with its report if it failed.
fn browse(script: &str, screenshots: &[&str]) {
    let Some(chromium) = chromium() else {
        return;
    };
    let artifacts = target_dir().join("e2e-artifacts");
    std::fs::create_dir_all(&artifacts).expect("create the artifacts folder");
    let browsed = run_tool(
        Command::new("node")
            .arg(node_scripts().join(script))
            .arg(&examples().url)
            .arg(&artifacts)
            .env("CHROMIUM", &chromium),
    );
    if let Err(report) = browsed {
        panic!("{script} failed in Chromium:\n{report}");
    }
    for screenshot in screenshots {
        assert!(
            artifacts.join(screenshot).exists(),
            "{screenshot} was saved"
        );
    }
}

#[test]
fn the_docs_pages_work_in_a_browser() {
    browse(
        "docs.mjs",
        &[
            "docs.png",
            "docs-try-it-out.png",
            "docs-authorized.png",
            "redoc.png",
        ],
    );
}

#[test]
fn graphiql_runs_a_query_in_a_browser() {
    browse("graphiql.mjs", &["graphiql.png"]);
}
