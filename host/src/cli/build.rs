//! Building components: each one's `build` command, run in the manifest's
//! folder, its output passed through, and one line per component with the
//! size of its `.wasm` and the time it took.
//!
//! A build runs in a process group of its own, killed when the build is
//! dropped: a `wafer dev` or `wafer build` that stops (Ctrl-C, SIGTERM)
//! leaves no cargo running behind it.

use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
use wafer_host::manifest::{ComponentSpec, Manifest};

/// How one build went.
pub(crate) struct Built {
    /// The command's exit status.
    pub(crate) status: ExitStatus,
    /// How long it ran.
    pub(crate) elapsed: Duration,
    /// The first line of its output that reports an error (cargo's
    /// `error[E0425]: ...`), if any.
    pub(crate) first_error: Option<String>,
}

impl Built {
    /// What to say about a failed build in one line.
    pub(crate) fn failure(&self) -> String {
        match &self.first_error {
            Some(line) => line.clone(),
            None => format!("the build command failed ({})", self.status),
        }
    }
}

/// The folder a manifest's `build` commands run in: its own.
pub(crate) fn manifest_folder(manifest_path: &Path) -> PathBuf {
    manifest_path
        .parent()
        .filter(|folder| !folder.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_owned()
}

/// Runs `spec`'s build command in `folder`, its output passed on to this
/// process's (standard error line by line, to find the first error).
pub(crate) async fn build_one(spec: &ComponentSpec, folder: &Path) -> anyhow::Result<Built> {
    let Some(command) = &spec.build else {
        bail!("component {:?} has no build command", spec.name);
    };
    let started = Instant::now();
    let mut child = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .current_dir(folder)
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .with_context(|| format!("component {:?}: cannot run `{command}`", spec.name))?;
    let mut group = GroupGuard(child.id());
    let mut first_error = None;
    if let Some(stderr) = child.stderr.take() {
        let mut lines = BufReader::new(stderr).lines();
        let mut out = tokio::io::stderr();
        while let Ok(Some(line)) = lines.next_line().await {
            if first_error.is_none() && is_error_line(&line) {
                first_error = Some(line.trim().to_owned());
            }
            let _ = out.write_all(format!("{line}\n").as_bytes()).await;
        }
    }
    let status = child
        .wait()
        .await
        .with_context(|| format!("component {:?}: `{command}` did not finish", spec.name))?;
    group.0 = None;
    Ok(Built {
        status,
        elapsed: started.elapsed(),
        first_error,
    })
}

/// Whether a line of a build's output reports an error: cargo's and
/// rustc's start `error:` or `error[E...]:`.
fn is_error_line(line: &str) -> bool {
    let line = line.trim_start();
    line.starts_with("error:") || line.starts_with("error[")
}

/// Kills the process group it names when dropped before the build ended.
struct GroupGuard(Option<u32>);

impl Drop for GroupGuard {
    fn drop(&mut self) {
        if let Some(pid) = self.0.and_then(|pid| libc::pid_t::try_from(pid).ok()) {
            // SAFETY: `killpg` only sends a signal; the group is the build's
            // own (`process_group(0)`), led by the shell we started.
            unsafe {
                libc::killpg(pid, libc::SIGTERM);
            }
        }
    }
}

/// `wafer build`: builds every component with a `build` command, one line
/// each, and a summary; stops at the first that fails, with its error.
pub(crate) async fn build_all(manifest: &Manifest, manifest_path: &Path) -> anyhow::Result<()> {
    let folder = manifest_folder(manifest_path);
    let started = Instant::now();
    let mut built = 0;
    let mut bytes = 0;
    for spec in manifest
        .components
        .iter()
        .filter(|spec| spec.build.is_some())
    {
        eprintln!("building {}", spec.name);
        let outcome = build_one(spec, &folder).await?;
        if !outcome.status.success() {
            bail!(
                "component {:?}: the build failed after {:.1} s: {}",
                spec.name,
                outcome.elapsed.as_secs_f64(),
                outcome.failure()
            );
        }
        let size = std::fs::metadata(&spec.source).map(|m| m.len()).ok();
        bytes += size.unwrap_or(0);
        built += 1;
        eprintln!(
            "   built {} in {:.1} s: {} ({})",
            spec.name,
            outcome.elapsed.as_secs_f64(),
            spec.source.display(),
            size.map_or_else(|| "missing: check `source`".to_owned(), human_size),
        );
    }
    eprintln!(
        "built {built} component{} in {:.1} s ({})",
        if built == 1 { "" } else { "s" },
        started.elapsed().as_secs_f64(),
        human_size(bytes)
    );
    Ok(())
}

/// `1536` as `1.5 KiB`.
pub(crate) fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_read_them() {
        assert_eq!(human_size(512), "512 B");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(3 * 1024 * 1024), "3.0 MiB");
    }

    #[test]
    fn cargos_errors_are_found() {
        assert!(is_error_line(
            "error[E0425]: cannot find value `x` in this scope"
        ));
        assert!(is_error_line("error: could not compile `hello` (lib)"));
        assert!(!is_error_line("warning: unused variable"));
        assert!(!is_error_line("   Compiling hello v0.1.0"));
    }
}
