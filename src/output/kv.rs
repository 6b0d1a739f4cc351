//! What the `kv` commands print, as the Vault CLI's `kv_*.go` prints it: the `== Secret Path ==`,
//! `== Metadata ==`, `== Data ==` and `== Version N ==` sections (headers padded with `=` by
//! `padEqualSigns`, counted in bytes), their `Key`/`Value` tables (`OutputData`: sorted keys,
//! durations humanised, nothing for an empty map) and a `-field` value.
//!
//! Every function returns exactly the bytes to write, trailing newline included; nothing here
//! writes or decides an exit status.

use serde_json::{Map, Value};

use crate::api::Response;
use crate::gofmt::format_value;
use crate::output::{secret_table, to_json, Format};
use crate::yaml;

/// Vault's `padEqualSigns`: `title` between runs of `=`, `total_len` bytes wide when it can be
/// (never fewer than two `=` on each side, the same number on both).
pub fn pad_equal_signs(title: &str, total_len: usize) -> String {
    let mut n = total_len as i64 - (title.len() as i64 + 2);
    if n <= 0 {
        n = 4;
    }
    if n % 2 != 0 {
        n += 1;
    }
    let side = "=".repeat((n / 2) as usize);
    format!("{side} {title} {side}")
}

/// Vault's `getHeaderForMap`: the header of a table of `map` (its longest key in bytes, plus
/// the column gap and `Value`), with its newline.
pub fn map_header(title: &str, map: &Map<String, Value>) -> String {
    let longest = map.keys().map(String::len).max().unwrap_or(0);
    format!("{}\n", pad_equal_signs(title, longest + 4 + 5))
}

/// Vault's `outputPath`: the section naming the API path (`Secret Path`, `Metadata Path`), the
/// path, and an empty line.
pub fn path_section(title: &str, path: &str) -> String {
    format!("{}\n{path}\n\n", pad_equal_signs(title, path.len()))
}

/// Vault's `OutputData` of a map in a table: `Key`/`Value` rows, keys sorted, durations
/// humanised; nothing at all for an empty map.
pub fn data_table(map: &Map<String, Value>) -> String {
    secret_table(&Response {
        data: Some(map.clone()),
        ..Response::default()
    })
}

/// `kv get` in a table: the `Secret Path` section (version 2), the `Metadata` section and its
/// empty line when the secret has metadata, then the `Data` section when it has data (the
/// secret's `data.data` on version 2, the whole secret on version 1).
pub fn get_table(full_path: &str, secret: &Response, v2: bool) -> String {
    let mut out = String::new();
    if v2 {
        out.push_str(&path_section("Secret Path", full_path));
    }
    let data = secret.data.as_ref();
    if let Some(meta) = data
        .and_then(|d| d.get("metadata"))
        .filter(|m| !m.is_null())
    {
        let meta = meta.as_object().cloned().unwrap_or_default();
        out.push_str(&map_header("Metadata", &meta));
        out.push_str(&data_table(&meta));
        out.push('\n');
    }
    let shown = if v2 {
        data.and_then(|d| d.get("data")).and_then(Value::as_object)
    } else {
        data
    };
    if let Some(shown) = shown {
        out.push_str(&map_header("Data", shown));
        out.push_str(&data_table(shown));
    }
    out
}

/// `kv put` and `kv patch` in a table: the `Secret Path` section, then the written version's
/// metadata under a `Metadata` header (no empty line after it).
pub fn written_table(full_path: &str, secret: &Response) -> String {
    let empty = Map::new();
    let meta = secret.data.as_ref().unwrap_or(&empty);
    format!(
        "{}{}{}",
        path_section("Secret Path", full_path),
        map_header("Metadata", meta),
        data_table(meta)
    )
}

/// The head of `kv metadata get` in a table: the `Metadata Path` section and the `Metadata`
/// header of the key's fields (`versions` left out); the fields' table follows.
pub fn metadata_head(full_path: &str, fields: &Map<String, Value>) -> String {
    format!(
        "{}{}",
        path_section("Metadata Path", full_path),
        map_header("Metadata", fields)
    )
}

/// One version of `kv metadata get`: an empty line, its `Version N` header and its table.
pub fn version_section(number: i64, times: &Map<String, Value>) -> String {
    format!(
        "\n{}{}",
        map_header(&format!("Version {number}"), times),
        data_table(times)
    )
}

/// A `-field` value of a secret's data as Vault's `PrintRawField` writes it: Go's `%v` in a
/// table, indented JSON without a newline, or YAML (which ends with one).
pub fn raw_value(v: &Value, format: Format) -> String {
    match format {
        Format::Table => format_value(v),
        Format::Json => {
            let mut s = to_json(v);
            s.pop();
            s
        }
        Format::Yaml => yaml::marshal(v),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn headers_are_padded_as_vault_pads_them() {
        // The captures of the KV notes (§0.1).
        for (title, len, want) in [
            ("Secret Path", "secret/data/foo".len(), "= Secret Path ="),
            (
                "Secret Path",
                "secret/data/cas/a".len(),
                "== Secret Path ==",
            ),
            (
                "Secret Path",
                "secret/data/app/db".len(),
                "=== Secret Path ===",
            ),
            (
                "Secret Path",
                "secret/data/emptymap".len(),
                "==== Secret Path ====",
            ),
            (
                "Secret Path",
                "secret/data/ünï/cødé".len(),
                "====== Secret Path ======",
            ),
            ("Secret Path", "secret/data".len(), "== Secret Path =="),
            (
                "Metadata Path",
                "secret/metadata/app/db".len(),
                "==== Metadata Path ====",
            ),
            ("Metadata", 15 + 9, "======= Metadata ======="),
            ("Metadata", 24 + 9, "============ Metadata ============"),
            ("Data", 9, "== Data =="),
            ("Data", 4 + 9, "==== Data ===="),
            ("Data", 8 + 9, "====== Data ======"),
            ("Version 3", 13 + 9, "====== Version 3 ======"),
            ("Version 10", 13 + 9, "===== Version 10 ====="),
            ("Version 100", 13 + 9, "===== Version 100 ====="),
        ] {
            assert_eq!(pad_equal_signs(title, len), want, "{title} {len}");
        }
        // Bytes, not characters: `ключ` is 8 bytes.
        assert_eq!(
            map_header("Data", &map(json!({"emoji": 1, "ключ": 2}))),
            "====== Data ======\n"
        );
        assert_eq!(map_header("Data", &Map::new()), "== Data ==\n");
    }

    #[test]
    fn a_get_prints_path_metadata_and_data() {
        let secret = Response {
            data: Some(map(json!({
                "data": {"user": "admin", "ttl": 3600, "empty": "  "},
                "metadata": {"created_time": "2026-12-03T07:44:56.149273586Z",
                    "custom_metadata": {"team": "ops", "owner": "alice"}, "deletion_time": "",
                    "destroyed": false, "version": 1}
            }))),
            ..Response::default()
        };
        assert_eq!(
            get_table("secret/data/app/db", &secret, true),
            "=== Secret Path ===\nsecret/data/app/db\n\n\
             ======= Metadata =======\n\
             Key                Value\n\
             ---                -----\n\
             created_time       2026-12-03T07:44:56.149273586Z\n\
             custom_metadata    map[owner:alice team:ops]\n\
             deletion_time      n/a\n\
             destroyed          false\n\
             version            1\n\n\
             ==== Data ====\n\
             Key      Value\n\
             ---      -----\n\
             empty    n/a\n\
             ttl      1h\n\
             user     admin\n"
        );
        // A deleted version: no data, the empty line after the metadata stays.
        let deleted = Response {
            data: Some(map(json!({"data": null, "metadata": {"version": 6}}))),
            ..Response::default()
        };
        assert_eq!(
            get_table("secret/data/app/db", &deleted, true),
            "=== Secret Path ===\nsecret/data/app/db\n\n=== Metadata ===\nKey        Value\n---        -----\nversion    6\n\n"
        );
        // The root of a mount: only the path.
        assert_eq!(
            get_table("secret/data", &Response::default(), true),
            "== Secret Path ==\nsecret/data\n\n"
        );
        // Version 1: the secret's data alone; `{}` prints the header only.
        let v1 = Response {
            data: Some(map(json!({"a": "1"}))),
            ..Response::default()
        };
        assert_eq!(
            get_table("v1/foo", &v1, false),
            "== Data ==\nKey    Value\n---    -----\na      1\n"
        );
        let empty = Response {
            data: Some(map(json!({"data": {}, "metadata": null}))),
            ..Response::default()
        };
        assert_eq!(
            get_table("s/data/e", &empty, true),
            "== Secret Path ==\ns/data/e\n\n== Data ==\n"
        );
    }

    #[test]
    fn metadata_and_versions() {
        let fields = map(json!({"current_metadata_version": 0, "max_versions": 0}));
        assert_eq!(
            metadata_head("secret/metadata/app/db", &fields),
            "==== Metadata Path ====\nsecret/metadata/app/db\n\n============ Metadata ============\n"
        );
        let times = map(json!({"created_time": "t", "deletion_time": "", "destroyed": true}));
        assert_eq!(
            version_section(9, &times),
            "\n====== Version 9 ======\nKey              Value\n---              -----\ncreated_time     t\ndeletion_time    n/a\ndestroyed        true\n"
        );
    }

    #[test]
    fn field_values() {
        let obj = json!({"b": 2, "a": [true, false], "nested": {"k": "v"}});
        assert_eq!(
            raw_value(&obj, Format::Table),
            "map[a:[true false] b:2 nested:map[k:v]]"
        );
        assert_eq!(
            raw_value(&obj, Format::Json),
            "{\n  \"a\": [\n    true,\n    false\n  ],\n  \"b\": 2,\n  \"nested\": {\n    \"k\": \"v\"\n  }\n}"
        );
        assert_eq!(
            raw_value(&obj, Format::Yaml),
            "a:\n- true\n- false\nb: 2\nnested:\n  k: v\n"
        );
        assert_eq!(raw_value(&json!("s"), Format::Json), "\"s\"");
        assert_eq!(raw_value(&json!(""), Format::Table), "");
    }
}
