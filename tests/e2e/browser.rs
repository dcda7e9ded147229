//! A real browser on the docs pages: Debian's Chromium driven by
//! `tests/browser/docs.mjs` (playwright-core from npm). Screenshots are kept in
//! `target/e2e-artifacts/`.
//!
//! Chromium is a system package (`apt-get install chromium`); without it the
//! test says so and passes, unless `WAFER_REQUIRE_BROWSER` is set, as `.ci/run`
//! does.

use std::path::Path;
use std::process::Command;

use crate::examples::examples;
use crate::support::components::target_dir;
use crate::support::{run_tool, workspace};

#[test]
fn the_docs_pages_work_in_a_browser() {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
    if !Path::new(&chromium).exists() {
        assert!(
            std::env::var_os("WAFER_REQUIRE_BROWSER").is_none(),
            "WAFER_REQUIRE_BROWSER is set but {chromium} does not exist: apt-get install chromium"
        );
        eprintln!(
            "skipping the browser test: no Chromium at {chromium} (apt-get install chromium)"
        );
        return;
    }
    let scripts = workspace().join("tests/browser");
    if !scripts.join("node_modules/playwright-core").exists() {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&scripts)
            .status()
            .expect("run npm ci");
        assert!(status.success(), "npm ci in {} failed", scripts.display());
    }
    let artifacts = target_dir().join("e2e-artifacts");
    std::fs::create_dir_all(&artifacts).expect("create the artifacts folder");
    let browsed = run_tool(
        Command::new("node")
            .arg(scripts.join("docs.mjs"))
            .arg(&examples().url)
            .arg(&artifacts)
            .env("CHROMIUM", &chromium),
    );
    if let Err(report) = browsed {
        panic!("the docs pages failed in Chromium:\n{report}");
    }
    for screenshot in [
        "docs.png",
        "docs-try-it-out.png",
        "docs-authorized.png",
        "redoc.png",
    ] {
        assert!(
            artifacts.join(screenshot).exists(),
            "{screenshot} was saved"
        );
    }
}
