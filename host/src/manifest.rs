//! `wafer.toml`: which components to serve, where, and how to build them.
//!
//! ```toml
//! [server]
//! listen = "127.0.0.1:8080"      # optional; `--listen` overrides it
//!
//! [[component]]
//! name = "hello"                 # letters, digits, `-` and `_`
//! route = "/hello/..."           # `/x` exactly, or `/x/...` for /x and below
//! source = "target/wasm32-wasip2/release/hello.wasm"   # relative to this file
//! build = "cargo build --target wasm32-wasip2 --release -p hello"  # optional
//! ```

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use thiserror::Error;

use crate::routes::RoutePattern;

/// Where the host listens unless told otherwise.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// A problem with a manifest, naming the file and, where it applies, the field.
#[derive(Debug, Error)]
pub enum ManifestError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The manifest's path.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML or has fields of the wrong type or name.
    #[error("{path}: {message}")]
    Syntax {
        /// The manifest's path.
        path: PathBuf,
        /// The parser's explanation, with line and column.
        message: String,
    },
    /// A field's value is not acceptable.
    #[error("{path}: `{field}`: {message}")]
    Field {
        /// The manifest's path.
        path: PathBuf,
        /// The field, such as `component[1].route`.
        field: String,
        /// What is wrong and how to fix it.
        message: String,
    },
}

/// A validated manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    /// The address to listen on, if the manifest sets one.
    pub listen: Option<SocketAddr>,
    /// The components, in the order listed.
    pub components: Vec<ComponentSpec>,
}

/// One component of a manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComponentSpec {
    /// A short name, used in logs and errors.
    pub name: String,
    /// The paths it serves.
    pub route: RoutePattern,
    /// The `.wasm` file, resolved against the manifest's folder.
    pub source: PathBuf,
    /// A shell command that builds `source`, run in the manifest's folder.
    pub build: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    #[serde(default)]
    server: RawServer,
    #[serde(default)]
    component: Vec<RawComponent>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawServer {
    listen: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawComponent {
    name: String,
    route: String,
    source: PathBuf,
    build: Option<String>,
}

impl Manifest {
    /// Reads and validates a manifest file.
    pub fn load(path: &Path) -> Result<Manifest, ManifestError> {
        let text = std::fs::read_to_string(path).map_err(|source| ManifestError::Read {
            path: path.to_owned(),
            source,
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        Manifest::parse(&text, path, base)
    }

    /// Validates manifest text; `path` names it in errors and `base` is the
    /// folder relative `source` paths start from.
    pub fn parse(text: &str, path: &Path, base: &Path) -> Result<Manifest, ManifestError> {
        let raw: RawManifest = toml::from_str(text).map_err(|error| ManifestError::Syntax {
            path: path.to_owned(),
            message: error.to_string().trim_end().to_owned(),
        })?;
        let field_error = |field: String, message: String| ManifestError::Field {
            path: path.to_owned(),
            field,
            message,
        };

        let listen = raw
            .server
            .listen
            .map(|listen| {
                listen.parse::<SocketAddr>().map_err(|_| {
                    field_error(
                        "server.listen".into(),
                        format!("{listen:?} is not an address; write it as \"127.0.0.1:8080\""),
                    )
                })
            })
            .transpose()?;

        if raw.component.is_empty() {
            return Err(field_error(
                "component".into(),
                "no components: add at least one [[component]] with name, route and source".into(),
            ));
        }
        let mut names = HashSet::new();
        let mut routes: Vec<(RoutePattern, String)> = Vec::new();
        let mut components = Vec::new();
        for (index, component) in raw.component.into_iter().enumerate() {
            let field = |name: &str| format!("component[{index}].{name}");
            if !is_valid_name(&component.name) {
                return Err(field_error(
                    field("name"),
                    format!(
                        "{:?} is not a valid name: use letters, digits, '-' and '_'",
                        component.name
                    ),
                ));
            }
            if !names.insert(component.name.clone()) {
                return Err(field_error(
                    field("name"),
                    format!(
                        "{:?} is used by another component; names must be unique",
                        component.name
                    ),
                ));
            }
            let route = RoutePattern::parse(&component.route)
                .map_err(|message| field_error(field("route"), message))?;
            if let Some((_, other)) = routes.iter().find(|(existing, _)| *existing == route) {
                return Err(field_error(
                    field("route"),
                    format!(
                        "{:?} is also the route of component {other:?}",
                        component.route
                    ),
                ));
            }
            routes.push((route.clone(), component.name.clone()));
            if component.source.as_os_str().is_empty() {
                return Err(field_error(
                    field("source"),
                    "empty path: name the component's .wasm file".into(),
                ));
            }
            components.push(ComponentSpec {
                name: component.name,
                route,
                source: base.join(component.source),
                build: component.build.filter(|build| !build.trim().is_empty()),
            });
        }
        Ok(Manifest { listen, components })
    }

    /// A manifest for one `.wasm` file served at `/`, named after the file.
    pub fn single(source: &Path) -> Manifest {
        let name = source
            .file_stem()
            .map(|stem| stem.to_string_lossy().into_owned())
            .filter(|name| is_valid_name(name))
            .unwrap_or_else(|| "app".to_owned());
        Manifest {
            listen: None,
            components: vec![ComponentSpec {
                name,
                route: RoutePattern::everything(),
                source: source.to_owned(),
                build: None,
            }],
        }
    }
}

fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Manifest, ManifestError> {
        Manifest::parse(text, Path::new("wafer.toml"), Path::new("/apps"))
    }

    fn error(text: &str) -> String {
        parse(text)
            .expect_err("manifest should be refused")
            .to_string()
    }

    #[test]
    fn reads_components_and_resolves_sources() {
        let manifest = parse(
            r#"
            [server]
            listen = "127.0.0.1:9000"

            [[component]]
            name = "hello"
            route = "/hello/..."
            source = "hello.wasm"
            build = "cargo build"

            [[component]]
            name = "items"
            route = "/items"
            source = "/abs/items.wasm"
            "#,
        )
        .expect("valid manifest");
        assert_eq!(
            manifest.listen,
            Some("127.0.0.1:9000".parse().expect("address"))
        );
        assert_eq!(manifest.components.len(), 2);
        assert_eq!(manifest.components[0].source, Path::new("/apps/hello.wasm"));
        assert_eq!(manifest.components[0].build.as_deref(), Some("cargo build"));
        assert_eq!(manifest.components[1].source, Path::new("/abs/items.wasm"));
        assert_eq!(manifest.components[1].build, None);
    }

    #[test]
    fn errors_name_the_file_and_field() {
        assert_eq!(
            error("[[component]]\nname = \"a b\"\nroute = \"/\"\nsource = \"a.wasm\"\n"),
            "wafer.toml: `component[0].name`: \"a b\" is not a valid name: use letters, digits, '-' and '_'"
        );
        assert_eq!(
            error("[[component]]\nname = \"a\"\nroute = \"x\"\nsource = \"a.wasm\"\n"),
            "wafer.toml: `component[0].route`: \"x\" must start with '/'"
        );
        assert_eq!(
            error(
                "[server]\nlisten = \"localhost\"\n[[component]]\nname = \"a\"\nroute = \"/\"\nsource = \"a.wasm\"\n"
            ),
            "wafer.toml: `server.listen`: \"localhost\" is not an address; write it as \"127.0.0.1:8080\""
        );
        assert!(error("").contains("`component`: no components"));
        let duplicate = "[[component]]\nname = \"a\"\nroute = \"/x/...\"\nsource = \"a.wasm\"\n\
                         [[component]]\nname = \"b\"\nroute = \"/x/...\"\nsource = \"b.wasm\"\n";
        assert_eq!(
            error(duplicate),
            "wafer.toml: `component[1].route`: \"/x/...\" is also the route of component \"a\""
        );
        let same_name = duplicate.replace("name = \"b\"", "name = \"a\"");
        assert!(
            error(&same_name).contains("`component[1].name`: \"a\" is used by another component")
        );
    }

    #[test]
    fn unknown_and_missing_fields_are_named() {
        let unknown = error("[[component]]\nname = \"a\"\nroute = \"/\"\nsorce = \"a.wasm\"\n");
        assert!(unknown.starts_with("wafer.toml: "), "{unknown}");
        assert!(unknown.contains("unknown field `sorce`"), "{unknown}");
        let missing = error("[[component]]\nname = \"a\"\nroute = \"/\"\n");
        assert!(missing.contains("missing field `source`"), "{missing}");
    }

    #[test]
    fn a_single_file_is_served_at_the_root() {
        let manifest = Manifest::single(Path::new("out/hello.wasm"));
        assert_eq!(manifest.components[0].name, "hello");
        assert_eq!(manifest.components[0].route, RoutePattern::everything());
    }
}
