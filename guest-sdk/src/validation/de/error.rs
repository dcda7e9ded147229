//! The deserializer's own error: only errors that end a pass travel as one.

use std::fmt;

use serde::de;
use serde_json::Value;

use super::{Action, Override};
use crate::validation::error::{ErrorDetail, LocItem};

/// The error type of the validating deserializer. Only errors that end a pass
/// travel as `DeError`; ordinary validation errors are recorded in the session.
#[derive(Debug)]
pub(crate) struct DeError(pub(super) Box<Located>);

/// A pass-ending error and where it happened.
#[derive(Debug)]
pub(super) struct Located {
    pub(super) kind: DeErrorKind,
    pub(super) loc: Option<Vec<LocItem>>,
    pub(super) order: Vec<usize>,
    pub(super) input: Value,
}

#[derive(Debug)]
pub(super) enum DeErrorKind {
    MissingField(&'static str),
    UnknownField(String),
    Custom(String),
}

impl DeError {
    fn new(kind: DeErrorKind) -> Self {
        DeError(Box::new(Located {
            kind,
            loc: None,
            order: Vec::new(),
            input: Value::Null,
        }))
    }

    /// Gives the error the location of the innermost deserializer it passes
    /// through; later calls keep the first location.
    pub(super) fn locate(
        mut self,
        loc: &[LocItem],
        order: &[usize],
        input: impl FnOnce() -> Value,
    ) -> Self {
        if self.0.loc.is_none() {
            self.0.loc = Some(loc.to_vec());
            self.0.order = order.to_vec();
            self.0.input = input();
        }
        self
    }

    /// Like [`DeError::locate`], for the errors a struct visitor raises: a
    /// missing field is located at the field (under the name `loc_key` gives
    /// it), ordered by declaration.
    pub(super) fn locate_in_struct(
        self,
        loc: &[LocItem],
        order: &[usize],
        fields: &[&str],
        loc_key: impl FnOnce(&'static str) -> LocItem,
        input: impl FnOnce() -> Value,
    ) -> Self {
        match self.0.kind {
            DeErrorKind::MissingField(field) if self.0.loc.is_none() => {
                let mut error = self;
                let mut field_loc = loc.to_vec();
                field_loc.push(loc_key(field));
                let mut field_order = order.to_vec();
                field_order.push(
                    fields
                        .iter()
                        .position(|f| *f == field)
                        .unwrap_or(usize::MAX),
                );
                error.0.loc = Some(field_loc);
                error.0.order = field_order;
                error.0.input = input();
                error
            }
            _ => self.locate(loc, order, input),
        }
    }

    pub(super) fn into_override(self, root: &[LocItem]) -> Option<Override> {
        let Located {
            kind,
            loc,
            order,
            input,
        } = *self.0;
        let loc = loc.unwrap_or_else(|| root.to_vec());
        let (action, detail) = match kind {
            DeErrorKind::MissingField(field) => (
                Action::AddMissing(field),
                ErrorDetail::new("missing", loc.clone(), input),
            ),
            DeErrorKind::UnknownField(_) => (
                Action::SkipKey,
                ErrorDetail::new("extra_forbidden", loc.clone(), input),
            ),
            DeErrorKind::Custom(message) => (
                Action::Replace,
                ErrorDetail::new("value_error", loc.clone(), input)
                    .with_message(format!("Value error, {message}"))
                    // FastAPI writes the exception of `ctx` as `{}`.
                    .with_ctx("error", serde_json::json!({})),
            ),
        };
        Some(Override {
            loc,
            order,
            action,
            detail,
        })
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0.kind {
            DeErrorKind::MissingField(field) => write!(f, "missing field `{field}`"),
            DeErrorKind::UnknownField(field) => write!(f, "unknown field `{field}`"),
            DeErrorKind::Custom(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError::new(DeErrorKind::Custom(msg.to_string()))
    }

    fn missing_field(field: &'static str) -> Self {
        DeError::new(DeErrorKind::MissingField(field))
    }

    fn unknown_field(field: &str, _expected: &'static [&'static str]) -> Self {
        DeError::new(DeErrorKind::UnknownField(field.to_owned()))
    }
}
