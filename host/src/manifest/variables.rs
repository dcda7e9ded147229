//! `[variables]` and a component's `config`: what `wasi:config` gives guests.
//!
//! ```toml
//! [variables]
//! upstream_url = { default = "http://127.0.0.1:8090" }
//! api_key = { required = true, secret = true }   # WAFER_VARIABLE_API_KEY=...
//!
//! [[component]]
//! # ...
//! config = { upstream = "{{ upstream_url }}/v1", key = "{{ api_key }}", mode = "fast" }
//! ```
//!
//! A variable's value is the environment's `WAFER_VARIABLE_<NAME>` if set,
//! else the variables file's (`wafer serve --variables-file FILE`, a TOML
//! table: `api_key = "..."`), else its `default`; a `required` one without a
//! value stops the start, naming it. A `secret` one is never logged (nor is
//! any config value).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// A declared variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variable {
    /// Its value when the environment gives none.
    pub default: Option<String>,
    /// Whether the host refuses to start without a value.
    pub required: bool,
    /// Whether its value must never be shown.
    pub secret: bool,
}

/// A `[variables]` entry as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawVariable {
    default: Option<String>,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    secret: bool,
}

/// A config value: text with `{{ variable }}`s in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Variable(String),
}

/// Whether `name` is a variable or config key: lowercase letters, digits and
/// `_`, starting with a letter (Spin's rule).
fn is_valid_key(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The checked `[variables]`; errors are the field and what is wrong.
pub(super) fn variables(
    raw: BTreeMap<String, RawVariable>,
) -> Result<BTreeMap<String, Variable>, (String, String)> {
    raw.into_iter()
        .map(|(name, raw)| {
            let field = format!("variables.{name}");
            if !is_valid_key(&name) {
                return Err((
                    field,
                    "a variable's name is lowercase letters, digits and '_', starting with a letter"
                        .into(),
                ));
            }
            match (&raw.default, raw.required) {
                (Some(_), true) => Err((field, "a required variable has no default".into())),
                (None, false) => Err((
                    field,
                    "give it a `default`, or mark it `required = true`".into(),
                )),
                _ => Ok((
                    name,
                    Variable {
                        default: raw.default,
                        required: raw.required,
                        secret: raw.secret,
                    },
                )),
            }
        })
        .collect()
}

/// A component's `config`, each value checked against `variables`.
pub(super) fn config(
    raw: BTreeMap<String, String>,
    variables: &BTreeMap<String, Variable>,
    field: &dyn Fn(&str) -> String,
) -> Result<Vec<(String, Template)>, (String, String)> {
    raw.into_iter()
        .map(|(key, text)| {
            let field = field(&format!("config.{key}"));
            if !is_valid_key(&key) {
                return Err((
                    field,
                    "a config key is lowercase letters, digits and '_', starting with a letter"
                        .into(),
                ));
            }
            Ok((key, template(&text, variables, field)?))
        })
        .collect()
}

/// `text` (the value of `field`) as a template naming only `variables`.
pub(super) fn template(
    text: &str,
    variables: &BTreeMap<String, Variable>,
    field: String,
) -> Result<Template, (String, String)> {
    let template = Template::parse(text).map_err(|message| (field.clone(), message))?;
    if let Some(name) = template
        .variables()
        .find(|name| !variables.contains_key(*name))
    {
        return Err((
            field,
            format!("{{{{ {name} }}}} names no variable: declare it in [variables]"),
        ));
    }
    Ok(template)
}

/// As written: text with `{{ variable }}`s (Spin's syntax too).
impl std::fmt::Display for Template {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for part in &self.parts {
            match part {
                Part::Text(text) => f.write_str(text)?,
                Part::Variable(name) => write!(f, "{{{{ {name} }}}}")?,
            }
        }
        Ok(())
    }
}

impl Template {
    /// `text` with its `{{ name }}`s.
    pub fn parse(text: &str) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find("{{") {
            if start > 0 {
                parts.push(Part::Text(rest[..start].to_owned()));
            }
            let after = &rest[start + 2..];
            let end = after
                .find("}}")
                .ok_or_else(|| format!("{text:?} opens a {{{{ without closing it"))?;
            let name = after[..end].trim();
            if !is_valid_key(name) {
                return Err(format!("{{{{ {name} }}}} is not a variable name"));
            }
            parts.push(Part::Variable(name.to_owned()));
            rest = &after[end + 2..];
        }
        if rest.contains("}}") {
            return Err(format!("{text:?} closes a }}}} it did not open"));
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_owned()));
        }
        Ok(Template { parts })
    }

    /// The variables it names.
    pub fn variables(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|part| match part {
            Part::Variable(name) => Some(name.as_str()),
            Part::Text(_) => None,
        })
    }

    /// Its text with each variable's value.
    pub fn render(&self, values: &BTreeMap<String, String>) -> String {
        self.parts
            .iter()
            .map(|part| match part {
                Part::Text(text) => text.as_str(),
                Part::Variable(name) => values.get(name).map_or("", String::as_str),
            })
            .collect()
    }
}

/// The values of a variables file: `name = "value"` lines of TOML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariablesFile {
    path: PathBuf,
    values: BTreeMap<String, String>,
    readable_by_others: bool,
}

impl VariablesFile {
    /// Reads the file at `path`. An error names the file, the line or key,
    /// and the fix.
    pub fn read(path: &Path) -> Result<VariablesFile, String> {
        let at = path.display();
        let text =
            std::fs::read_to_string(path).map_err(|error| format!("cannot read {at}: {error}"))?;
        let table: toml::Table =
            toml::from_str(&text).map_err(|error| format!("{at} is not TOML: {error}"))?;
        let values = table
            .into_iter()
            .map(|(name, value)| {
                let text = match value {
                    toml::Value::String(text) => text,
                    toml::Value::Integer(_) | toml::Value::Float(_) | toml::Value::Boolean(_) => {
                        value.to_string()
                    }
                    _ => {
                        return Err(format!(
                            "{at}: {name:?} is not a value: write {name} = \"text\""
                        ));
                    }
                };
                Ok((name, text))
            })
            .collect::<Result<_, String>>()?;
        Ok(VariablesFile {
            path: path.to_owned(),
            values,
            readable_by_others: readable_by_others(path),
        })
    }

    /// The file it was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether users other than its owner may read it (unwise if it holds a
    /// secret).
    pub fn readable_by_others(&self) -> bool {
        self.readable_by_others
    }
}

#[cfg(unix)]
fn readable_by_others(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).is_ok_and(|meta| meta.permissions().mode() & 0o044 != 0)
}

#[cfg(not(unix))]
fn readable_by_others(_: &Path) -> bool {
    false
}

/// The variables' values: from `lookup` (the environment's
/// `WAFER_VARIABLE_<NAME>`), else from `file`, else their defaults. An error
/// names a required variable that has none, and how to give it one, or a
/// name in the file that is not declared (a typo would otherwise leave the
/// default in force, silently).
pub fn values(
    variables: &BTreeMap<String, Variable>,
    lookup: &dyn Fn(&str) -> Option<String>,
    file: Option<&VariablesFile>,
) -> Result<BTreeMap<String, String>, String> {
    if let Some(file) = file
        && let Some(name) = file
            .values
            .keys()
            .find(|name| !variables.contains_key(*name))
    {
        return Err(format!(
            "{}: {name:?} is not a variable of the manifest: declare it in [variables] or remove it",
            file.path.display()
        ));
    }
    variables
        .iter()
        .map(|(name, variable)| {
            let env = format!("WAFER_VARIABLE_{}", name.to_ascii_uppercase());
            let value = lookup(&env)
                .or_else(|| file.and_then(|file| file.values.get(name).cloned()))
                .or_else(|| variable.default.clone());
            match value {
                Some(value) => Ok((name.clone(), value)),
                None => Err(format!(
                    "the required variable {name:?} has no value: set {env}, or give it in a --variables-file"
                )),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn declared() -> BTreeMap<String, Variable> {
        variables(BTreeMap::from([
            (
                "host".to_owned(),
                RawVariable {
                    default: Some("example.com".into()),
                    required: false,
                    secret: false,
                },
            ),
            (
                "key".to_owned(),
                RawVariable {
                    default: None,
                    required: true,
                    secret: true,
                },
            ),
        ]))
        .expect("valid")
    }

    #[test]
    fn templates_render_with_the_values() {
        let template = Template::parse("https://{{ host }}/v1?k={{key}}").expect("valid");
        assert_eq!(template.variables().collect::<Vec<_>>(), ["host", "key"]);
        let values = BTreeMap::from([
            ("host".to_owned(), "api.test".to_owned()),
            ("key".to_owned(), "s3cret".to_owned()),
        ]);
        assert_eq!(template.render(&values), "https://api.test/v1?k=s3cret");
        assert!(Template::parse("{{ host").is_err());
        assert!(Template::parse("a }} b").is_err());
        assert!(Template::parse("{{ Bad-Name }}").is_err());
    }

    #[test]
    fn values_come_from_the_environment_then_the_defaults() {
        let variables = declared();
        let lookup = |name: &str| (name == "WAFER_VARIABLE_KEY").then(|| "from-env".to_owned());
        let values = values(&variables, &lookup, None).expect("values");
        assert_eq!(values["host"], "example.com");
        assert_eq!(values["key"], "from-env");
        let missing = super::values(&variables, &|_| None, None).expect_err("key is required");
        assert!(missing.contains("WAFER_VARIABLE_KEY"), "{missing}");
    }

    fn file(text: &str) -> Result<VariablesFile, String> {
        let folder = tempfile::tempdir().expect("temporary folder");
        let path = folder.path().join("vars.toml");
        std::fs::write(&path, text).expect("write");
        VariablesFile::read(&path)
    }

    #[test]
    fn a_variables_file_comes_between_the_environment_and_the_defaults() {
        let variables = declared();
        let file = file("key = \"from-file\"\nhost = 8080\n").expect("valid");
        let none = |_: &str| None;
        let from_file = values(&variables, &none, Some(&file)).expect("values");
        assert_eq!(
            (from_file["key"].as_str(), from_file["host"].as_str()),
            ("from-file", "8080")
        );
        let env = |name: &str| (name == "WAFER_VARIABLE_KEY").then(|| "from-env".to_owned());
        let from_env = values(&variables, &env, Some(&file)).expect("values");
        assert_eq!(from_env["key"], "from-env");
    }

    #[test]
    fn a_bad_variables_file_is_refused_naming_the_problem() {
        let typo = file("kye = \"x\"\n").expect("valid TOML");
        let message = values(&declared(), &|_| None, Some(&typo)).expect_err("undeclared");
        assert!(message.contains("\"kye\" is not a variable"), "{message}");
        let table = file("key = { a = 1 }\n").expect_err("not a value");
        assert!(table.contains("\"key\" is not a value"), "{table}");
        let syntax = file("key = \n").expect_err("not TOML");
        assert!(syntax.contains("is not TOML"), "{syntax}");
        let missing = VariablesFile::read(Path::new("/no/such/vars.toml")).expect_err("missing");
        assert!(
            missing.contains("cannot read /no/such/vars.toml"),
            "{missing}"
        );
    }

    #[test]
    fn config_names_only_declared_variables() {
        let field = |key: &str| format!("component[0].{key}");
        let undeclared = BTreeMap::from([("url".to_owned(), "{{ nope }}".to_owned())]);
        let (at, message) = config(undeclared, &declared(), &field).expect_err("undeclared");
        assert_eq!(at, "component[0].config.url");
        assert!(message.contains("declare it in [variables]"), "{message}");
        let bad_key = BTreeMap::from([("Url".to_owned(), "x".to_owned())]);
        assert!(config(bad_key, &declared(), &field).is_err());
    }
}
