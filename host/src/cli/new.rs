//! `wafer new`: a project of its own, outside this repository, from one of
//! the templates in `host/templates/` (embedded in the binary).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, bail};
use clap::{Args, ValueEnum};

/// `wafer new NAME [--template api|gateway|todos]`.
#[derive(Args)]
pub(crate) struct NewArgs {
    /// The project's folder, created here; its last part is the crate's name
    /// (letters, digits, `-` and `_`).
    path: PathBuf,
    /// What the project starts as.
    #[arg(long, value_enum, default_value_t = Template::Api)]
    template: Template,
    /// Depend on the SDK sources in this folder (a checkout's `guest-sdk`)
    /// [default: the sources this `wafer` was built from].
    #[arg(long, env = "WAFER_SDK_PATH", conflicts_with = "sdk_version")]
    sdk_path: Option<PathBuf>,
    /// Depend on the published SDK instead: `wafer-sdk` at this version
    /// requirement, such as `0.1`.
    #[arg(long)]
    sdk_version: Option<String>,
}

/// The templates.
#[derive(Clone, Copy, PartialEq, Eq, Debug, ValueEnum)]
enum Template {
    /// Typed routes with FastAPI's validation and a model.
    Api,
    /// Outbound HTTP: requests passed on to an upstream, several at once.
    Gateway,
    /// CRUD on a key-value store.
    Todos,
}

/// One file of a project: where it goes, and its text before the
/// placeholders are filled in.
struct TemplateFile {
    path: &'static str,
    text: &'static str,
}

macro_rules! template_file {
    ($path:literal, $source:literal) => {
        TemplateFile {
            path: $path,
            text: include_str!(concat!("../../templates/", $source)),
        }
    };
}

/// What every project gets.
const COMMON: &[TemplateFile] = &[
    template_file!("Cargo.toml", "common/Cargo.toml"),
    template_file!(".gitignore", "common/gitignore"),
];

/// The README, whose `{{usage}}` is the template's own part.
const README: &str = include_str!("../../templates/common/README.md");

impl Template {
    /// The template's own files.
    fn files(self) -> &'static [TemplateFile] {
        match self {
            Template::Api => &[
                template_file!("src/lib.rs", "api/src/lib.rs"),
                template_file!("tests/app.rs", "api/tests/app.rs"),
                template_file!("wafer.toml", "api/wafer.toml"),
            ],
            Template::Gateway => &[
                template_file!("src/lib.rs", "gateway/src/lib.rs"),
                template_file!("tests/app.rs", "gateway/tests/app.rs"),
                template_file!("wafer.toml", "gateway/wafer.toml"),
            ],
            Template::Todos => &[
                template_file!("src/lib.rs", "todos/src/lib.rs"),
                template_file!("tests/app.rs", "todos/tests/app.rs"),
                template_file!("wafer.toml", "todos/wafer.toml"),
            ],
        }
    }

    /// What the README says about using it.
    fn usage(self) -> &'static str {
        match self {
            Template::Api => include_str!("../../templates/api/usage.md"),
            Template::Gateway => include_str!("../../templates/gateway/usage.md"),
            Template::Todos => include_str!("../../templates/todos/usage.md"),
        }
    }
}

/// Where a project finds the SDK.
#[derive(Debug, PartialEq, Eq)]
enum Sdk {
    /// The sources in this folder.
    Path(PathBuf),
    /// The published crate, at this version requirement.
    Version(String),
}

impl Sdk {
    /// The dependency line of `Cargo.toml`: the package is `wafer-sdk`, the
    /// library `wafer`.
    fn dependency(&self) -> String {
        let quoted = |text: &str| toml::Value::String(text.to_owned()).to_string();
        match self {
            Sdk::Path(path) => format!(
                "wafer = {{ package = \"wafer-sdk\", path = {} }}",
                quoted(&path.to_string_lossy())
            ),
            Sdk::Version(version) => format!(
                "wafer = {{ package = \"wafer-sdk\", version = {} }}",
                quoted(version)
            ),
        }
    }
}

/// The SDK sources this `wafer` was built from.
const BUILT_FROM: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../guest-sdk");

/// The names a package may not have: Rust's keywords and the crates every
/// program sees, and the SDK's own library name.
const RESERVED: &[&str] = &[
    "alloc",
    "as",
    "async",
    "await",
    "break",
    "const",
    "continue",
    "core",
    "crate",
    "dyn",
    "else",
    "enum",
    "extern",
    "false",
    "fn",
    "for",
    "if",
    "impl",
    "in",
    "let",
    "loop",
    "match",
    "mod",
    "move",
    "mut",
    "proc_macro",
    "pub",
    "ref",
    "return",
    "self",
    "static",
    "std",
    "struct",
    "super",
    "test",
    "trait",
    "true",
    "type",
    "unsafe",
    "use",
    "wafer",
    "wafer_sdk",
    "where",
    "while",
];

/// Writes the project.
pub(crate) fn run(args: NewArgs) -> anyhow::Result<()> {
    let name = project_name(&args.path)?;
    if args.path.symlink_metadata().is_ok() {
        bail!(
            "{} exists: `wafer new` writes a new folder; pick another name or remove it",
            args.path.display()
        );
    }
    let parent = match args.path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    };
    if !parent.is_dir() {
        bail!("{}: no such folder to create {name} in", parent.display());
    }
    check_wasm_target(&parent)?;
    let sdk = match (args.sdk_version, args.sdk_path) {
        (Some(version), _) => Sdk::Version(version),
        (None, Some(path)) => Sdk::Path(sdk_sources(&path, "--sdk-path")?),
        (None, None) => Sdk::Path(sdk_sources(
            Path::new(BUILT_FROM),
            "the sources this wafer was built from",
        )?),
    };
    let files = render(args.template, &name, &sdk);
    std::fs::create_dir(&args.path)
        .with_context(|| format!("cannot create {}", args.path.display()))?;
    if let Err(error) = write_all(&args.path, &files) {
        // Only what this command created goes.
        let _ = std::fs::remove_dir_all(&args.path);
        return Err(error);
    }
    let folder = args.path.display();
    let template = args
        .template
        .to_possible_value()
        .map(|value| value.get_name().to_owned());
    println!(
        "created {folder} (template {})",
        template.unwrap_or_default()
    );
    println!();
    println!("  cd {folder}");
    println!("  cargo test                       # the app's tests, natively");
    println!("  wafer serve --build wafer.toml   # build it to wasm, serve it on 127.0.0.1:8080");
    println!("  wafer dev                        # the same, rebuilt and reloaded as you edit");
    Ok(())
}

/// The project's name: the folder's last part, usable as a package name.
fn project_name(path: &Path) -> anyhow::Result<String> {
    let Some(name) = path.file_name().and_then(|name| name.to_str()) else {
        bail!(
            "{}: name the project's folder, such as `wafer new my-api`",
            path.display()
        );
    };
    let valid = name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !valid {
        bail!(
            "{name:?} cannot be a package name: start with a letter, then use letters, digits, \
             '-' and '_'"
        );
    }
    if RESERVED.contains(&name.replace('-', "_").as_str()) {
        bail!("{name:?} cannot be a package name: it is a keyword or a crate's name; pick another");
    }
    Ok(name.to_owned())
}

/// Fails with the command that fixes it unless the `rustc` a build in
/// `folder` would run has the `wasm32-wasip2` target.
fn check_wasm_target(folder: &Path) -> anyhow::Result<()> {
    let output = Command::new("rustc")
        .args(["--print", "sysroot"])
        .current_dir(folder)
        .output()
        .context("cannot run rustc: install Rust with rustup (https://rustup.rs)")?;
    if !output.status.success() {
        bail!(
            "rustc --print sysroot failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    let sysroot = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
    if !sysroot.join("lib/rustlib/wasm32-wasip2").is_dir() {
        bail!(
            "the wasm32-wasip2 target is not installed for the toolchain at {}: run \
             `rustup target add wasm32-wasip2`",
            sysroot.display()
        );
    }
    Ok(())
}

/// `path`, made absolute, if it holds the SDK's sources.
fn sdk_sources(path: &Path, what: &str) -> anyhow::Result<PathBuf> {
    let is_sdk = |folder: &Path| {
        std::fs::read_to_string(folder.join("Cargo.toml"))
            .ok()
            .and_then(|text| text.parse::<toml::Table>().ok())
            .and_then(|table| {
                let package = table.get("package")?.as_table()?;
                Some(package.get("name")?.as_str()? == "wafer-sdk")
            })
            .unwrap_or(false)
    };
    match path.canonicalize() {
        Ok(folder) if is_sdk(&folder) => Ok(folder),
        _ => bail!(
            "no Wafer SDK at {} ({what}): pass --sdk-path with a checkout's guest-sdk folder \
             (git clone https://github.com/wafer-rs/wafer), or --sdk-version once wafer-sdk is \
             published",
            path.display()
        ),
    }
}

/// The project's files, their placeholders filled in.
fn render(template: Template, name: &str, sdk: &Sdk) -> Vec<(&'static str, String)> {
    let crate_name = name.replace('-', "_");
    let title = title(name);
    let sdk = sdk.dependency();
    let fill = |text: &str| {
        text.replace("{{name}}", name)
            .replace("{{crate_name}}", &crate_name)
            .replace("{{title}}", &title)
            .replace("{{sdk}}", &sdk)
    };
    let mut files: Vec<_> = COMMON
        .iter()
        .chain(template.files())
        .map(|file| (file.path, fill(file.text)))
        .collect();
    files.push((
        "README.md",
        fill(&README.replace("{{usage}}", template.usage())),
    ));
    files
}

/// `my-api` as people write it: `My Api`.
fn title(name: &str) -> String {
    name.split(['-', '_'])
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn write_all(folder: &Path, files: &[(&str, String)]) -> anyhow::Result<()> {
    for (path, text) in files {
        let path = folder.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_placeholder_is_filled_and_the_files_parse() {
        for template in [Template::Api, Template::Gateway, Template::Todos] {
            let sdk = Sdk::Path(PathBuf::from("/opt/wafer \"sdk\"/guest-sdk"));
            let files = render(template, "my-api", &sdk);
            for (path, text) in &files {
                assert!(!text.contains("{{"), "{template:?} {path}: {text}");
            }
            let text = |wanted: &str| {
                files
                    .iter()
                    .find(|(path, _)| *path == wanted)
                    .map(|(_, text)| text.as_str())
                    .unwrap_or_else(|| panic!("{template:?} has no {wanted}"))
            };
            let cargo: toml::Table = text("Cargo.toml").parse().expect("Cargo.toml parses");
            assert_eq!(
                cargo["dependencies"]["wafer"]["path"].as_str(),
                Some("/opt/wafer \"sdk\"/guest-sdk")
            );
            assert_eq!(cargo["package"]["name"].as_str(), Some("my-api"));
            let manifest = wafer_host::manifest::Manifest::parse(
                text("wafer.toml"),
                Path::new("/p/wafer.toml"),
                Path::new("/p"),
            )
            .expect("wafer.toml is a manifest");
            assert_eq!(
                manifest.components[0].source,
                Path::new("/p/target/wasm32-wasip2/release/my_api.wasm")
            );
            assert!(text("tests/app.rs").contains("my_api::app"));
        }
    }

    #[test]
    fn a_published_sdk_is_a_version() {
        assert_eq!(
            Sdk::Version("0.1".into()).dependency(),
            r#"wafer = { package = "wafer-sdk", version = "0.1" }"#
        );
    }

    #[test]
    fn names_that_cannot_be_packages_are_refused() {
        for bad in ["1st", "my api", "wafer", "test", "-x", "ünï", "fn"] {
            let error = project_name(Path::new(bad)).expect_err(bad).to_string();
            assert!(error.contains("cannot be a package name"), "{bad}: {error}");
        }
        assert_eq!(
            project_name(Path::new("/tmp/my-api")).ok().as_deref(),
            Some("my-api")
        );
        assert_eq!(title("my-api_v2"), "My Api V2");
    }

    #[test]
    fn the_sdk_this_wafer_was_built_from_is_found() {
        let found = sdk_sources(Path::new(BUILT_FROM), "built").expect("the SDK");
        assert!(found.ends_with("guest-sdk"));
        let error = sdk_sources(Path::new("/nonexistent"), "--sdk-path").expect_err("none");
        assert!(error.to_string().contains("pass --sdk-path"), "{error}");
    }
}
