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
//! description = "Greetings."     # optional, for the API docs
//! allowed_outbound_hosts = ["https://api.example.com"]  # default: none
//! environment = { GREETING = "hi" }  # default: none
//! limits = { cpu_ms = 1000 }      # see `limits`
//! instance_reuse = 1             # requests one instance serves; >1 trades isolation for speed
//!
//! [docs]                         # optional; the values shown are the defaults
//! title = "Wafer"
//! version = "0.1.0"
//! description = "..."            # no default
//! servers = []                   # e.g. ["https://api.example.com"]
//! openapi = "/openapi.json"      # the merged document; `false` turns it off
//! swagger_ui = "/docs"           # `false` turns it off
//! redoc = "/redoc"               # `false` turns it off
//! strict = false                 # true: a component without a valid document stops the host
//! ```

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use thiserror::Error;

use crate::auth::settings::{AuthSettings, RawAuth};
use crate::limits::{Limits, RawLimits, RawServerLimits, ServerLimits};
use crate::routes::RoutePattern;
use crate::runtime::OutboundRule;
use crate::server::DEFAULT_HEALTH_PATH;

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
    /// The API docs.
    pub docs: DocsSettings,
    /// Security at the edge.
    pub auth: AuthSettings,
    /// Where the health check is served (`[server] health`); `None` when off.
    pub health: Option<String>,
    /// The host-wide limits of `[server]`.
    pub server_limits: ServerLimits,
}

/// The `[docs]` section: what the merged API document says about the whole
/// API, and where the host serves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocsSettings {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// `servers[].url`.
    pub servers: Vec<String>,
    /// Where the merged document is served; `None` when turned off.
    pub openapi: Option<String>,
    /// Where Swagger UI is served; `None` when turned off.
    pub swagger_ui: Option<String>,
    /// Where ReDoc is served; `None` when turned off.
    pub redoc: Option<String>,
    /// Whether a component without a valid document stops the host.
    pub strict: bool,
}

impl Default for DocsSettings {
    fn default() -> Self {
        DocsSettings {
            title: "Wafer".to_owned(),
            version: "0.1.0".to_owned(),
            description: None,
            servers: Vec::new(),
            openapi: Some("/openapi.json".to_owned()),
            swagger_ui: Some("/docs".to_owned()),
            redoc: Some("/redoc".to_owned()),
            strict: false,
        }
    }
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
    /// What the component is about, for its tag in the API docs.
    pub description: Option<String>,
    /// What one of its requests may cost.
    pub limits: Limits,
    /// Where its outbound HTTP requests may go (nowhere by default).
    pub allowed_outbound_hosts: Vec<OutboundRule>,
    /// Environment variables its instances get (none by default).
    pub environment: Vec<(String, String)>,
    /// How many requests, one after another, one instance may serve: 1 (the
    /// default) is a fresh instance per request.
    pub instance_reuse: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    #[serde(default)]
    server: RawServer,
    #[serde(default)]
    component: Vec<RawComponent>,
    #[serde(default)]
    docs: RawDocs,
    #[serde(default)]
    auth: RawAuth,
    #[serde(default)]
    limits: RawLimits,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawDocs {
    title: Option<String>,
    version: Option<String>,
    description: Option<String>,
    #[serde(default)]
    servers: Vec<String>,
    openapi: Option<PathSetting>,
    swagger_ui: Option<PathSetting>,
    redoc: Option<PathSetting>,
    #[serde(default)]
    strict: bool,
}

/// A path, or `false` to turn the page off (`true` keeps the default).
#[derive(Deserialize)]
#[serde(untagged)]
enum PathSetting {
    Path(String),
    Enabled(bool),
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawServer {
    listen: Option<String>,
    health: Option<PathSetting>,
    concurrency: Option<usize>,
    max_header_bytes: Option<usize>,
    max_headers: Option<usize>,
    header_timeout_ms: Option<u64>,
    shutdown_grace_ms: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawComponent {
    name: String,
    route: String,
    source: PathBuf,
    build: Option<String>,
    description: Option<String>,
    #[serde(default)]
    limits: RawLimits,
    #[serde(default)]
    allowed_outbound_hosts: Vec<String>,
    #[serde(default)]
    environment: std::collections::BTreeMap<String, String>,
    instance_reuse: Option<u32>,
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

        let limits = raw
            .limits
            .apply(Limits::default(), "limits")
            .map_err(|(field, message)| field_error(field, message))?;
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
                description: component.description,
                limits: component
                    .limits
                    .apply(limits, &field("limits"))
                    .map_err(|(field, message)| field_error(field, message))?,
                allowed_outbound_hosts: component
                    .allowed_outbound_hosts
                    .iter()
                    .map(|rule| OutboundRule::parse(rule))
                    .collect::<Result<_, _>>()
                    .map_err(|message| field_error(field("allowed_outbound_hosts"), message))?,
                environment: checked_environment(component.environment)
                    .map_err(|message| field_error(field("environment"), message))?,
                instance_reuse: match component.instance_reuse {
                    None => 1,
                    Some(0) => {
                        return Err(field_error(
                            field("instance_reuse"),
                            "must be at least 1 (1 is a fresh instance per request)".into(),
                        ));
                    }
                    Some(n) => n,
                },
            });
        }
        let docs =
            docs_settings(raw.docs).map_err(|(field, message)| field_error(field, message))?;
        let auth = raw
            .auth
            .validate(base)
            .map_err(|(field, message)| field_error(field, message))?;
        let health = path_setting(
            "server.health",
            raw.server.health,
            Some(DEFAULT_HEALTH_PATH.to_owned()),
        )
        .map_err(|(field, message)| field_error(field, message))?;
        let server_limits = RawServerLimits {
            concurrency: raw.server.concurrency,
            max_header_bytes: raw.server.max_header_bytes,
            max_headers: raw.server.max_headers,
            header_timeout_ms: raw.server.header_timeout_ms,
            shutdown_grace_ms: raw.server.shutdown_grace_ms,
        }
        .validate()
        .map_err(|(field, message)| field_error(field, message))?;
        Ok(Manifest {
            listen,
            components,
            docs,
            auth,
            health,
            server_limits,
        })
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
                description: None,
                limits: Limits::default(),
                allowed_outbound_hosts: Vec::new(),
                environment: Vec::new(),
                instance_reuse: 1,
            }],
            docs: DocsSettings::default(),
            auth: AuthSettings::default(),
            health: Some(DEFAULT_HEALTH_PATH.to_owned()),
            server_limits: ServerLimits::default(),
        }
    }
}

/// Environment variables for a component: names of letters, digits and `_`,
/// and none of the host's own `WAFER_*` names.
fn checked_environment(
    environment: std::collections::BTreeMap<String, String>,
) -> Result<Vec<(String, String)>, String> {
    for name in environment.keys() {
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!(
                "{name:?} is not a variable name: use letters, digits and '_'"
            ));
        }
        if name.starts_with("WAFER_") {
            return Err(format!(
                "{name:?}: names starting with WAFER_ are the host's own"
            ));
        }
    }
    Ok(environment.into_iter().collect())
}

/// A path the host serves itself, `false` to turn it off, or the default.
fn path_setting(
    field: &str,
    setting: Option<PathSetting>,
    default: Option<String>,
) -> Result<Option<String>, (String, String)> {
    match setting {
        None | Some(PathSetting::Enabled(true)) => Ok(default),
        Some(PathSetting::Enabled(false)) => Ok(None),
        Some(PathSetting::Path(path))
            if path.starts_with('/') && path.len() > 1 && !path.ends_with('/') =>
        {
            Ok(Some(path))
        }
        Some(PathSetting::Path(path)) => Err((
            field.to_owned(),
            format!(
                "{path:?} is not a usable path: write it like \"/docs\" (or false to turn it off)"
            ),
        )),
    }
}

fn docs_settings(raw: RawDocs) -> Result<DocsSettings, (String, String)> {
    let defaults = DocsSettings::default();
    let path = |name: &str, setting: Option<PathSetting>, default: Option<String>| {
        path_setting(&format!("docs.{name}"), setting, default)
    };
    let settings = DocsSettings {
        title: raw.title.unwrap_or(defaults.title),
        version: raw.version.unwrap_or(defaults.version),
        description: raw.description,
        servers: raw.servers,
        openapi: path("openapi", raw.openapi, defaults.openapi)?,
        swagger_ui: path("swagger_ui", raw.swagger_ui, defaults.swagger_ui)?,
        redoc: path("redoc", raw.redoc, defaults.redoc)?,
        strict: raw.strict,
    };
    if settings.openapi.is_none() {
        for (name, page) in [
            ("swagger_ui", &settings.swagger_ui),
            ("redoc", &settings.redoc),
        ] {
            if page.is_some() {
                return Err((
                    format!("docs.{name}"),
                    "the docs pages read the document at docs.openapi, which is turned off: \
                     turn this page off too, or serve the document"
                        .to_owned(),
                ));
            }
        }
    }
    let paths = [&settings.openapi, &settings.swagger_ui, &settings.redoc];
    for (index, path) in paths.iter().enumerate() {
        if let Some(path) = path
            && paths[..index]
                .iter()
                .any(|other| other.as_ref() == Some(path))
        {
            return Err((
                "docs".to_owned(),
                format!("{path:?} is given to two docs pages"),
            ));
        }
    }
    Ok(settings)
}

fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests;
