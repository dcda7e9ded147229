//! One `[[component]]` of the manifest: its file, route, limits and what it
//! may reach.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::limits::{Limits, RawLimits};
use super::outbound::OutboundRule;
use super::rate::{RateLimit, RawRateLimit};
use super::variables::{Template, Variable};
use crate::routes::RoutePattern;

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
    /// What `wafer dev` watches for changes that call for a build: files
    /// and folders, resolved against the manifest's folder. Empty: the
    /// folder of the crate a cargo `build` builds.
    pub watch: Vec<PathBuf>,
    /// What the component is about, for its tag in the API docs.
    pub description: Option<String>,
    /// What one of its requests may cost.
    pub limits: Limits,
    /// Where its outbound HTTP requests may go (nowhere by default).
    pub allowed_outbound_hosts: Vec<OutboundRule>,
    /// Environment variables its instances get (none by default).
    pub environment: Vec<(String, String)>,
    /// The key-value stores it may open (`wasi:keyvalue`), by name.
    pub key_value_stores: Vec<String>,
    /// What `wasi:config` gives it: keys and their templates.
    pub config: Vec<(String, Template)>,
    /// How many requests, one after another, one instance may serve: 1 (the
    /// default) is a fresh instance per request.
    pub instance_reuse: u32,
    /// Whether the host runs the component's `wizer-initialize` export once
    /// at load time and serves a snapshot of the instance it leaves, so that
    /// every instance starts initialized (`pre_initialize = true`).
    pub pre_initialize: bool,
    /// Whether the host must be able to enforce security for it: a component
    /// whose document is missing, unusable or declares no security then
    /// stops the host at start-up (`requires_auth = true`).
    pub requires_auth: bool,
    /// Whether requests its document does not describe reach it unchecked
    /// (`allow_undocumented = true`). By default, when its document declares
    /// any security, the gate refuses them.
    pub allow_undocumented: bool,
    /// How many requests each caller may send it (none by default).
    pub rate_limit: Option<RateLimit>,
}

impl ComponentSpec {
    /// A component named `name` with the default settings, serving `route`
    /// from `source`.
    pub fn new(name: &str, route: RoutePattern, source: &Path) -> ComponentSpec {
        ComponentSpec {
            name: name.to_owned(),
            route,
            source: source.to_owned(),
            build: None,
            watch: Vec::new(),
            description: None,
            limits: Limits::default(),
            allowed_outbound_hosts: Vec::new(),
            environment: Vec::new(),
            key_value_stores: Vec::new(),
            config: Vec::new(),
            instance_reuse: 1,
            pre_initialize: false,
            requires_auth: false,
            allow_undocumented: false,
            rate_limit: None,
        }
    }
}

/// A `[[component]]` as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawComponent {
    pub(super) name: String,
    pub(super) route: String,
    source: PathBuf,
    build: Option<String>,
    #[serde(default)]
    watch: Vec<PathBuf>,
    description: Option<String>,
    #[serde(default)]
    limits: RawLimits,
    #[serde(default)]
    allowed_outbound_hosts: Vec<String>,
    #[serde(default)]
    environment: BTreeMap<String, String>,
    #[serde(default)]
    key_value_stores: Vec<String>,
    #[serde(default)]
    config: BTreeMap<String, String>,
    instance_reuse: Option<u32>,
    #[serde(default)]
    pre_initialize: bool,
    #[serde(default)]
    requires_auth: bool,
    #[serde(default)]
    allow_undocumented: bool,
    rate_limit: Option<RawRateLimit>,
}

impl RawComponent {
    /// The component, checked field by field: `field` names a field of it in
    /// errors, `base` is the folder its `source` is relative to, and
    /// `defaults` are the manifest's `[limits]`. Errors are the field and
    /// what is wrong.
    pub(super) fn validate(
        self,
        field: &dyn Fn(&str) -> String,
        base: &Path,
        defaults: Limits,
        variables: &BTreeMap<String, Variable>,
    ) -> Result<ComponentSpec, (String, String)> {
        if !is_valid_name(&self.name) {
            return Err((
                field("name"),
                format!(
                    "{:?} is not a valid name: use letters, digits, '-' and '_'",
                    self.name
                ),
            ));
        }
        let route =
            RoutePattern::parse(&self.route).map_err(|message| (field("route"), message))?;
        if self.source.as_os_str().is_empty() {
            return Err((
                field("source"),
                "empty path: name the component's .wasm file".into(),
            ));
        }
        if self.requires_auth && self.allow_undocumented {
            return Err((
                field("allow_undocumented"),
                "a component that requires_auth cannot let undocumented requests through: \
                 remove one of the two"
                    .into(),
            ));
        }
        if self.watch.iter().any(|path| path.as_os_str().is_empty()) {
            return Err((
                field("watch"),
                "an empty path: name files or folders, relative to this manifest".into(),
            ));
        }
        let build = self.build.filter(|build| !build.trim().is_empty());
        if build.is_none() && !self.watch.is_empty() {
            return Err((
                field("watch"),
                "`wafer dev` watches sources to build them: give the component a `build` \
                 command, or remove `watch`"
                    .into(),
            ));
        }
        Ok(ComponentSpec {
            route,
            source: base.join(self.source),
            build,
            watch: self.watch.iter().map(|path| base.join(path)).collect(),
            description: self.description,
            limits: self.limits.apply(defaults, &field("limits"))?,
            allowed_outbound_hosts: self
                .allowed_outbound_hosts
                .iter()
                .map(|rule| OutboundRule::parse(rule))
                .collect::<Result<_, _>>()
                .map_err(|message| (field("allowed_outbound_hosts"), message))?,
            environment: checked_environment(self.environment)
                .map_err(|message| (field("environment"), message))?,
            key_value_stores: checked_store_names(self.key_value_stores)
                .map_err(|message| (field("key_value_stores"), message))?,
            config: super::variables::config(self.config, variables, field)?,
            instance_reuse: match self.instance_reuse {
                None => 1,
                Some(0) => {
                    return Err((
                        field("instance_reuse"),
                        "must be at least 1 (1 is a fresh instance per request)".into(),
                    ));
                }
                Some(n) => n,
            },
            pre_initialize: self.pre_initialize,
            requires_auth: self.requires_auth,
            allow_undocumented: self.allow_undocumented,
            rate_limit: self
                .rate_limit
                .map(|limit| {
                    limit.validate(&field("rate_limit"), &["client", "api_key", "subject"])
                })
                .transpose()?,
            name: self.name,
        })
    }
}

/// Environment variables for a component: names of letters, digits and `_`,
/// and none of the host's own `WAFER_*` names.
fn checked_environment(
    environment: BTreeMap<String, String>,
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

/// Whether `name` is usable as a component's name.
pub(super) fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Store names as a component lists them: valid names, each once.
fn checked_store_names(names: Vec<String>) -> Result<Vec<String>, String> {
    let mut checked: Vec<String> = Vec::with_capacity(names.len());
    for name in names {
        if !is_valid_name(&name) {
            return Err(format!(
                "{name:?} is not a store name: use letters, digits, '-' and '_'"
            ));
        }
        if checked.contains(&name) {
            return Err(format!("{name:?} is listed twice"));
        }
        checked.push(name);
    }
    Ok(checked)
}
