//! FastAPI's `HTTPValidationError` and `ValidationError` schemas, which every
//! 422 response refers to.

use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, OneOfBuilder, SchemaType, Type};
use utoipa::openapi::{ComponentsBuilder, Ref};

/// The name of the 422 body's schema.
pub(super) const HTTP_VALIDATION_ERROR: &str = "HTTPValidationError";
const VALIDATION_ERROR: &str = "ValidationError";

/// Adds both schemas to the components.
pub(super) fn add_schemas(components: ComponentsBuilder) -> ComponentsBuilder {
    let string = |title: &str| {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .title(Some(title))
    };
    let validation_error = ObjectBuilder::new()
        .schema_type(Type::Object)
        .title(Some(VALIDATION_ERROR))
        .property(
            "loc",
            ArrayBuilder::new().title(Some("Location")).items(
                OneOfBuilder::new()
                    .item(ObjectBuilder::new().schema_type(Type::String))
                    .item(ObjectBuilder::new().schema_type(Type::Integer)),
            ),
        )
        .property("msg", string("Message"))
        .property("type", string("Error Type"))
        .property(
            "input",
            ObjectBuilder::new()
                .schema_type(SchemaType::AnyValue)
                .title(Some("Input")),
        )
        .property(
            "ctx",
            ObjectBuilder::new()
                .schema_type(Type::Object)
                .title(Some("Context")),
        )
        .required("loc")
        .required("msg")
        .required("type");
    let http_validation_error = ObjectBuilder::new()
        .schema_type(Type::Object)
        .title(Some(HTTP_VALIDATION_ERROR))
        .property(
            "detail",
            ArrayBuilder::new()
                .title(Some("Detail"))
                .items(Ref::from_schema_name(VALIDATION_ERROR)),
        );
    components
        .schema(HTTP_VALIDATION_ERROR, http_validation_error)
        .schema(VALIDATION_ERROR, validation_error)
}
