//! `wafer.toml`: which components to serve, where, and how to build them.
//!
//! The bottom layer of the host: configuration types and their checks, and
//! nothing of the host above them.
//!
//! ```toml
//! [server]
//! listen = "127.0.0.1:8080"      # optional; `--listen` overrides it
//! trusted_proxies = ["10.0.0.0/8"]  # whose X-Forwarded-For names the client
//! tls = { cert = "cert.pem", key = "key.pem" }  # HTTPS (HTTP/2 by ALPN)
//!
//! [[component]]
//! name = "hello"                 # letters, digits, `-` and `_`
//! route = "/hello/..."           # `/x` exactly, or `/x/...` for /x and below
//! source = "target/wasm32-wasip2/release/hello.wasm"   # relative to this file
//! build = "cargo build --target wasm32-wasip2 --release -p hello"  # optional
//! watch = ["hello/src"]          # what `wafer dev` rebuilds on; default: the built crate's folder
//! description = "Greetings."     # optional, for the API docs
//! allowed_outbound_hosts = ["https://api.example.com"]  # default: none
//! environment = { GREETING = "hi" }  # default: none
//! limits = { cpu_ms = 1000 }      # see `limits`
//! key_value_stores = ["default"] # the stores it may open (see `key_value`)
//! config = { upstream = "{{ upstream_url }}" }  # what wasi:config gives it (see `variables`)
//! instance_reuse = 1             # requests one instance serves; >1 trades isolation for speed
//! requires_auth = true           # its document must declare security, or the host does not start
//! allow_undocumented = true      # requests its document does not describe pass the gate unchecked
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

mod auth;
mod component;
mod docs;
mod key_value;
mod limits;
mod outbound;
mod rate;
mod tls;
mod variables;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use thiserror::Error;

pub use auth::{
    AuthSettings, DEFAULT_LEEWAY_SECONDS, JwtSettings, SchemeSettings, TokenEndpointSettings,
};
pub use component::ComponentSpec;
pub use docs::DocsSettings;
pub use key_value::{KvLimits, StoreKind, StoreSpec, check_redis_url};
pub use limits::{DEFAULT_SERVER_CONCURRENCY, Limits, MAX_INSTANCES, ServerLimits, instance_slots};
pub use outbound::OutboundRule;
pub use rate::{RateKey, RateLimit};
pub use tls::TlsSettings;
pub use variables::{Template, Variable, VariablesFile, values as variable_values};

use crate::routes::RoutePattern;
use auth::RawAuth;
use component::{RawComponent, is_valid_name};
use docs::{PathSetting, RawDocs, docs_settings, path_setting};
use key_value::{RawKvLimits, RawStore};
use limits::{RawLimits, RawServerLimits};
use rate::RawRateLimit;
use tls::RawTls;
use variables::RawVariable;

/// Where the health check is served unless the manifest says otherwise.
pub const DEFAULT_HEALTH_PATH: &str = "/healthz";

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
    /// `[rate_limits]`: requests per client address, to the whole host.
    pub rate_limit: Option<RateLimit>,
    /// `[server] trusted_proxies`: peers whose `Forwarded` or
    /// `X-Forwarded-For` says who the client is.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// `[server] tls`: serve HTTPS with this certificate.
    pub tls: Option<TlsSettings>,
    /// `[key_value_store.NAME]`: where the stores with a section are kept.
    pub stores: BTreeMap<String, StoreSpec>,
    /// `[key_value_limits]`.
    pub kv_limits: KvLimits,
    /// `[variables]`: what components' `config` is made of.
    pub variables: BTreeMap<String, Variable>,
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
    rate_limits: Option<RawRateLimit>,
    #[serde(default)]
    key_value_store: BTreeMap<String, RawStore>,
    #[serde(default)]
    key_value_limits: RawKvLimits,
    #[serde(default)]
    variables: BTreeMap<String, RawVariable>,
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
    max_streams_per_connection: Option<u32>,
    #[serde(default)]
    trusted_proxies: Vec<String>,
    tls: Option<RawTls>,
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
        raw.validate(base)
            .map_err(|(field, message)| ManifestError::Field {
                path: path.to_owned(),
                field,
                message,
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
            components: vec![ComponentSpec::new(
                &name,
                RoutePattern::everything(),
                source,
            )],
            docs: DocsSettings::default(),
            auth: AuthSettings::default(),
            health: Some(DEFAULT_HEALTH_PATH.to_owned()),
            server_limits: ServerLimits::default(),
            rate_limit: None,
            trusted_proxies: Vec::new(),
            tls: None,
            stores: BTreeMap::new(),
            kv_limits: KvLimits::default(),
            variables: BTreeMap::new(),
        }
    }
}

impl RawManifest {
    /// The manifest, checked field by field; an error is the field and what
    /// is wrong with it.
    fn validate(self, base: &Path) -> Result<Manifest, (String, String)> {
        let listen = self
            .server
            .listen
            .map(|listen| {
                listen.parse::<SocketAddr>().map_err(|_| {
                    (
                        "server.listen".to_owned(),
                        format!("{listen:?} is not an address; write it as \"127.0.0.1:8080\""),
                    )
                })
            })
            .transpose()?;
        let limits = self.limits.apply(Limits::default(), "limits")?;
        let variables = variables::variables(self.variables)?;
        let components = components(self.component, base, limits, &variables)?;
        let health = path_setting(
            "server.health",
            self.server.health,
            Some(DEFAULT_HEALTH_PATH.to_owned()),
        )?;
        let server_limits = RawServerLimits {
            concurrency: self.server.concurrency,
            max_header_bytes: self.server.max_header_bytes,
            max_headers: self.server.max_headers,
            header_timeout_ms: self.server.header_timeout_ms,
            shutdown_grace_ms: self.server.shutdown_grace_ms,
            max_streams_per_connection: self.server.max_streams_per_connection,
        }
        .validate()?;
        let rate_limit = self
            .rate_limits
            .map(|limit| limit.validate("rate_limits", &["client"]))
            .transpose()?;
        let trusted_proxies = self
            .server
            .trusted_proxies
            .iter()
            .map(|proxy| trusted_proxy(proxy))
            .collect::<Result<_, _>>()?;
        let stores = self
            .key_value_store
            .into_iter()
            .map(|(name, raw)| Ok((name.clone(), raw.validate(&name, base, &variables)?)))
            .collect::<Result<_, (String, String)>>()?;
        Ok(Manifest {
            listen,
            components,
            docs: docs_settings(self.docs)?,
            auth: self.auth.validate(base)?,
            health,
            server_limits,
            rate_limit,
            trusted_proxies,
            tls: self.server.tls.map(|tls| tls.resolve(base)),
            stores,
            kv_limits: self.key_value_limits.validate()?,
            variables,
        })
    }
}

/// An address or network of `trusted_proxies`: `10.0.0.1` or `10.0.0.0/8`.
fn trusted_proxy(text: &str) -> Result<ipnet::IpNet, (String, String)> {
    text.parse::<ipnet::IpNet>()
        .or_else(|_| text.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| {
            (
                "server.trusted_proxies".to_owned(),
                format!(
                    "{text:?} is not an address or a network, like \"10.0.0.1\" or \"10.0.0.0/8\""
                ),
            )
        })
}

/// The components, each checked, with unique names and routes.
fn components(
    raw: Vec<RawComponent>,
    base: &Path,
    limits: Limits,
    variables: &BTreeMap<String, Variable>,
) -> Result<Vec<ComponentSpec>, (String, String)> {
    if raw.is_empty() {
        return Err((
            "component".into(),
            "no components: add at least one [[component]] with name, route and source".into(),
        ));
    }
    let mut components: Vec<ComponentSpec> = Vec::new();
    for (index, component) in raw.into_iter().enumerate() {
        let field = |name: &str| format!("component[{index}].{name}");
        let component = component.validate(&field, base, limits, variables)?;
        if let Some(other) = components.iter().find(|other| other.name == component.name) {
            return Err((
                field("name"),
                format!(
                    "{:?} is used by another component; names must be unique",
                    other.name
                ),
            ));
        }
        if let Some(other) = components
            .iter()
            .find(|other| other.route == component.route)
        {
            return Err((
                field("route"),
                format!(
                    "\"{}\" is also the route of component {:?}",
                    component.route, other.name
                ),
            ));
        }
        components.push(component);
    }
    Ok(components)
}

#[cfg(test)]
mod tests;
