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
    let mut paths = Map::new();
    let mut owners: BTreeMap<String, &str> = BTreeMap::new();
    let mut merged_sections: BTreeMap<&str, Map<String, Value>> = BTreeMap::new();
    let mut tags = Vec::new();

    for component in components {
        let mut tag = json!({ "name": component.name });
        let description = match (&component.description, &component.document) {
            (Some(description), _) => Some(description.clone()),
            (None, None) => Some("This component has no API description.".to_owned()),
            (None, Some(_)) => None,
        };
        if let Some(description) = description {
            tag["description"] = Value::String(description);
        }
        tags.push(tag);

        let Some(document) = &component.document else {
            continue;
        };
        let mut document = document.clone();
        for (section, name) in renamed
            .iter()
            .filter(|(_, _, owner)| owner == &component.name)
            .map(|(s, n, _)| (s, n))
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
            let merged = merged_sections.entry(section).or_default();
            for (name, value) in entries {
                let key = if renamed.contains(&(section, name.clone(), component.name.clone())) {
                    format!("{}.{name}", component.name)
                } else {
                    name.clone()
                };
                merged.insert(key, value.clone());
            }
        }
        if let Some(component_paths) = document.get("paths").and_then(Value::as_object) {
            for (path, item) in component_paths {
                if let Some(first) = owners.get(path) {
                    return Err(MergeError::DuplicatePath {
                        path: path.clone(),
                        first: (*first).to_owned(),
                        second: component.name.clone(),
                    });
                }
                owners.insert(path.clone(), &component.name);
                paths.insert(path.clone(), tag_operations(item.clone(), &component.name));
            }
        }
    }

    let mut document = json!({
        "openapi": "3.1.0",
        "info": { "title": info.title, "version": info.version },
        "paths": paths,
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
    let merged_components: Map<String, Value> = merged_sections
        .into_iter()
        .filter(|(_, entries)| !entries.is_empty())
        .map(|(section, entries)| (section.to_owned(), Value::Object(entries)))
        .collect();
    if !merged_components.is_empty() {
        document["components"] = Value::Object(merged_components);
    }
    document["tags"] = Value::Array(tags);
    Ok(document)
}

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

/// Gives the component's tag to operations that have none.
fn tag_operations(mut item: Value, component: &str) -> Value {
    const METHODS: [&str; 8] = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    if let Some(object) = item.as_object_mut() {
        for (method, operation) in object.iter_mut() {
            if !METHODS.contains(&method.as_str()) {
                continue;
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
