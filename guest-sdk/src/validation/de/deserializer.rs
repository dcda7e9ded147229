//! The `serde::Deserializer` implementation: one method per requested type.

use serde::Deserializer;
use serde::de::Visitor;
use serde_json::Value;

use super::access::{EnumInput, SeqItems};
use super::{De, DeError, Input, Scalar};
use crate::validation::LITERAL;
use crate::validation::coerce;
use crate::validation::constrained::take_handed_over;
use crate::validation::constraints::Numeric;
use crate::validation::error::LocItem;
use crate::validation::format;
use crate::validation::placeholder::Placeholder;
use crate::validation::union;

impl<'a> De<'a, '_> {
    fn int<V: Visitor<'a>>(
        self,
        min: i128,
        max: i128,
        visit: impl FnOnce(V, i128) -> Result<V::Value, DeError>,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let convert = |this: &Self| {
            let value = match this.scalar() {
                Scalar::Json(value) => coerce::int_from_json(value),
                Scalar::Text(text) => coerce::int_from_str(text),
                Scalar::Missing => Err(coerce::IntError::Type),
            }
            .map_err(|error| this.error(error.kind()))?;
            if value < min {
                return Err(this
                    .error("greater_than_equal")
                    .with_message(format!("Input should be greater than or equal to {min}"))
                    .with_ctx("ge", json_int(min)));
            }
            if value > max {
                return Err(this
                    .error("less_than_equal")
                    .with_message(format!("Input should be less than or equal to {max}"))
                    .with_ctx("le", json_int(max)));
            }
            this.check(|c, error| c.check_number(Numeric::Int(value), error))?;
            Ok(value)
        };
        self.convert(0, convert, visit, visitor)
    }
}

fn json_int(value: i128) -> Value {
    i64::try_from(value)
        .map(Value::from)
        .or_else(|_| u64::try_from(value).map(Value::from))
        .unwrap_or(Value::Null)
}

/// Pydantic's wording for a choice between literal values.
fn expected_choices(variants: &[&str]) -> String {
    let quoted: Vec<String> = variants.iter().map(|v| format!("'{v}'")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

macro_rules! int_methods {
    ($($method:ident: $ty:ty => $visit:ident,)*) => {$(
        fn $method<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, DeError> {
            // Lossless: every value passed the range check of `$ty` first.
            self.int(<$ty>::MIN as i128, <$ty>::MAX as i128, |v: V, n| v.$visit(n as $ty), visitor)
        }
    )*};
}

impl<'a> Deserializer<'a> for De<'a, '_> {
    type Error = DeError;

    int_methods! {
        deserialize_i8: i8 => visit_i8,
        deserialize_i16: i16 => visit_i16,
        deserialize_i32: i32 => visit_i32,
        deserialize_i64: i64 => visit_i64,
        deserialize_u8: u8 => visit_u8,
        deserialize_u16: u16 => visit_u16,
        deserialize_u32: u32 => visit_u32,
        deserialize_u64: u64 => visit_u64,
    }

    fn deserialize_i128<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.int(i128::MIN, i128::MAX, |v: V, n| v.visit_i128(n), visitor)
    }

    fn deserialize_u128<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, DeError> {
        // Values above i128::MAX are rare enough in requests to be reported as
        // out of range.
        self.int(
            0,
            i128::MAX,
            |v: V, n| v.visit_u128(n.unsigned_abs()),
            visitor,
        )
    }

    fn deserialize_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, DeError> {
        let this = self.resolve();
        if this.missing_or_replaced() {
            return visitor.visit_unit().map_err(|e| this.stamp(e));
        }
        let result = match this.input {
            Input::Json(Value::Null) => visitor.visit_unit(),
            Input::Json(Value::Bool(flag)) => visitor.visit_bool(*flag),
            Input::Json(Value::Number(number)) => {
                if let Some(n) = number.as_u64() {
                    visitor.visit_u64(n)
                } else if let Some(n) = number.as_i64() {
                    visitor.visit_i64(n)
                } else {
                    visitor.visit_f64(number.as_f64().unwrap_or(f64::NAN))
                }
            }
            Input::Json(Value::String(text)) => visitor.visit_borrowed_str(text),
            Input::Text(text) => visitor.visit_borrowed_str(text),
            Input::Json(Value::Array(_)) => return this.deserialize_seq(visitor),
            Input::Texts([one]) => visitor.visit_borrowed_str(one),
            Input::Texts(_) => return this.deserialize_seq(visitor),
            Input::Json(Value::Object(_)) | Input::Params(..) => {
                return this.deserialize_map(visitor);
            }
            Input::Missing => visitor.visit_unit(),
        };
        result.map_err(|e| this.stamp(e))
    }

    fn deserialize_bool<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, DeError> {
        let convert = |this: &Self| {
            match this.scalar() {
                Scalar::Json(value) => coerce::bool_from_json(value),
                Scalar::Text(text) => coerce::bool_from_str(text),
                Scalar::Missing => Err(coerce::BoolError::Type),
            }
            .map_err(|error| this.error(error.kind()))
        };
        self.convert(false, convert, |v: V, b| v.visit_bool(b), visitor)
    }

    fn deserialize_f32<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_f64<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, DeError> {
        let convert = |this: &Self| {
            let value = match this.scalar() {
                Scalar::Json(value) => coerce::float_from_json(value),
                Scalar::Text(text) => coerce::float_from_str(text),
                Scalar::Missing => Err(coerce::FloatError::Type),
            }
            .map_err(|error| this.error(error.kind()))?;
            this.check(|c, error| c.check_number(Numeric::Float(value), error))?;
            Ok(value)
        };
        self.convert(0.0, convert, |v: V, f| v.visit_f64(f), visitor)
    }

    fn deserialize_char<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, DeError> {
        let convert = |this: &Self| {
            let text = this.text().ok_or_else(|| this.error("string_type"))?;
            let mut chars = text.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => Ok(c),
                _ => Err(this
                    .error("string_type")
                    .with_message("Input should be a single character")),
            }
        };
        self.convert('\0', convert, |v: V, c| v.visit_char(c), visitor)
    }

    fn deserialize_str<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, DeError> {
        let convert = |this: &Self| {
            let text = this.text().ok_or_else(|| this.error("string_type"))?;
            this.check(|c, error| c.check_str(text, error))?;
            Ok(text)
        };
        self.convert("", convert, |v: V, s| v.visit_borrowed_str(s), visitor)
    }

    fn deserialize_string<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, DeError> {
        let convert = |this: &Self| {
            this.text().map(str::as_bytes).ok_or_else(|| {
                this.error("bytes_type")
                    .with_message("Input should be a valid bytes")
            })
        };
        self.convert(
            &[][..],
            convert,
            |v: V, b| v.visit_borrowed_bytes(b),
            visitor,
        )
    }

    fn deserialize_byte_buf<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, DeError> {
        let this = self.resolve();
        if let Some(replaced) = this.replaced() {
            this.apply(replaced);
            return visitor.visit_none().map_err(|e| this.stamp(e));
        }
        let result = match this.input {
            Input::Missing | Input::Json(Value::Null) => visitor.visit_none(),
            _ => {
                let loc = this.loc.clone();
                let order = this.order.clone();
                let input = this.input_value();
                return visitor
                    .visit_some(this)
                    .map_err(|e| e.locate(&loc, &order, || input));
            }
        };
        result.map_err(|e| this.stamp(e))
    }

    fn deserialize_unit<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, DeError> {
        let this = self.resolve();
        if !this.missing_or_replaced() && !matches!(this.input, Input::Json(Value::Null)) {
            this.record_detail(
                this.error("none_required")
                    .with_message("Input should be None"),
            );
        }
        visitor.visit_unit().map_err(|e| this.stamp(e))
    }

    fn deserialize_unit_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'a>>(
        mut self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        // A value of a format (see `validation::format`): read by its rule.
        if let Some(format) = format::by_marker(name) {
            return self.read_format(format, visitor);
        }
        // A discriminated union (see `validation::union`): the tag, then the
        // variant it names.
        if let Some(tags) = union::take_handed_over(name).map_err(serde::de::Error::custom)? {
            return self.read_union(tags, visitor);
        }
        // A constrained model field (see `validation::constrained`): its
        // constraints apply to the value within.
        if let Some(constraints) = take_handed_over(name).map_err(serde::de::Error::custom)? {
            self.constraints = Some(constraints);
        }
        // An error the newtype's own visitor raises (a field's validator) is
        // the value's.
        let (loc, order, input) = (self.loc.clone(), self.order.clone(), self.input);
        visitor
            .visit_newtype_struct(self)
            .map_err(|e| e.locate(&loc, &order, || input.to_value()))
    }

    fn deserialize_seq<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, DeError> {
        let this = self.resolve();
        if this.missing_or_replaced() {
            return Placeholder
                .deserialize_seq(visitor)
                .map_err(|e| this.stamp(e));
        }
        let items: Vec<Input<'a>> = match this.input {
            Input::Json(Value::Array(items)) => items.iter().map(Input::Json).collect(),
            Input::Texts(texts) => texts.iter().map(|t| Input::Text(t)).collect(),
            Input::Text(text) => vec![Input::Text(text)],
            _ => {
                this.record("list_type");
                return Placeholder
                    .deserialize_seq(visitor)
                    .map_err(|e| this.stamp(e));
            }
        };
        let count = items.len();
        if let Err(too_long) = this.check(|c, error| c.check_max_items(count, error)) {
            this.record_detail(too_long);
            return Placeholder
                .deserialize_seq(visitor)
                .map_err(|e| this.stamp(e));
        }
        let errors_before = this.error_count();
        let items: Vec<_> = items
            .into_iter()
            .enumerate()
            .map(|(index, input)| (input, LocItem::Index(index)))
            .collect();
        let result = visitor.visit_seq(SeqItems {
            parent: &this,
            items: items.into_iter().enumerate(),
        });
        if this.error_count() == errors_before
            && let Err(too_short) = this.check(|c, error| c.check_min_items(count, error))
        {
            this.record_detail(too_short);
        }
        result.map_err(|e| this.stamp(e))
    }

    fn deserialize_tuple<V: Visitor<'a>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let this = self;
        // A tuple of path parameters, by position: `Path<(u32, String)>`.
        if let Input::Params(params, _) = this.input {
            let entries = params.entries_for(None);
            let items: Vec<_> = entries
                .into_iter()
                .map(|entry| (entry.input, LocItem::from(entry.loc_key)))
                .collect();
            return visitor
                .visit_seq(SeqItems {
                    parent: &this,
                    items: items.into_iter().enumerate(),
                })
                .map_err(|e| this.stamp(e));
        }
        let this = this.resolve();
        if this.missing_or_replaced() {
            return Placeholder
                .deserialize_tuple(len, visitor)
                .map_err(|e| this.stamp(e));
        }
        match this.input {
            Input::Json(Value::Array(_)) | Input::Texts(_) => this.deserialize_seq(visitor),
            _ => {
                this.record("tuple_type");
                Placeholder
                    .deserialize_tuple(len, visitor)
                    .map_err(|e| this.stamp(e))
            }
        }
    }

    fn deserialize_tuple_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_tuple(len, visitor)
    }

    fn deserialize_map<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, DeError> {
        // A struct or map reads the whole parameter set, whatever the argument's name.
        let this = match self.input {
            Input::Params(..) => self,
            _ => self.resolve(),
        };
        if this.missing_or_replaced() {
            return Placeholder
                .deserialize_map(visitor)
                .map_err(|e| this.stamp(e));
        }
        match this.entries(None) {
            Some(entries) => this
                .visit_entries(entries, visitor)
                .map_err(|e| this.stamp(e)),
            None => {
                this.record("dict_type");
                Placeholder
                    .deserialize_map(visitor)
                    .map_err(|e| this.stamp(e))
            }
        }
    }

    fn deserialize_struct<V: Visitor<'a>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        // A struct or map reads the whole parameter set, whatever the argument's name.
        let this = match self.input {
            Input::Params(..) => self,
            _ => self.resolve(),
        };
        if this.missing_or_replaced() {
            return Placeholder
                .deserialize_struct(name, fields, visitor)
                .map_err(|e| this.stamp(e));
        }
        match this.entries(Some(fields)) {
            Some(entries) => {
                // A struct of parameters is a FastAPI parameter model: a
                // missing field's input is all the parameters sent.
                let input = || match this.input {
                    Input::Json(value) => value.clone(),
                    Input::Params(params, _) => params.to_value(),
                    _ => Value::Null,
                };
                let loc_key = |field: &'static str| match this.input {
                    Input::Params(params, _) => LocItem::from(params.display_name(field)),
                    _ => LocItem::from(field),
                };
                this.visit_entries(entries, visitor)
                    .map_err(|e| e.locate_in_struct(&this.loc, &this.order, fields, loc_key, input))
            }
            None => {
                this.record("model_attributes_type");
                Placeholder
                    .deserialize_struct(name, fields, visitor)
                    .map_err(|e| this.stamp(e))
            }
        }
    }

    fn deserialize_enum<V: Visitor<'a>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let this = self.resolve();
        if this.missing_or_replaced() {
            return Placeholder
                .deserialize_enum(name, variants, visitor)
                .map_err(|e| this.stamp(e));
        }
        // `{"variant": null}` names a unit variant as it does for `serde_json`
        // on the fast path, also for a literal (Pydantic refuses it there).
        let literal = name == LITERAL;
        let (variant, content) = match this.input {
            Input::Json(Value::Object(object)) if object.len() == 1 => {
                object.iter().next().map(|(k, v)| (k.as_str(), v)).unzip()
            }
            _ => (this.text(), None),
        };
        match variant {
            Some(variant) if variants.contains(&variant) => {
                let content = content
                    .map(|value| this.child(Input::Json(value), variant.to_owned().into(), 0));
                visitor
                    .visit_enum(EnumInput { variant, content })
                    .map_err(|e| this.stamp(e))
            }
            _ => {
                let expected = expected_choices(variants);
                this.record_detail(
                    this.error(if literal { "literal_error" } else { "enum" })
                        .with_message(format!("Input should be {expected}"))
                        .with_ctx("expected", expected),
                );
                Placeholder
                    .deserialize_enum(name, variants, visitor)
                    .map_err(|e| this.stamp(e))
            }
        }
    }

    fn deserialize_identifier<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }
}
