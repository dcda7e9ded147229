//! Merging the components' OpenAPI documents into the host's one document.
//!
//! - Paths are copied as they are (components see the original request path,
//!   so their documents already carry full paths). A path documented by two
//!   components is an error naming both.
//! - `components.schemas` and `components.securitySchemes`: a name defined
//!   identically by several components is shared; a name defined differently
//!   is kept once per component as `<component>.<Name>`, and that component's
//!   `$ref`s are rewritten to match, so the result does not depend on the
//!   order of the manifest.
//! - Operations without tags get the component's name as their tag; the
//!   document lists one tag per component, with the manifest's description.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};
use thiserror::Error;

use crate::manifest::ComponentSpec;

/// One component's contribution.
#[derive(Debug, Clone)]
pub struct ComponentDoc {
    /// The manifest's name for the component.
    pub name: String,
    /// The manifest's description, for the component's tag.
    pub description: Option<String>,
    /// Its OpenAPI document, or `None` when it has none (it is still served,
    /// the docs say it has no description).
    pub document: Option<Value>,
}

impl ComponentDoc {
    /// The document of the component `spec` describes, or `None`.
    pub fn new(spec: &ComponentSpec, document: Option<Value>) -> ComponentDoc {
        ComponentDoc {
            name: spec.name.clone(),
            description: spec.description.clone(),
            document,
        }
    }
}

/// What the merged document says about the whole API.
#[derive(Debug, Clone, Default)]
pub struct ApiInfo {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// `servers[].url`.
    pub servers: Vec<String>,
}

/// Why the documents cannot be merged.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum MergeError {
    /// Two components document the same path.
    #[error(
        "the path {path} is documented by both component {first:?} and component {second:?}; \
         a path must belong to one component"
    )]
    DuplicatePath {
        /// The path.
        path: String,
        /// The component listed first.
        first: String,
        /// The other component.
        second: String,
    },
}

/// The sections of `components` that are merged by name.
const SECTIONS: [&str; 2] = ["schemas", "securitySchemes"];

/// Merges the documents into one OpenAPI 3.1 document.
pub fn merge(info: &ApiInfo, components: &[ComponentDoc]) -> Result<Value, MergeError> {
    let renamed = conflicting_names(components);
    let mut merged = Merged::default();
    for component in components {
        merged.add(component, &renamed)?;
    }
    Ok(merged.into_document(info))
}

/// The merged document as it is assembled, component by component.
#[derive(Default)]
struct Merged<'c> {
    paths: Map<String, Value>,
    /// Which component documents each path.
    owners: BTreeMap<String, &'c str>,
    sections: BTreeMap<&'static str, Map<String, Value>>,
    tags: Vec<Value>,
    /// The operation ids of the components added so far.
    operation_ids: BTreeSet<String>,
}

impl<'c> Merged<'c> {
    /// Adds a component's tag, paths and components; `renamed` are the
    /// names that conflict (see [`conflicting_names`]).
    fn add(
        &mut self,
        component: &'c ComponentDoc,
        renamed: &BTreeSet<(&'static str, String, String)>,
    ) -> Result<(), MergeError> {
        let mut tag = json!({ "name": component.name });
        let description = match (&component.description, &component.document) {
            (Some(description), _) => Some(description.clone()),
            (None, None) => Some("This component has no API description.".to_owned()),
            (None, Some(_)) => None,
        };
        if let Some(description) = description {
            tag["description"] = Value::String(description);
        }
        self.tags.push(tag);

        let Some(document) = &component.document else {
            return Ok(());
        };
        let mut document = document.clone();
        let is_renamed = |section: &str, name: &str| {
            renamed
                .iter()
                .any(|(s, n, owner)| *s == section && n == name && *owner == component.name)
        };
        for (section, name, _) in renamed
            .iter()
            .filter(|(_, _, owner)| *owner == component.name)
        {
            rename_refs(
                &mut document,
                section,
                name,
                &format!("{}.{name}", component.name),
            );
        }
        for section in SECTIONS {
            let Some(entries) = components_section(&document, section) else {
                continue;
            };
            let merged = self.sections.entry(section).or_default();
            for (name, value) in entries {
                let key = if is_renamed(section, name) {
                    format!("{}.{name}", component.name)
                } else {
                    name.clone()
                };
                merged.insert(key, value.clone());
            }
        }
        let paths = document.get("paths").and_then(Value::as_object);
        let mut ids = BTreeSet::new();
        for (path, item) in paths.into_iter().flatten() {
            if let Some(first) = self.owners.get(path) {
                return Err(MergeError::DuplicatePath {
                    path: path.clone(),
                    first: (*first).to_owned(),
                    second: component.name.clone(),
                });
            }
            self.owners.insert(path.clone(), &component.name);
            let item = tag_operations(item.clone(), &component.name, &self.operation_ids);
            ids.extend(operation_ids(&item));
            self.paths.insert(path.clone(), item);
        }
        self.operation_ids.extend(ids);
        Ok(())
    }

    /// The document, with `info` and `servers` from `info`.
    fn into_document(self, info: &ApiInfo) -> Value {
        let mut document = json!({
            "openapi": "3.1.0",
            "info": { "title": info.title, "version": info.version },
            "paths": self.paths,
        });
        if let Some(description) = &info.description {
            document["info"]["description"] = Value::String(description.clone());
        }
        if !info.servers.is_empty() {
            document["servers"] = info
                .servers
                .iter()
                .map(|url| json!({ "url": url }))
                .collect();
        }
        let components: Map<String, Value> = self
            .sections
            .into_iter()
            .filter(|(_, entries)| !entries.is_empty())
            .map(|(section, entries)| (section.to_owned(), Value::Object(entries)))
            .collect();
        if !components.is_empty() {
            document["components"] = Value::Object(components);
        }
        document["tags"] = Value::Array(self.tags);
        document
    }
}

/// The methods of a path item's operations.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The entries of `components.<section>` of a document, if it has any.
fn components_section<'a>(document: &'a Value, section: &str) -> Option<&'a Map<String, Value>> {
    document
        .pointer(&format!("/components/{section}"))
        .and_then(Value::as_object)
}

/// `(section, name, component)` for every definition whose name another
/// component defines differently.
fn conflicting_names(components: &[ComponentDoc]) -> BTreeSet<(&'static str, String, String)> {
    let mut definitions: BTreeMap<(&'static str, String), Vec<(&str, &Value)>> = BTreeMap::new();
    for component in components {
        let Some(document) = &component.document else {
            continue;
        };
        for section in SECTIONS {
            let Some(entries) = components_section(document, section) else {
                continue;
            };
            for (name, value) in entries {
                definitions
                    .entry((section, name.clone()))
                    .or_default()
                    .push((&component.name, value));
            }
        }
    }
    let mut conflicting = BTreeSet::new();
    for ((section, name), defined) in definitions {
        if defined.iter().any(|(_, value)| *value != defined[0].1) {
            for (component, _) in defined {
                conflicting.insert((section, name.clone(), component.to_owned()));
            }
        }
    }
    conflicting
}

/// Points every `$ref` to `#/components/<section>/<from>` at `<to>`, and
/// security requirements naming a renamed security scheme.
fn rename_refs(value: &mut Value, section: &str, from: &str, to: &str) {
    let old = format!("#/components/{section}/{from}");
    let new = format!("#/components/{section}/{to}");
    fn walk(value: &mut Value, old: &str, new: &str, section: &str, from: &str, to: &str) {
        match value {
            Value::Object(object) => {
                if let Some(Value::String(reference)) = object.get_mut("$ref")
                    && reference == old
                {
                    *reference = new.to_owned();
                }
                if section == "securitySchemes"
                    && let Some(Value::Array(requirements)) = object.get_mut("security")
                {
                    for requirement in requirements.iter_mut().filter_map(Value::as_object_mut) {
                        if let Some(scopes) = requirement.remove(from) {
                            requirement.insert(to.to_owned(), scopes);
                        }
                    }
                }
                object
                    .values_mut()
                    .for_each(|v| walk(v, old, new, section, from, to));
            }
            Value::Array(items) => items
                .iter_mut()
                .for_each(|v| walk(v, old, new, section, from, to)),
            _ => {}
        }
    }
    walk(value, &old, &new, section, from, to);
}

/// The operation ids of a path item.
fn operation_ids(item: &Value) -> impl Iterator<Item = String> + '_ {
    item.as_object()
        .into_iter()
        .flatten()
        .filter(|(method, _)| METHODS.contains(&method.as_str()))
        .filter_map(|(_, operation)| operation.get("operationId")?.as_str().map(str::to_owned))
}

/// Gives the component's tag to operations that have none, and its name to
/// the operation ids an earlier component took (`taken`): OpenAPI requires
/// them to be unique, and the first keeps its id, so that adding a component
/// renames nothing clients already call.
fn tag_operations(mut item: Value, component: &str, taken: &BTreeSet<String>) -> Value {
    if let Some(object) = item.as_object_mut() {
        for (method, operation) in object.iter_mut() {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            let shared = operation
                .get("operationId")
                .and_then(Value::as_str)
                .filter(|id| taken.contains(*id))
                .map(|id| format!("{component}_{id}"));
            if let Some(unique) = shared {
                operation["operationId"] = Value::String(unique);
            }
            let has_tags = operation
                .get("tags")
                .and_then(Value::as_array)
                .is_some_and(|tags| !tags.is_empty());
            if !has_tags && let Some(operation) = operation.as_object_mut() {
                operation.insert("tags".into(), json!([component]));
            }
        }
    }
    item
}

#[cfg(test)]
mod tests {
    use super::*;

    fn component(name: &str, document: Value) -> ComponentDoc {
        ComponentDoc {
            name: name.into(),
            description: None,
            document: Some(document),
        }
    }

    fn info() -> ApiInfo {
        ApiInfo {
            title: "API".into(),
            version: "1".into(),
            description: Some("All of it".into()),
            servers: vec!["https://api.example.com".into()],
        }
    }

    #[test]
    fn operation_ids_two_components_use_are_told_apart() {
        let document = |path: &str| json!({"paths": {path: {"get": {"operationId": "me"}}}});
        let merged = merge(
            &info(),
            &[
                component("auth", document("/account/me")),
                component("shop", document("/shop/me")),
                component(
                    "hello",
                    json!({"paths": {"/hello": {"get": {"operationId": "hello"}}}}),
                ),
            ],
        )
        .expect("merged");
        let id = |path: &str| merged["paths"][path]["get"]["operationId"].clone();
        assert_eq!(id("/account/me"), "me", "the first keeps its id");
        assert_eq!(id("/shop/me"), "shop_me");
        assert_eq!(id("/hello"), "hello");
    }

    #[test]
    fn paths_tags_and_info() {
        let merged = merge(
            &info(),
            &[
                component(
                    "hello",
                    json!({"paths": {"/hello": {"get": {"operationId": "hello"}}}}),
                ),
                component(
                    "items",
                    json!({"paths": {"/items": {"post": {"tags": ["stock"]}}}}),
                ),
                ComponentDoc {
                    name: "legacy".into(),
                    description: None,
                    document: None,
                },
            ],
        )
        .expect("merges");
        assert_eq!(
            merged["info"],
            json!({"title": "API", "version": "1", "description": "All of it"})
        );
        assert_eq!(
            merged["servers"],
            json!([{"url": "https://api.example.com"}])
        );
        assert_eq!(merged["paths"]["/hello"]["get"]["tags"], json!(["hello"]));
        assert_eq!(merged["paths"]["/items"]["post"]["tags"], json!(["stock"]));
        assert_eq!(
            merged["tags"],
            json!([
                {"name": "hello"},
                {"name": "items"},
                {"name": "legacy", "description": "This component has no API description."}
            ])
        );
        assert!(merged.get("components").is_none());
    }

    #[test]
    fn a_path_in_two_components_is_an_error() {
        let error = merge(
            &info(),
            &[
                component("a", json!({"paths": {"/x": {}}})),
                component("b", json!({"paths": {"/x": {}}})),
            ],
        )
        .expect_err("duplicate path");
        assert_eq!(
            error,
            MergeError::DuplicatePath {
                path: "/x".into(),
                first: "a".into(),
                second: "b".into()
            }
        );
    }

    #[test]
    fn identical_schemas_are_shared_and_different_ones_renamed() {
        let item_a = json!({"type": "object", "properties": {"name": {"type": "string"}}});
        let item_b = json!({"type": "object", "properties": {"sku": {"type": "integer"}}});
        let error = json!({"type": "object"});
        let uses = |path: &str| json!({path: {"get": {"responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}}}}}});
        let merged = merge(
            &info(),
            &[
                component("a", json!({"paths": uses("/a"), "components": {"schemas": {"Item": item_a, "Error": error}}})),
                component("b", json!({"paths": uses("/b"), "components": {"schemas": {"Item": item_b, "Error": error}}})),
            ],
        )
        .expect("merges");
        let schemas = &merged["components"]["schemas"];
        assert_eq!(schemas["a.Item"], item_a);
        assert_eq!(schemas["b.Item"], item_b);
        assert_eq!(schemas["Error"], error);
        assert!(schemas.get("Item").is_none());
        let reference = |path: &str| {
            merged["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].clone()
        };
        assert_eq!(reference("/a"), "#/components/schemas/a.Item");
        assert_eq!(reference("/b"), "#/components/schemas/b.Item");
    }

    #[test]
    fn renamed_security_schemes_are_renamed_in_requirements() {
        let bearer = json!({"type": "http", "scheme": "bearer"});
        let key = json!({"type": "apiKey", "in": "header", "name": "x-key"});
        let merged = merge(
            &info(),
            &[
                component("a", json!({"paths": {"/a": {"get": {"security": [{"auth": []}]}}}, "components": {"securitySchemes": {"auth": bearer}}})),
                component("b", json!({"paths": {"/b": {"get": {"security": [{"auth": []}]}}}, "components": {"securitySchemes": {"auth": key}}})),
            ],
        )
        .expect("merges");
        assert_eq!(merged["components"]["securitySchemes"]["a.auth"], bearer);
        assert_eq!(
            merged["paths"]["/a"]["get"]["security"],
            json!([{"a.auth": []}])
        );
        assert_eq!(
            merged["paths"]["/b"]["get"]["security"],
            json!([{"b.auth": []}])
        );
    }
}
