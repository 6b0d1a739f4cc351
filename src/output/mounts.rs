//! `auth list` and `secrets list`: the mounts of a `sys/auth` or `sys/mounts` response as the
//! Vault CLI shows them.
//!
//! The Vault CLI decodes the response into its own `api.MountOutput` structs and prints those:
//! missing fields are Go's zero values, the table and JSON follow the struct (paths sorted,
//! JSON fields in declaration order, `config.token_type` left out when empty), YAML sorts
//! every key.

use serde_json::{Map, Value};

use crate::gofmt::format_value;
use crate::output::{table, to_json_ordered, to_yaml_ordered, Format, Node};

/// One mount as the CLI's struct holds it.
struct Mount<'a>(&'a Value);

impl Mount<'_> {
    fn get(&self, k: &str) -> Option<&Value> {
        self.0.get(k)
    }
    fn config(&self, k: &str) -> Option<&Value> {
        self.0.get("config").and_then(|c| c.get(k))
    }
    fn text(v: Option<&Value>) -> String {
        v.and_then(Value::as_str).unwrap_or_default().to_string()
    }
    fn str(&self, k: &str) -> String {
        Self::text(self.get(k))
    }
    fn bool(&self, k: &str) -> bool {
        self.get(k).and_then(Value::as_bool).unwrap_or(false)
    }
    /// An `int` field: the number as sent, else 0.
    fn int(v: Option<&Value>) -> Value {
        v.filter(|v| v.is_number())
            .cloned()
            .unwrap_or(Value::from(0))
    }
    /// A TTL column: `system` for 0, else the seconds.
    fn ttl(&self, k: &str) -> String {
        match Self::int(self.config(k)) {
            Value::Number(n) if n.to_string() != "0" => n.to_string(),
            _ => "system".into(),
        }
    }
    /// `%v` of the `map[string]string` options: `map[]` for none.
    fn options(&self) -> String {
        match self.get("options") {
            Some(v @ Value::Object(_)) => format_value(v),
            _ => "map[]".into(),
        }
    }

    /// The struct in declaration order.
    fn node(&self) -> Node {
        let v = |x: Value| Node::Value(x);
        let mut config = vec![
            (
                "default_lease_ttl".to_string(),
                v(Self::int(self.config("default_lease_ttl"))),
            ),
            (
                "max_lease_ttl".into(),
                v(Self::int(self.config("max_lease_ttl"))),
            ),
            (
                "force_no_cache".into(),
                v(Value::Bool(
                    self.config("force_no_cache")
                        .and_then(Value::as_bool)
                        .unwrap_or(false),
                )),
            ),
        ];
        // `omitempty` fields of the CLI's struct, in its order.
        if let Some(headers) = self
            .config("passthrough_request_headers")
            .and_then(Value::as_array)
            .filter(|h| !h.is_empty())
        {
            config.push((
                "passthrough_request_headers".into(),
                v(Value::Array(headers.clone())),
            ));
        }
        let token_type = Self::text(self.config("token_type"));
        if !token_type.is_empty() {
            config.push(("token_type".into(), v(Value::String(token_type))));
        }
        let options = match self.get("options") {
            Some(o @ Value::Object(_)) => o.clone(),
            _ => Value::Null,
        };
        let s = |k: &str| (k.to_string(), v(Value::String(self.str(k))));
        let b = |k: &str| (k.to_string(), v(Value::Bool(self.bool(k))));
        Node::Ordered(vec![
            s("uuid"),
            s("type"),
            s("description"),
            s("accessor"),
            ("config".into(), Node::Ordered(config)),
            ("options".into(), v(options)),
            b("local"),
            b("seal_wrap"),
            b("external_entropy_access"),
            s("plugin_version"),
            s("running_plugin_version"),
            s("running_sha256"),
            s("deprecation_status"),
        ])
    }
}

/// `auth list` in the run's format from the `data` of `GET sys/auth`: the table (5 columns,
/// or 16 with `-detailed`), or every mount in JSON or YAML. Returns the text with its newline.
pub fn auth_list(data: &Map<String, Value>, format: Format, detailed: bool) -> String {
    // `data` is sorted by path, as the CLI sorts it.
    let mounts: Vec<(&String, Mount)> = data.iter().map(|(p, m)| (p, Mount(m))).collect();
    match format {
        Format::Table if detailed => detailed_table(&mounts),
        Format::Table => {
            let rows: Vec<Vec<String>> = mounts
                .iter()
                .map(|(path, m)| {
                    vec![
                        path.to_string(),
                        m.str("type"),
                        m.str("accessor"),
                        m.str("description"),
                        m.str("plugin_version"),
                    ]
                })
                .collect();
            table(
                &["Path", "Type", "Accessor", "Description", "Version"],
                &rows,
            )
        }
        Format::Json | Format::Yaml => {
            let node = Node::Ordered(
                mounts
                    .iter()
                    .map(|(path, m)| (path.to_string(), m.node()))
                    .collect(),
            );
            if format == Format::Json {
                to_json_ordered(&node)
            } else {
                to_yaml_ordered(&node)
            }
        }
    }
}

/// `secrets list` in the run's format from the `data` of `GET sys/mounts`: the table (4
/// columns, or 16 with `-detailed`), or every mount in JSON or YAML (the same struct as
/// `auth list`'s). Returns the text with its newline.
pub fn secrets_list(data: &Map<String, Value>, format: Format, detailed: bool) -> String {
    let mounts: Vec<(&String, Mount)> = data.iter().map(|(p, m)| (p, Mount(m))).collect();
    match format {
        Format::Table if detailed => secrets_detailed(&mounts),
        Format::Table => {
            let rows: Vec<Vec<String>> = mounts
                .iter()
                .map(|(path, m)| {
                    vec![
                        path.to_string(),
                        m.str("type"),
                        m.str("accessor"),
                        m.str("description"),
                    ]
                })
                .collect();
            table(&["Path", "Type", "Accessor", "Description"], &rows)
        }
        Format::Json | Format::Yaml => auth_list(data, format, detailed),
    }
}

fn secrets_detailed(mounts: &[(&String, Mount)]) -> String {
    let rows: Vec<Vec<String>> = mounts
        .iter()
        .map(|(path, m)| {
            let kind = m.str("type");
            // No TTL column for the engines that have none.
            let ttl = |k: &str| match kind.as_str() {
                "system" | "cubbyhole" => String::new(),
                _ => m.ttl(k),
            };
            vec![
                path.to_string(),
                kind.clone(),
                m.str("accessor"),
                ttl("default_lease_ttl"),
                ttl("max_lease_ttl"),
                m.config("force_no_cache")
                    .and_then(Value::as_bool)
                    .unwrap_or(false)
                    .to_string(),
                if m.bool("local") {
                    "local".into()
                } else {
                    "replicated".into()
                },
                m.bool("seal_wrap").to_string(),
                m.bool("external_entropy_access").to_string(),
                m.options(),
                m.str("description"),
                m.str("uuid"),
                m.str("plugin_version"),
                m.str("running_plugin_version"),
                m.str("running_sha256"),
                m.str("deprecation_status"),
            ]
        })
        .collect();
    table(
        &[
            "Path",
            "Plugin",
            "Accessor",
            "Default TTL",
            "Max TTL",
            "Force No Cache",
            "Replication",
            "Seal Wrap",
            "External Entropy Access",
            "Options",
            "Description",
            "UUID",
            "Version",
            "Running Version",
            "Running SHA256",
            "Deprecation Status",
        ],
        &rows,
    )
}

fn detailed_table(mounts: &[(&String, Mount)]) -> String {
    let rows: Vec<Vec<String>> = mounts
        .iter()
        .map(|(path, m)| {
            vec![
                path.to_string(),
                m.str("type"),
                m.str("accessor"),
                m.ttl("default_lease_ttl"),
                m.ttl("max_lease_ttl"),
                Mount::text(m.config("token_type")),
                if m.bool("local") {
                    "local".into()
                } else {
                    "replicated".into()
                },
                m.bool("seal_wrap").to_string(),
                m.bool("external_entropy_access").to_string(),
                m.options(),
                m.str("description"),
                m.str("uuid"),
                m.str("plugin_version"),
                m.str("running_plugin_version"),
                m.str("running_sha256"),
                m.str("deprecation_status"),
            ]
        })
        .collect();
    table(
        &[
            "Path",
            "Plugin",
            "Accessor",
            "Default TTL",
            "Max TTL",
            "Token Type",
            "Replication",
            "Seal Wrap",
            "External Entropy Access",
            "Options",
            "Description",
            "UUID",
            "Version",
            "Running Version",
            "Running SHA256",
            "Deprecation Status",
        ],
        &rows,
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// `sys/auth` data as OpenBao 2.7.2 answers it (`token/` has no `deprecation_status`),
    /// with jwtvault's running version.
    fn sample() -> Map<String, Value> {
        let v = json!({
            "fd/": {
                "accessor": "auth_jwt_18464655",
                "config": {"default_lease_ttl": 3600, "force_no_cache": false, "max_lease_ttl": 7200, "token_type": "batch"},
                "deprecation_status": "supported",
                "description": "my desc",
                "external_entropy_access": false,
                "local": false,
                "options": null,
                "plugin_version": "",
                "running_plugin_version": "v9.9.9+builtin.jwtvault",
                "running_sha256": "",
                "seal_wrap": false,
                "type": "jwt",
                "uuid": "0e548009-2dca-272e-f6a5-31e5bdd7de5c"
            },
            "token/": {
                "accessor": "auth_token_15b2ec7f",
                "config": {"default_lease_ttl": 0, "force_no_cache": false, "max_lease_ttl": 0, "token_type": "default-service"},
                "description": "token based credentials",
                "external_entropy_access": false,
                "local": false,
                "options": null,
                "plugin_version": "",
                "running_plugin_version": "v9.9.9+builtin.jwtvault",
                "running_sha256": "",
                "seal_wrap": false,
                "type": "token",
                "uuid": "6ba09090-40e2-a84a-3b67-350e39c33bd2"
            }
        });
        v.as_object().cloned().expect("object")
    }

    #[test]
    fn the_table_is_the_clis() {
        assert_eq!(
            auth_list(&sample(), Format::Table, false),
            "Path      Type     Accessor               Description                Version\n\
             ----      ----     --------               -----------                -------\n\
             fd/       jwt      auth_jwt_18464655      my desc                    n/a\n\
             token/    token    auth_token_15b2ec7f    token based credentials    n/a\n"
        );
        // bao auth list -detailed, with its running version replaced.
        assert_eq!(
            auth_list(&sample(), Format::Table, true),
            "Path      Plugin    Accessor               Default TTL    Max TTL    Token Type         Replication    Seal Wrap    External Entropy Access    Options    Description                UUID                                    Version    Running Version            Running SHA256    Deprecation Status\n\
             ----      ------    --------               -----------    -------    ----------         -----------    ---------    -----------------------    -------    -----------                ----                                    -------    ---------------            --------------    ------------------\n\
             fd/       jwt       auth_jwt_18464655      3600           7200       batch              replicated     false        false                      map[]      my desc                    0e548009-2dca-272e-f6a5-31e5bdd7de5c    n/a        v9.9.9+builtin.jwtvault    n/a               supported\n\
             token/    token     auth_token_15b2ec7f    system         system     default-service    replicated     false        false                      map[]      token based credentials    6ba09090-40e2-a84a-3b67-350e39c33bd2    n/a        v9.9.9+builtin.jwtvault    n/a               n/a\n"
        );
    }

    #[test]
    fn json_follows_the_clis_struct_and_yaml_sorts() {
        let json = auth_list(&sample(), Format::Json, false);
        assert!(
            json.starts_with(
                "{\n  \"fd/\": {\n    \"uuid\": \"0e548009-2dca-272e-f6a5-31e5bdd7de5c\",\n    \"type\": \"jwt\",\n    \"description\": \"my desc\",\n    \"accessor\": \"auth_jwt_18464655\",\n    \"config\": {\n      \"default_lease_ttl\": 3600,\n      \"max_lease_ttl\": 7200,\n      \"force_no_cache\": false,\n      \"token_type\": \"batch\"\n    },\n    \"options\": null,\n    \"local\": false,\n    \"seal_wrap\": false,\n    \"external_entropy_access\": false,\n    \"plugin_version\": \"\",\n    \"running_plugin_version\": \"v9.9.9+builtin.jwtvault\",\n    \"running_sha256\": \"\",\n    \"deprecation_status\": \"supported\"\n  },\n"
            ),
            "{json}"
        );
        // The struct's zero value where the response has no field.
        assert!(
            json.ends_with("    \"deprecation_status\": \"\"\n  }\n}\n"),
            "{json}"
        );
        let yaml = auth_list(&sample(), Format::Yaml, false);
        assert!(
            yaml.starts_with("fd/:\n  accessor: auth_jwt_18464655\n  config:\n    default_lease_ttl: 3600\n    force_no_cache: false\n    max_lease_ttl: 7200\n    token_type: batch\n  deprecation_status: supported\n"),
            "{yaml}"
        );
        assert!(yaml.contains("\n  deprecation_status: \"\"\n"), "{yaml}");
    }

    #[test]
    fn what_the_response_leaves_out_is_gos_zero_value() {
        let mut data = Map::new();
        data.insert(
            "x/".into(),
            json!({"type": "kv", "local": true, "options": {"version": "2"}, "config": {"default_lease_ttl": 60}}),
        );
        assert_eq!(
            auth_list(&data, Format::Json, false),
            "{\n  \"x/\": {\n    \"uuid\": \"\",\n    \"type\": \"kv\",\n    \"description\": \"\",\n    \"accessor\": \"\",\n    \"config\": {\n      \"default_lease_ttl\": 60,\n      \"max_lease_ttl\": 0,\n      \"force_no_cache\": false\n    },\n    \"options\": {\n      \"version\": \"2\"\n    },\n    \"local\": true,\n    \"seal_wrap\": false,\n    \"external_entropy_access\": false,\n    \"plugin_version\": \"\",\n    \"running_plugin_version\": \"\",\n    \"running_sha256\": \"\",\n    \"deprecation_status\": \"\"\n  }\n}\n"
        );
        let detailed = auth_list(&data, Format::Table, true);
        assert!(
            detailed.contains("x/      kv        n/a         60             system     n/a           local          false        false                      map[version:2]"),
            "{detailed}"
        );
    }
}
