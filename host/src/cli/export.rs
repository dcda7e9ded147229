//! `wafer export spin`: writes the Spin files of a manifest
//! ([`wafer_host::export::spin`] makes them) and says what Spin does
//! differently.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::Subcommand;
use wafer_host::export::spin::{self, Folders, SpinApp};
use wafer_host::manifest::{Manifest, StoreKind, VariablesFile, variable_values};

/// What `wafer export` writes.
#[derive(Subcommand)]
pub(crate) enum ExportCommand {
    /// Write a spin.toml (and the runtime-config.toml its stores need) for
    /// the manifest's components, and say what Spin does differently.
    Spin {
        /// The manifest [default: wafer.toml].
        #[arg(default_value = "wafer.toml")]
        manifest: PathBuf,
        /// The folder to write to [default: the manifest's].
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Variable values for what Spin cannot template (a Redis URL); the
        /// environment's WAFER_VARIABLE_<NAME> comes first.
        #[arg(long, env = "WAFER_VARIABLES_FILE")]
        variables_file: Option<PathBuf>,
    },
}

/// The first line of what this command writes: a `spin.toml` without it is
/// someone else's, and is not overwritten.
const WRITTEN_BY: &str = "# Written by `wafer export spin`";

/// Runs `wafer export ...`.
pub(crate) fn run(command: ExportCommand) -> anyhow::Result<()> {
    let ExportCommand::Spin {
        manifest: manifest_path,
        output,
        variables_file,
    } = command;
    let manifest = Manifest::load(&manifest_path)?;
    let manifest_folder = std::path::absolute(crate::cli::build::manifest_folder(&manifest_path))
        .context("cannot find the current folder")?;
    let output = match output {
        Some(output) => std::path::absolute(output).context("cannot find the current folder")?,
        None => manifest_folder.clone(),
    };
    let values = store_variable_values(&manifest, variables_file.as_deref())?;
    let app = spin::export(
        &manifest,
        &Folders {
            manifest: &manifest_folder,
            output: &output,
        },
        &values,
    )
    .map_err(|message| anyhow::anyhow!("{}: {message}", manifest_path.display()))?;
    write(&app, &output)?;
    report(&app, &output, manifest.components.len());
    Ok(())
}

/// The values of the variables the stores' URLs name (the only ones the
/// export needs: Spin resolves the others itself).
fn store_variable_values(
    manifest: &Manifest,
    variables_file: Option<&Path>,
) -> anyhow::Result<BTreeMap<String, String>> {
    let named: BTreeMap<_, _> = manifest
        .stores
        .values()
        .filter_map(|spec| match &spec.kind {
            StoreKind::Redis { url } => Some(url.variables()),
            _ => None,
        })
        .flatten()
        .filter_map(|name| Some((name.to_owned(), manifest.variables.get(name)?.clone())))
        .collect();
    if named.is_empty() {
        return Ok(BTreeMap::new());
    }
    let file = variables_file
        .map(VariablesFile::read)
        .transpose()
        .map_err(anyhow::Error::msg)?;
    variable_values(&named, &|name| std::env::var(name).ok(), file.as_ref())
        .map_err(anyhow::Error::msg)
}

/// Writes `spin.toml` and `runtime-config.toml` into `output`.
fn write(app: &SpinApp, output: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(output)
        .with_context(|| format!("cannot create {}", output.display()))?;
    let spin_toml = output.join("spin.toml");
    if let Ok(existing) = std::fs::read_to_string(&spin_toml)
        && !existing.starts_with(WRITTEN_BY)
    {
        bail!(
            "{} exists and was not written by `wafer export spin`: move it, or export to \
             another folder with -o",
            spin_toml.display()
        );
    }
    std::fs::write(&spin_toml, &app.manifest)
        .with_context(|| format!("cannot write {}", spin_toml.display()))?;
    let config = output.join("runtime-config.toml");
    match &app.runtime_config {
        Some(text) => write_private(&config, text, app.runtime_config_is_secret)?,
        None => {
            // An earlier export's runtime config would no longer fit.
            if std::fs::read_to_string(&config).is_ok_and(|text| text.starts_with(WRITTEN_BY)) {
                std::fs::remove_file(&config)
                    .with_context(|| format!("cannot remove {}", config.display()))?;
            }
        }
    }
    Ok(())
}

/// Writes `text` to `path`, readable by its owner only when `secret`.
fn write_private(path: &Path, text: &str, secret: bool) -> anyhow::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let text = format!("{WRITTEN_BY}: Spin's settings for the stores.\n{text}");
    // Not world-readable from its first byte: the mode is set at creation,
    // and an existing file is replaced, not rewritten in place.
    let _ = std::fs::remove_file(path);
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(if secret { 0o600 } else { 0o644 })
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.write_all(text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Says what was written, how to run it, and what Spin does differently.
fn report(app: &SpinApp, output: &Path, components: usize) {
    let spin_toml = output.join("spin.toml");
    println!("wrote {} ({components} components)", spin_toml.display());
    let mut up = format!("spin up -f {}", spin_toml.display());
    if app.runtime_config.is_some() {
        let config = output.join("runtime-config.toml");
        println!(
            "wrote {}{}",
            config.display(),
            if app.runtime_config_is_secret {
                " (it holds a secret: readable by you only)"
            } else {
                ""
            }
        );
        up.push_str(&format!(" --runtime-config-file {}", config.display()));
    }
    println!("\nrun it with:\n  {up}");
    if !app.notes.is_empty() {
        println!("\nnot carried over:");
        for note in &app.notes {
            println!("  - {note}");
        }
    }
}
