//! The manifest's `[docs]` section: what the merged API document says about
//! the whole API, and where the host serves it and its pages.

use serde::Deserialize;

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

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDocs {
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
pub(super) enum PathSetting {
    Path(String),
    Enabled(bool),
}

/// A path the host serves itself, `false` to turn it off, or the default.
pub(super) fn path_setting(
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

/// The `[docs]` section's settings, checked.
pub(super) fn docs_settings(raw: RawDocs) -> Result<DocsSettings, (String, String)> {
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
