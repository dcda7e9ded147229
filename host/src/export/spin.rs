//! `wafer export spin`: a Spin 2 manifest (`spin.toml`, manifest version 2)
//! for a Wafer manifest's components, and the `runtime-config.toml` its
//! key-value stores need, with what cannot be carried over said in notes.
//!
//! What carries over one for one: routes (Spin's `/x/...` is Wafer's),
//! sources, build commands, `allowed_outbound_hosts`, `environment`,
//! `key_value_stores`, `[variables]` and each component's `config` (Spin's
//! component `variables`), and the stores' sections (Spin's runtime config
//! has the same keys).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Component, Path, PathBuf};

use crate::manifest::{ComponentSpec, Limits, Manifest, StoreKind};

/// What `wafer export spin` writes and says.
#[derive(Debug, PartialEq, Eq)]
pub struct SpinApp {
    /// `spin.toml`.
    pub manifest: String,
    /// `runtime-config.toml`, when a store needs one.
    pub runtime_config: Option<String>,
    /// Whether the runtime config holds a secret variable's value (write it
    /// for its owner's eyes only).
    pub runtime_config_is_secret: bool,
    /// What Spin does differently, and how Spin users get it instead.
    pub notes: Vec<String>,
}

/// Where things are: the Wafer manifest's folder (its `build` commands run
/// there) and the folder the Spin files go to, both absolute.
pub struct Folders<'a> {
    /// The Wafer manifest's folder.
    pub manifest: &'a Path,
    /// Where `spin.toml` goes.
    pub output: &'a Path,
}

/// The Spin app of `manifest`; `values` are the variables' values, needed
/// for what Spin's runtime config cannot template (a Redis URL). Fails
/// naming the field when something cannot be exported.
pub fn export(
    manifest: &Manifest,
    folders: &Folders<'_>,
    values: &BTreeMap<String, String>,
) -> Result<SpinApp, String> {
    let mut out = String::new();
    let title = &manifest.docs.title;
    let _ = writeln!(
        out,
        "# Written by `wafer export spin` from the Wafer manifest in {}.\n\
         spin_manifest_version = 2\n\n[application]\nname = {}\nversion = {}",
        folders.manifest.display(),
        quoted(&kebab(title).unwrap_or_else(|| "wafer-app".to_owned())),
        quoted(&manifest.docs.version),
    );
    if let Some(description) = &manifest.docs.description {
        let _ = writeln!(out, "description = {}", quoted(description));
    }
    if !manifest.variables.is_empty() {
        out.push_str("\n[variables]\n");
        for (name, variable) in &manifest.variables {
            // Spin wants a default or `required`; Wafer's optional variable
            // without a default is empty.
            let mut fields = match (&variable.default, variable.required) {
                (_, true) => vec!["required = true".to_owned()],
                (Some(default), false) => vec![format!("default = {}", quoted(default))],
                (None, false) => vec!["default = \"\"".to_owned()],
            };
            if variable.secret {
                fields.push("secret = true".to_owned());
            }
            let _ = writeln!(out, "{name} = {{ {} }}", fields.join(", "));
        }
    }
    let mut ids = BTreeMap::new();
    for spec in &manifest.components {
        let id = kebab(&spec.name).ok_or_else(|| {
            format!(
                "component {:?}: no Spin id can be made of its name",
                spec.name
            )
        })?;
        if let Some(other) = ids.insert(id.clone(), spec.name.clone()) {
            return Err(format!(
                "components {other:?} and {:?} both become Spin's {id:?}: rename one",
                spec.name
            ));
        }
        write_component(&mut out, &id, spec, folders);
    }
    let (runtime_config, runtime_config_is_secret) = runtime_config(manifest, values)?;
    Ok(SpinApp {
        manifest: out,
        runtime_config,
        runtime_config_is_secret,
        notes: notes(manifest),
    })
}

/// A component's trigger and `[component.ID]` table.
fn write_component(out: &mut String, id: &str, spec: &ComponentSpec, folders: &Folders<'_>) {
    let _ = writeln!(
        out,
        "\n[[trigger.http]]\nroute = {}\ncomponent = {}\n\n[component.{id}]",
        quoted(&spec.route.to_string()),
        quoted(id),
    );
    if let Some(description) = &spec.description {
        let _ = writeln!(out, "description = {}", quoted(description));
    }
    let source = relative(&absolute(folders.manifest, &spec.source), folders.output);
    let _ = writeln!(out, "source = {}", quoted(&source.to_string_lossy()));
    if !spec.allowed_outbound_hosts.is_empty() {
        let hosts: Vec<String> = spec
            .allowed_outbound_hosts
            .iter()
            .map(|rule| quoted(&rule.to_string()))
            .collect();
        let _ = writeln!(out, "allowed_outbound_hosts = [{}]", hosts.join(", "));
    }
    if !spec.environment.is_empty() {
        let pairs: Vec<String> = spec
            .environment
            .iter()
            .map(|(name, value)| format!("{} = {}", quoted(name), quoted(value)))
            .collect();
        let _ = writeln!(out, "environment = {{ {} }}", pairs.join(", "));
    }
    if !spec.key_value_stores.is_empty() {
        let stores: Vec<String> = spec.key_value_stores.iter().map(|s| quoted(s)).collect();
        let _ = writeln!(out, "key_value_stores = [{}]", stores.join(", "));
    }
    if !spec.config.is_empty() {
        let _ = writeln!(out, "\n[component.{id}.variables]");
        for (key, template) in &spec.config {
            let _ = writeln!(out, "{key} = {}", quoted(&template.to_string()));
        }
    }
    if let Some(command) = &spec.build {
        let workdir = relative(folders.manifest, folders.output);
        let _ = writeln!(
            out,
            "\n[component.{id}.build]\ncommand = {}\nworkdir = {}",
            quoted(command),
            quoted(&workdir.to_string_lossy()),
        );
    }
}

/// The runtime config the stores need: a section for each store the
/// components use but Spin's default, and whether it holds a secret.
fn runtime_config(
    manifest: &Manifest,
    values: &BTreeMap<String, String>,
) -> Result<(Option<String>, bool), String> {
    let used: std::collections::BTreeSet<&str> = manifest
        .components
        .iter()
        .flat_map(|spec| spec.key_value_stores.iter().map(String::as_str))
        .collect();
    let mut out = String::new();
    let mut secret = false;
    for name in used {
        let kind = manifest.stores.get(name).map(|spec| &spec.kind);
        match kind {
            // Spin's own default store is SQLite already.
            None | Some(StoreKind::Embedded { .. } | StoreKind::Memory) if name == "default" => {}
            None | Some(StoreKind::Embedded { .. } | StoreKind::Memory) => {
                let _ = writeln!(out, "[key_value_store.{name}]\ntype = \"spin\"\n");
            }
            Some(StoreKind::Redis { url }) => {
                for variable in url.variables() {
                    if !values.contains_key(variable) {
                        return Err(format!(
                            "key_value_store.{name}.url: Spin's runtime config takes the URL \
                             itself, and variable {variable:?} has no value: set \
                             WAFER_VARIABLE_{} or pass --variables-file",
                            variable.to_ascii_uppercase()
                        ));
                    }
                    secret |= manifest.variables.get(variable).is_some_and(|v| v.secret);
                }
                let _ = writeln!(
                    out,
                    "[key_value_store.{name}]\ntype = \"redis\"\nurl = {}\n",
                    quoted(&url.render(values))
                );
            }
        }
    }
    Ok(((!out.is_empty()).then_some(out), secret))
}

/// What Spin does not do of what the components ask of Wafer.
fn component_notes(manifest: &Manifest) -> Vec<String> {
    let mut notes = Vec::new();
    let limited = manifest.components.iter().any(|spec| {
        spec.limits != Limits::default() || spec.instance_reuse > 1 || spec.rate_limit.is_some()
    });
    if limited || manifest.rate_limit.is_some() {
        notes.push(
            "limits: Spin has no per-component cpu_ms, timeout_ms, memory, concurrency, \
             body-size or rate limits, and no instance_reuse: on SpinKube, set the SpinApp's \
             resources and replicas, and rate-limit at the ingress."
                .to_owned(),
        );
    }
    let pre_initialized: Vec<&str> = manifest
        .components
        .iter()
        .filter(|spec| spec.pre_initialize)
        .map(|spec| spec.name.as_str())
        .collect();
    if !pre_initialized.is_empty() {
        notes.push(format!(
            "pre_initialize ({}): Spin does not pre-initialize components: each of its \
             instances builds the app on its first request, as Wafer's do without \
             pre_initialize.",
            pre_initialized.join(", ")
        ));
    }
    notes
}

/// What Spin does not do as Wafer does, and what to do instead.
fn notes(manifest: &Manifest) -> Vec<String> {
    let mut notes = Vec::new();
    let auth = &manifest.auth;
    if !auth.schemes.is_empty()
        || auth.token_endpoint.is_some()
        || manifest.components.iter().any(|spec| spec.requires_auth)
    {
        notes.push(
            "[auth]: Spin has no edge gate. Requests reach the components unchecked, and \
             handlers taking an Identity refuse them (no gate signed one): put the checks in \
             front of Spin (an API gateway or ingress that validates tokens), and the token \
             endpoint with them."
                .to_owned(),
        );
    }
    if manifest.docs.openapi.is_some() {
        notes.push(
            "[docs]: Spin serves no merged API docs: `wafer openapi wafer.toml` prints the \
             merged document, and App::serve_openapi(\"/openapi.json\") serves a \
             component's own."
                .to_owned(),
        );
    }
    notes.extend(component_notes(manifest));
    if manifest.tls.is_some() {
        notes.push(
            "[server] tls: give Spin the certificate itself: spin up --tls-cert CERT \
             --tls-key KEY (on SpinKube, TLS ends at the ingress)."
                .to_owned(),
        );
    }
    if !manifest.trusted_proxies.is_empty() {
        notes.push(
            "[server] trusted_proxies: Spin does not read X-Forwarded-For for the components."
                .to_owned(),
        );
    }
    if !manifest.variables.is_empty() {
        notes.push(
            "[variables]: Spin reads a variable's value from SPIN_VARIABLE_<NAME> (Wafer from \
             WAFER_VARIABLE_<NAME> or --variables-file); on SpinKube, from the SpinApp's \
             variables."
                .to_owned(),
        );
    }
    let kept_here = manifest
        .stores
        .iter()
        .any(|(_, spec)| !matches!(spec.kind, StoreKind::Redis { .. }));
    if kept_here {
        notes.push(
            "[key_value_store]: Spin keeps embedded and memory stores in its own SQLite file \
             (.spin/); the data of Wafer's embedded stores is not carried over. Redis stores \
             are shared."
                .to_owned(),
        );
    }
    notes
}

/// `name` as a Spin id: lowercase words of letters and digits joined by
/// `-`, the first starting with a letter; `None` if nothing is left.
fn kebab(name: &str) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .collect();
    let id = words.join("-");
    id.starts_with(|c: char| c.is_ascii_lowercase())
        .then_some(id)
}

/// `text` as a TOML string.
fn quoted(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

/// `path` made absolute against `base`, with `.` and `..` resolved.
fn absolute(base: &Path, path: &Path) -> PathBuf {
    let mut resolved = PathBuf::new();
    for part in base.join(path).components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                resolved.pop();
            }
            other => resolved.push(other),
        }
    }
    resolved
}

/// `path` as seen from the folder `from` (both absolute).
fn relative(path: &Path, from: &Path) -> PathBuf {
    let path = absolute(Path::new("/"), path);
    let from = absolute(Path::new("/"), from);
    let common = path
        .components()
        .zip(from.components())
        .take_while(|(a, b)| a == b)
        .count();
    let mut relative = PathBuf::new();
    for _ in from.components().skip(common) {
        relative.push("..");
    }
    for part in path.components().skip(common) {
        relative.push(part);
    }
    if relative.as_os_str().is_empty() {
        relative.push(".");
    }
    relative
}

#[cfg(test)]
mod tests;
