//! Vault's `sdk/framework` field data, reduced to what jwtvault's handlers need: a path
//! declares its fields in a table ([`FieldSchema`]: name, Vault type, schema default, the
//! field a deprecated one stands for), [`FieldData::parse`] converts every field of the request
//! the table names with [`crate::fields`] (so conversion errors come first, before the handler
//! looks at any value, as Vault validates the whole request before calling a handler), and the
//! handler reads the typed values with Vault's `GetOk` ([`FieldData::string`] and friends) or
//! `Get` ([`FieldData::string_or_default`]).
//!
//! Owns: which conversion a declared type uses, the order fields are converted in (the order
//! of the tables), and "given or not". Must not: know Vault's rules between fields (those are
//! the handler's checks).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::fields::{self, FieldError};

/// A path's own conversion of a `TypeMap` field: Vault's nil map is `None`.
pub type MapParser = fn(&str, &Value) -> Result<Option<Map<String, Value>>, FieldError>;

/// A Vault field type (`framework.FieldType`), converted by the [`crate::fields`] function of
/// the same name.
#[derive(Clone, Copy)]
pub enum FieldType {
    /// `TypeString`.
    String,
    /// `TypeCommaStringSlice`.
    CommaStringSlice,
    /// `TypeDurationSecond`: whole seconds, never negative; null is "not given".
    DurationSecond,
    /// `TypeSignedDurationSecond`: whole seconds, may be negative; null is "not given".
    SignedDurationSecond,
    /// `TypeBool`.
    Bool,
    /// `TypeInt`.
    Int,
    /// `TypeKVPairs`: null is "not given".
    KvPairs,
    /// `TypeMap`, converted by the path's own function (jwtvault accepts more forms than
    /// Vault's map for some fields, e.g. `bound_claims`, see docs/deviations.md D-3). The
    /// function returns Vault's nil map as `None`.
    Map(MapParser),
}

/// One field of a path: its name, type, Vault's schema default (`Default`, as the request
/// would give it; only [`FieldData::string_or_default`] uses it), and for a deprecated field
/// the field that replaces it.
#[derive(Clone, Copy)]
pub struct FieldSchema {
    pub name: &'static str,
    pub kind: FieldType,
    pub default: Option<&'static str>,
    pub deprecated_for: Option<&'static str>,
}

impl FieldSchema {
    /// A field without a schema default.
    pub const fn new(name: &'static str, kind: FieldType) -> FieldSchema {
        FieldSchema {
            name,
            kind,
            default: None,
            deprecated_for: None,
        }
    }

    /// A field whose schema declares a default.
    pub const fn with_default(
        name: &'static str,
        kind: FieldType,
        default: &'static str,
    ) -> FieldSchema {
        FieldSchema {
            name,
            kind,
            default: Some(default),
            deprecated_for: None,
        }
    }

    /// A deprecated field standing for `replacement`.
    pub const fn deprecated(
        name: &'static str,
        kind: FieldType,
        replacement: &'static str,
    ) -> FieldSchema {
        FieldSchema {
            name,
            kind,
            default: None,
            deprecated_for: Some(replacement),
        }
    }
}

/// A converted field value.
#[derive(Clone, Debug, PartialEq)]
enum Typed {
    String(String),
    Strings(Vec<String>),
    Seconds(i64),
    Bool(bool),
    Int(i64),
    Pairs(BTreeMap<String, String>),
    Map(Option<Map<String, Value>>),
}

/// The request's fields, converted: only those the request gives (Vault's `GetOk`).
pub struct FieldData {
    given: BTreeMap<&'static str, Typed>,
    defaults: BTreeMap<&'static str, &'static str>,
}

impl FieldData {
    /// Converts every field the tables name that the request gives, table by table, field by
    /// field: the first conversion error, in that order, is the request's error. Fields the
    /// tables do not name are ignored.
    pub fn parse(body: &Map<String, Value>, tables: &[&[FieldSchema]]) -> Result<Self, FieldError> {
        let mut given = BTreeMap::new();
        let mut defaults = BTreeMap::new();
        for schema in tables.iter().flat_map(|t| t.iter()) {
            if let Some(d) = schema.default {
                defaults.insert(schema.name, d);
            }
            let Some(v) = body.get(schema.name) else {
                continue;
            };
            if let Some(typed) = convert(schema, v)? {
                given.insert(schema.name, typed);
            }
        }
        Ok(FieldData { given, defaults })
    }

    /// Whether the request gives the field (a null duration or key-value list is not given).
    pub fn has(&self, name: &str) -> bool {
        self.given.contains_key(name)
    }

    /// A `TypeString` field, if given.
    pub fn string(&self, name: &str) -> Option<String> {
        match self.given.get(name) {
            Some(Typed::String(s)) => Some(s.clone()),
            _ => None,
        }
    }

    /// A `TypeString` field, or its schema default (Vault's `Get`; `""` with no default).
    pub fn string_or_default(&self, name: &str) -> String {
        self.string(name).unwrap_or_else(|| {
            self.defaults
                .get(name)
                .map(|d| d.to_string())
                .unwrap_or_default()
        })
    }

    /// A `TypeCommaStringSlice` field, if given.
    pub fn strings(&self, name: &str) -> Option<Vec<String>> {
        match self.given.get(name) {
            Some(Typed::Strings(v)) => Some(v.clone()),
            _ => None,
        }
    }

    /// A duration field (signed or not) in seconds, if given.
    pub fn seconds(&self, name: &str) -> Option<i64> {
        match self.given.get(name) {
            Some(Typed::Seconds(v)) => Some(*v),
            _ => None,
        }
    }

    /// A `TypeBool` field, if given.
    pub fn bool(&self, name: &str) -> Option<bool> {
        match self.given.get(name) {
            Some(Typed::Bool(v)) => Some(*v),
            _ => None,
        }
    }

    /// A `TypeInt` field, if given.
    pub fn int(&self, name: &str) -> Option<i64> {
        match self.given.get(name) {
            Some(Typed::Int(v)) => Some(*v),
            _ => None,
        }
    }

    /// A `TypeKVPairs` field, if given.
    pub fn pairs(&self, name: &str) -> Option<BTreeMap<String, String>> {
        match self.given.get(name) {
            Some(Typed::Pairs(v)) => Some(v.clone()),
            _ => None,
        }
    }

    /// A `TypeMap` field, if given; `Some(None)` is Vault's nil map (a JSON null).
    pub fn map(&self, name: &str) -> Option<Option<Map<String, Value>>> {
        match self.given.get(name) {
            Some(Typed::Map(v)) => Some(v.clone()),
            _ => None,
        }
    }
}

/// One field's conversion; `None` when the value counts as not given.
fn convert(schema: &FieldSchema, v: &Value) -> Result<Option<Typed>, FieldError> {
    let k = schema.name;
    Ok(match schema.kind {
        FieldType::String => Some(Typed::String(fields::string(k, v)?)),
        FieldType::CommaStringSlice => Some(Typed::Strings(fields::comma_string_slice(k, v)?)),
        FieldType::DurationSecond => fields::duration_seconds(k, v)?.map(Typed::Seconds),
        FieldType::SignedDurationSecond => {
            fields::signed_duration_seconds(k, v)?.map(Typed::Seconds)
        }
        FieldType::Bool => Some(Typed::Bool(fields::bool(k, v)?)),
        FieldType::Int => Some(Typed::Int(fields::int(k, v)?)),
        FieldType::KvPairs => fields::kv_pairs(k, v)?.map(Typed::Pairs),
        FieldType::Map(parse) => Some(Typed::Map(parse(k, v)?)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const TABLE: &[FieldSchema] = &[
        FieldSchema::with_default("kind", FieldType::String, "plain"),
        FieldSchema::new("ttl", FieldType::DurationSecond),
        FieldSchema::new("skew", FieldType::SignedDurationSecond),
        FieldSchema::new("list", FieldType::CommaStringSlice),
        FieldSchema::new("flag", FieldType::Bool),
        FieldSchema::new("uses", FieldType::Int),
        FieldSchema::new("pairs", FieldType::KvPairs),
        FieldSchema::new("map", FieldType::Map(fields::map)),
    ];

    fn body(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    #[test]
    fn converts_each_type_and_keeps_only_given_fields() {
        let d = FieldData::parse(
            &body(json!({
                "ttl": "1h", "skew": "-5", "list": "a, b", "flag": "t", "uses": "0x10",
                "pairs": "k=v", "map": {"x": 1}, "unknown": [1]
            })),
            &[TABLE],
        )
        .unwrap();
        assert_eq!(d.seconds("ttl"), Some(3600));
        assert_eq!(d.seconds("skew"), Some(-5));
        assert_eq!(d.strings("list"), Some(vec!["a".into(), "b".into()]));
        assert_eq!(d.bool("flag"), Some(true));
        assert_eq!(d.int("uses"), Some(16));
        assert_eq!(d.pairs("pairs").unwrap()["k"], "v");
        assert_eq!(d.map("map"), Some(Some(body(json!({"x": 1})))));
        assert!(!d.has("kind") && !d.has("unknown"));
        assert_eq!(d.string("kind"), None);
        assert_eq!(d.string_or_default("kind"), "plain");
        assert_eq!(d.string_or_default("ttl"), "");
    }

    #[test]
    fn null_durations_and_pairs_are_not_given_but_a_null_map_is() {
        let d = FieldData::parse(
            &body(json!({"ttl": null, "pairs": null, "map": null, "kind": null})),
            &[TABLE],
        )
        .unwrap();
        assert!(!d.has("ttl") && !d.has("pairs"));
        assert_eq!(d.map("map"), Some(None));
        // A null string is "" and given, so the default does not apply.
        assert_eq!(d.string("kind").as_deref(), Some(""));
        assert_eq!(d.string_or_default("kind"), "");
    }

    #[test]
    fn the_first_bad_field_in_table_order_is_the_error() {
        let err = FieldData::parse(
            &body(json!({"uses": "x", "ttl": "-1", "flag": "maybe"})),
            &[&TABLE[3..], &TABLE[..3]],
        )
        .err()
        .unwrap();
        assert_eq!(err.field, "flag");
        let err = FieldData::parse(&body(json!({"uses": "x", "ttl": "-1"})), &[TABLE])
            .err()
            .unwrap();
        assert_eq!(
            err.to_string(),
            "error converting input for field \"ttl\": cannot provide negative value '-1'"
        );
    }
}
