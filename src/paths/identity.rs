//! `identity/…`: entities and their aliases (made by logins), external groups and group
//! aliases (made by the operator), and the bookkeeping a login does with them
//! (cli-reference §8).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::api::{ApiError, Operation, Response};
use crate::fields;
use crate::ids;
use crate::paths::{data, keys, not_found};
use crate::store::{AliasKeys, MountRow, Store};
use crate::token::rfc3339;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Entity {
    pub id: String,
    pub name: String,
    pub metadata: Option<BTreeMap<String, String>>,
    pub policies: Vec<String>,
    pub disabled: bool,
    pub creation_time: String,
    pub last_update_time: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Alias {
    pub id: String,
    pub canonical_id: String,
    pub name: String,
    pub mount_accessor: String,
    pub mount_path: String,
    pub mount_type: String,
    pub metadata: Option<BTreeMap<String, String>>,
    pub creation_time: String,
    pub last_update_time: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Group {
    pub id: String,
    pub name: String,
    /// `internal` or `external`.
    pub kind: String,
    pub policies: Vec<String>,
    pub metadata: Option<BTreeMap<String, String>>,
    pub creation_time: String,
    pub last_update_time: String,
    pub modify_index: i64,
    /// Whether the member list was ever changed: OpenBao shows a group that never had members
    /// with `member_entity_ids` null, and one whose members all left with `[]`.
    pub members_touched: bool,
}

/// The identity a login established.
pub struct LoginIdentity {
    pub entity_id: String,
    pub identity_policies: Vec<String>,
}

fn alias_json(a: &Alias, with_namespace: bool) -> Value {
    let mut v = json!({
        "canonical_id": a.canonical_id,
        "creation_time": a.creation_time,
        "custom_metadata": Value::Null,
        "id": a.id,
        "last_update_time": a.last_update_time,
        "local": false,
        "merged_from_canonical_ids": Value::Null,
        "metadata": a.metadata,
        "mount_accessor": a.mount_accessor,
        "mount_path": a.mount_path,
        "mount_type": a.mount_type,
        "name": a.name,
    });
    if with_namespace {
        if let Value::Object(o) = &mut v {
            o.insert("namespace_id".into(), json!("root"));
        }
    }
    v
}

fn object(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// The policies an entity gets from itself and its groups, sanitised and sorted.
pub fn identity_policies(store: &Store, entity_id: &str) -> Result<Vec<String>, ApiError> {
    let mut out = Vec::new();
    if entity_id.is_empty() {
        return Ok(out);
    }
    if let Some(e) = store.get_entity::<Entity>(entity_id)? {
        out.extend(e.policies);
    }
    for gid in store.groups_of_entity(entity_id)? {
        if let Some(g) = store.get_group::<Group>(&gid)? {
            out.extend(g.policies);
        }
    }
    let mut out: Vec<String> = out
        .into_iter()
        .map(|p| p.trim().to_lowercase())
        .filter(|p| !p.is_empty())
        .collect();
    out.sort();
    out.dedup();
    Ok(out)
}

/// Vault core's bookkeeping after a successful login: find or create the entity behind the
/// alias `(mount accessor, name)`, refresh the alias metadata, and make the entity a member of
/// exactly the external groups (of this mount) whose aliases the groups claim names.
pub fn on_login(
    store: &Store,
    mount: &MountRow,
    alias_name: &str,
    metadata: &BTreeMap<String, String>,
    group_names: &[String],
    now: f64,
) -> Result<LoginIdentity, ApiError> {
    let stamp = rfc3339(now);
    let entity_id = match store.find_entity_alias::<Alias>(&mount.accessor, alias_name)? {
        Some(mut alias) => {
            let meta = Some(metadata.clone());
            if alias.metadata != meta {
                alias.metadata = meta;
                alias.last_update_time = stamp.clone();
                store.put_entity_alias(&alias_keys(&alias), &alias)?;
            }
            alias.canonical_id
        }
        None => {
            let entity = Entity {
                id: ids::uuid(),
                // OpenBao names entities in the root namespace `entity_<8 hex>.root`.
                name: format!("entity_{}.root", ids::random_hex(4)),
                metadata: None,
                policies: Vec::new(),
                disabled: false,
                creation_time: stamp.clone(),
                last_update_time: stamp.clone(),
            };
            store.put_entity(&entity.id, &entity.name, &entity)?;
            let alias = Alias {
                id: ids::uuid(),
                canonical_id: entity.id.clone(),
                name: alias_name.to_string(),
                mount_accessor: mount.accessor.clone(),
                mount_path: format!("auth/{}", mount.path),
                mount_type: mount.kind.clone(),
                metadata: Some(metadata.clone()),
                creation_time: stamp.clone(),
                last_update_time: stamp.clone(),
            };
            store.put_entity_alias(&alias_keys(&alias), &alias)?;
            entity.id
        }
    };
    if let Some(e) = store.get_entity::<Entity>(&entity_id)? {
        if e.disabled {
            return Err(ApiError::permission_denied());
        }
    }
    // Groups named by the claim that have an alias on this mount.
    let mut wanted = Vec::new();
    for name in group_names {
        if let Some(ga) = store.find_group_alias::<Alias>(&mount.accessor, name)? {
            wanted.push(ga.canonical_id);
        }
    }
    let current = store.groups_of_entity(&entity_id)?;
    for gid in &current {
        let on_this_mount = store
            .group_alias_of::<Alias>(gid)?
            .is_some_and(|ga| ga.mount_accessor == mount.accessor);
        if on_this_mount && !wanted.contains(gid) {
            store.remove_group_member(gid, &entity_id)?;
            touch_group(store, gid)?;
        }
    }
    for gid in &wanted {
        if !current.contains(gid) {
            store.add_group_member(gid, &entity_id)?;
            touch_group(store, gid)?;
        }
    }
    let identity_policies = identity_policies(store, &entity_id)?;
    Ok(LoginIdentity {
        entity_id,
        identity_policies,
    })
}

/// A membership change bumps the group's `modify_index` (but not its `last_update_time`), as
/// OpenBao does.
fn touch_group(store: &Store, gid: &str) -> Result<(), ApiError> {
    if let Some(mut g) = store.get_group::<Group>(gid)? {
        g.modify_index += 1;
        g.members_touched = true;
        store.put_group(&g.id, &g.name, &g)?;
    }
    Ok(())
}

fn alias_keys(a: &Alias) -> AliasKeys {
    AliasKeys {
        id: a.id.clone(),
        mount_accessor: a.mount_accessor.clone(),
        name: a.name.clone(),
        canonical_id: a.canonical_id.clone(),
    }
}

/// The entity as `read identity/entity/…` shows it.
pub fn entity_data(store: &Store, e: &Entity) -> Result<Map<String, Value>, ApiError> {
    let aliases: Vec<Value> = store
        .entity_aliases_of::<Alias>(&e.id)?
        .iter()
        .map(|a| alias_json(a, false))
        .collect();
    let groups = store.groups_of_entity(&e.id)?;
    Ok(object(json!({
        "aliases": aliases,
        "creation_time": e.creation_time,
        "direct_group_ids": groups,
        "disabled": e.disabled,
        "group_ids": groups,
        "id": e.id,
        "inherited_group_ids": [],
        "last_update_time": e.last_update_time,
        "merged_entity_ids": Value::Null,
        "metadata": e.metadata,
        "name": e.name,
        "namespace_id": "root",
        "policies": e.policies,
    })))
}

fn group_data(store: &Store, g: &Group) -> Result<Map<String, Value>, ApiError> {
    let alias = store.group_alias_of::<Alias>(&g.id)?;
    let members = store.members_of_group(&g.id)?;
    let mut alias_v = alias
        .map(|a| alias_json(&a, false))
        .unwrap_or_else(|| json!({}));
    if let Value::Object(o) = &mut alias_v {
        o.remove("custom_metadata");
        o.remove("local");
    }
    Ok(object(json!({
        "alias": alias_v,
        "creation_time": g.creation_time,
        "id": g.id,
        "last_update_time": g.last_update_time,
        "member_entity_ids": if members.is_empty() && !g.members_touched { Value::Null } else { json!(members) },
        "member_group_ids": Value::Null,
        "metadata": g.metadata,
        "modify_index": g.modify_index,
        "name": g.name,
        "namespace_id": "root",
        "parent_group_ids": Value::Null,
        "policies": g.policies,
        "type": g.kind,
    })))
}

/// Routes `identity/<rest>`; `None` when no handler serves the path.
pub fn route(
    store: &Store,
    op: Operation,
    rest: &str,
    body: &Map<String, Value>,
    now: f64,
) -> Option<Result<Response, ApiError>> {
    let parts: Vec<&str> = rest.split('/').collect();
    Some(match (op, parts.as_slice()) {
        (Operation::Read, ["entity", "id", id]) => {
            read_with(store.get_entity::<Entity>(id), |e| entity_data(store, &e))
        }
        (Operation::Read, ["entity", "name", n]) => {
            read_with(store.get_entity_by_name::<Entity>(n), |e| {
                entity_data(store, &e)
            })
        }
        (Operation::List, ["entity", "id"]) => store
            .list_entities(false)
            .map_err(Into::into)
            .and_then(keys),
        (Operation::List, ["entity", "name"]) => {
            store.list_entities(true).map_err(Into::into).and_then(keys)
        }
        (Operation::Read, ["entity-alias", "id", id]) => {
            read_with(store.get_entity_alias::<Alias>(id), |a| {
                Ok(object(alias_json(&a, true)))
            })
        }
        (Operation::List, ["entity-alias", "id"]) => store
            .list_entity_aliases()
            .map_err(Into::into)
            .and_then(keys),
        (Operation::Write, ["group"]) => write_group(store, body, now),
        (Operation::Read, ["group", "id", id]) => {
            read_with(store.get_group::<Group>(id), |g| group_data(store, &g))
        }
        (Operation::Read, ["group", "name", n]) => {
            read_with(store.get_group_by_name::<Group>(n), |g| {
                group_data(store, &g)
            })
        }
        (Operation::List, ["group", "id"]) => {
            store.list_groups(false).map_err(Into::into).and_then(keys)
        }
        (Operation::List, ["group", "name"]) => {
            store.list_groups(true).map_err(Into::into).and_then(keys)
        }
        (Operation::Write, ["group-alias"]) => write_group_alias(store, body, now),
        (Operation::Read, ["group-alias", "id", id]) => {
            read_with(store.get_group_alias::<Alias>(id), |a| {
                Ok(object(alias_json(&a, true)))
            })
        }
        (Operation::List, ["group-alias", "id"]) => store
            .list_group_aliases()
            .map_err(Into::into)
            .and_then(keys),
        // A path served for other operations: Vault's 405. A LIST goes to `<path>/`, a path
        // only the list arms above serve.
        (op, shape) if op != Operation::List && served(shape) => {
            Err(ApiError::unsupported_operation())
        }
        _ => return None,
    })
}

/// Whether `identity/<shape>` is a path some operation is served on.
fn served(shape: &[&str]) -> bool {
    matches!(
        shape,
        ["entity" | "entity-alias" | "group" | "group-alias", "id", _]
            | ["entity" | "group", "name", _]
            | ["entity" | "entity-alias" | "group" | "group-alias", "id"]
            | ["entity" | "group", "name"]
            | ["group" | "group-alias"]
    )
}

fn read_with<T>(
    found: Result<Option<T>, crate::store::StoreError>,
    render: impl FnOnce(T) -> Result<Map<String, Value>, ApiError>,
) -> Result<Response, ApiError> {
    match found? {
        Some(x) => Ok(data(render(x)?)),
        None => Err(not_found()),
    }
}

fn opt_string(body: &Map<String, Value>, k: &str) -> Result<Option<String>, ApiError> {
    Ok(body.get(k).map(|v| fields::string(k, v)).transpose()?)
}

/// `write identity/group name=N type=external policies=P [metadata=k=v]`: creates, or updates
/// the group of that name (nil response), as Vault does.
fn write_group(store: &Store, body: &Map<String, Value>, now: f64) -> Result<Response, ApiError> {
    let name = opt_string(body, "name")?.unwrap_or_default();
    let kind = opt_string(body, "type")?;
    let policies = body
        .get("policies")
        .map(|v| fields::comma_string_slice("policies", v))
        .transpose()?;
    let metadata = body
        .get("metadata")
        .map(|v| fields::kv_pairs("metadata", v))
        .transpose()?
        .flatten();
    let existing = if name.is_empty() {
        None
    } else {
        store.get_group_by_name::<Group>(&name)?
    };
    let stamp = rfc3339(now);
    let created = existing.is_none();
    let mut g = existing.unwrap_or_else(|| Group {
        id: ids::uuid(),
        name: if name.is_empty() {
            format!("group_{}", ids::random_hex(4))
        } else {
            name.clone()
        },
        kind: "internal".into(),
        creation_time: stamp.clone(),
        ..Group::default()
    });
    if let Some(k) = kind {
        let k = if k.is_empty() {
            "internal".to_string()
        } else {
            k
        };
        if k != "internal" && k != "external" {
            return Err(ApiError::bad_request(format!("invalid group type \"{k}\"")));
        }
        if !created && k != g.kind {
            return Err(ApiError::bad_request("group type cannot be changed"));
        }
        g.kind = k;
    }
    if let Some(p) = policies {
        g.policies = p
            .into_iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
    }
    if let Some(m) = metadata {
        g.metadata = Some(m);
    }
    g.last_update_time = stamp;
    g.modify_index += 1;
    store.put_group(&g.id, &g.name, &g)?;
    if created {
        Ok(data(object(json!({"id": g.id, "name": g.name}))))
    } else {
        Ok(Response::default())
    }
}

/// `write identity/group-alias name=N mount_accessor=A canonical_id=G`.
fn write_group_alias(
    store: &Store,
    body: &Map<String, Value>,
    now: f64,
) -> Result<Response, ApiError> {
    let name = opt_string(body, "name")?.unwrap_or_default();
    let accessor = opt_string(body, "mount_accessor")?.unwrap_or_default();
    let canonical = opt_string(body, "canonical_id")?.unwrap_or_default();
    if name.is_empty() {
        return Err(ApiError::bad_request("missing alias name"));
    }
    if accessor.is_empty() {
        return Err(ApiError::bad_request("missing mount_accessor"));
    }
    let Some(mount) = store.get_mount_by_accessor(&accessor)? else {
        return Err(ApiError::bad_request(format!(
            "invalid mount accessor \"{accessor}\""
        )));
    };
    if store.find_group_alias::<Alias>(&accessor, &name)?.is_some() {
        return Err(ApiError::bad_request(
            "combination of mount and group alias name is already in use",
        ));
    }
    let stamp = rfc3339(now);
    let created = canonical.is_empty();
    let mut group = if created {
        // No canonical_id: OpenBao makes a new external group for the alias.
        let g = Group {
            id: ids::uuid(),
            name: format!("group_{}.root", ids::random_hex(4)),
            kind: "external".into(),
            creation_time: stamp.clone(),
            last_update_time: stamp.clone(),
            modify_index: 1,
            ..Group::default()
        };
        store.put_group(&g.id, &g.name, &g)?;
        g
    } else {
        let Some(group) = store.get_group::<Group>(&canonical)? else {
            return Err(ApiError::bad_request(
                "invalid group ID given in 'canonical_id'",
            ));
        };
        group
    };
    if group.kind != "external" {
        return Err(ApiError::bad_request(
            "alias can't be set on an internal group",
        ));
    }
    // A group has at most one alias: a new one replaces it, as OpenBao does.
    if let Some(old) = store.group_alias_of::<Alias>(&group.id)? {
        store.delete_group_alias(&old.id)?;
    }
    if !created {
        // Setting the alias is an update of the group.
        group.modify_index += 1;
        group.last_update_time = stamp.clone();
        store.put_group(&group.id, &group.name, &group)?;
    }
    let alias = Alias {
        id: ids::uuid(),
        canonical_id: group.id.clone(),
        name,
        mount_accessor: accessor,
        mount_path: format!("auth/{}", mount.path),
        mount_type: mount.kind.clone(),
        metadata: None,
        creation_time: stamp.clone(),
        last_update_time: stamp,
    };
    store.put_group_alias(&alias_keys(&alias), &alias)?;
    Ok(data(object(
        json!({"canonical_id": alias.canonical_id, "id": alias.id}),
    )))
}

/// `identity/…` through the router, and what a login does to it.
#[cfg(test)]
mod router_tests {
    use serde_json::{json, Value};

    use crate::jwt_tools::{make_keys, sign_claims};
    use crate::paths::testutil::{bad_request, failure, now, object, TestState};
    use crate::store::MountRow;
    use crate::verify::Alg;

    fn state() -> (TestState, MountRow) {
        let s = TestState::offline();
        let mount = s.enable_jwt("jwt");
        (s, mount)
    }

    fn data(resp: crate::api::Response) -> Value {
        Value::Object(resp.data.unwrap_or_default())
    }

    #[test]
    fn empty_lists_are_vaults_404_and_unknown_paths_have_no_handler() {
        let (s, _) = state();
        for p in [
            "identity/entity/id",
            "identity/entity/name",
            "identity/entity-alias/id",
            "identity/group/id",
            "identity/group/name",
            "identity/group-alias/id",
        ] {
            assert_eq!(failure(s.list(p)), (404, String::new()), "{p}");
        }
        assert_eq!(
            failure(s.read("identity/entity/id/nope")),
            (404, String::new())
        );
        assert_eq!(
            failure(s.read("identity/group/name/nope")),
            (404, String::new())
        );
        assert_eq!(
            failure(s.read("identity/foo")),
            (404, "no handler for route \"identity/foo\"".into())
        );
        assert_eq!(
            failure(s.write("identity/entity/id/x", json!({}))),
            (
                405,
                "1 error occurred:\n\t* unsupported operation\n\n".into()
            )
        );
    }

    #[test]
    fn groups_are_created_then_updated_by_name() {
        let (s, _) = state();
        let created = data(
            s.write(
                "identity/group",
                json!({"name": "devs", "type": "external", "policies": " dev, ,ops",
                       "metadata": "team=blue"}),
            )
            .unwrap(),
        );
        let id = created["id"].as_str().unwrap().to_string();
        assert_eq!(created["name"], json!("devs"));
        let g = s.read_data(&format!("identity/group/id/{id}"));
        assert_eq!(g["type"], json!("external"));
        assert_eq!(g["policies"], json!(["dev", "ops"]));
        assert_eq!(g["metadata"], json!({"team": "blue"}));
        assert_eq!(g["modify_index"], json!(1));
        assert_eq!(g["member_entity_ids"], json!(null));
        assert_eq!(g["alias"], json!({}));
        // A write naming an existing group updates it and answers nothing.
        let resp = s
            .write(
                "identity/group",
                json!({"name": "devs", "policies": "admin"}),
            )
            .unwrap();
        assert!(resp.data.is_none());
        let g = s.read_data("identity/group/name/devs");
        assert_eq!(
            (&g["policies"], &g["modify_index"]),
            (&json!(["admin"]), &json!(2))
        );
        assert_eq!(
            s.list("identity/group/name").unwrap().data.unwrap()["keys"],
            json!(["devs"])
        );
        assert_eq!(
            bad_request(s.write(
                "identity/group",
                json!({"name": "devs", "type": "internal"})
            )),
            "group type cannot be changed"
        );
        assert_eq!(
            bad_request(s.write("identity/group", json!({"name": "x", "type": "other"}))),
            "invalid group type \"other\""
        );
        // No name: a generated one, internal by default.
        let anon = data(s.write("identity/group", json!({})).unwrap());
        let g = s.read_data(&format!(
            "identity/group/id/{}",
            anon["id"].as_str().unwrap()
        ));
        assert_eq!(g["type"], json!("internal"));
        assert!(g["name"].as_str().is_some_and(|n| n.starts_with("group_")));
    }

    #[test]
    fn group_aliases_tie_an_external_group_to_a_mount() {
        let (s, mount) = state();
        let acc = mount.accessor.as_str();
        let cases = [
            (json!({"mount_accessor": acc}), "missing alias name"),
            (json!({"name": "admins"}), "missing mount_accessor"),
            (
                json!({"name": "admins", "mount_accessor": "auth_jwt_nope"}),
                "invalid mount accessor \"auth_jwt_nope\"",
            ),
            (
                json!({"name": "admins", "mount_accessor": acc, "canonical_id": "nope"}),
                "invalid group ID given in 'canonical_id'",
            ),
        ];
        for (body, want) in cases {
            assert_eq!(bad_request(s.write("identity/group-alias", body)), want);
        }
        let internal = data(s.write("identity/group", json!({"name": "int"})).unwrap());
        assert_eq!(
            bad_request(s.write(
                "identity/group-alias",
                json!({"name": "admins", "mount_accessor": acc, "canonical_id": internal["id"]}),
            )),
            "alias can't be set on an internal group"
        );
        // No canonical_id: a new external group is made for the alias.
        let alias = data(
            s.write(
                "identity/group-alias",
                json!({"name": "admins", "mount_accessor": acc}),
            )
            .unwrap(),
        );
        let read = s.read_data(&format!(
            "identity/group-alias/id/{}",
            alias["id"].as_str().unwrap()
        ));
        assert_eq!(read["name"], json!("admins"));
        assert_eq!(read["mount_path"], json!("auth/jwt/"));
        assert_eq!(read["namespace_id"], json!("root"));
        assert_eq!(read["canonical_id"], alias["canonical_id"]);
        let g = s.read_data(&format!(
            "identity/group/id/{}",
            alias["canonical_id"].as_str().unwrap()
        ));
        assert_eq!(g["type"], json!("external"));
        assert_eq!(g["alias"]["name"], json!("admins"));
        assert_eq!(
            bad_request(s.write(
                "identity/group-alias",
                json!({"name": "admins", "mount_accessor": acc}),
            )),
            "combination of mount and group alias name is already in use"
        );
    }

    #[test]
    fn logins_make_entities_and_follow_the_groups_claim() {
        let (s, mount) = state();
        let (private, public, _) = make_keys(Alg::ES256, None).unwrap();
        s.write("auth/jwt/config", json!({"jwt_validation_pubkeys": public}))
            .unwrap();
        s.write(
            "auth/jwt/role/dev",
            json!({"role_type": "jwt", "user_claim": "sub", "bound_subject": "alice",
                   "groups_claim": "groups"}),
        )
        .unwrap();
        let group = data(
            s.write(
                "identity/group",
                json!({"name": "admins", "type": "external", "policies": "admin"}),
            )
            .unwrap(),
        );
        let gid = group["id"].as_str().unwrap().to_string();
        s.write(
            "identity/group-alias",
            json!({"name": "admins", "mount_accessor": mount.accessor, "canonical_id": gid}),
        )
        .unwrap();
        let login = |groups: Value| {
            let claims = object(json!({"sub": "alice", "groups": groups}));
            let jwt = sign_claims(Alg::ES256, &private, None, claims, 600, now()).unwrap();
            s.write("auth/jwt/login", json!({"role": "dev", "jwt": jwt}))
                .unwrap()
                .auth
                .unwrap()
        };
        let auth = login(json!(["admins", "other"]));
        assert_eq!(auth.identity_policies, ["admin"]);
        assert_eq!(auth.policies, ["admin", "default"]);
        let entity = s.read_data(&format!("identity/entity/id/{}", auth.entity_id));
        assert_eq!(entity["group_ids"], json!([gid]));
        assert_eq!(entity["aliases"][0]["metadata"], json!({"role": "dev"}));
        let by_name = s.read_data(&format!(
            "identity/entity/name/{}",
            entity["name"].as_str().unwrap()
        ));
        assert_eq!(by_name["id"], json!(auth.entity_id));
        let alias_id = entity["aliases"][0]["id"].as_str().unwrap().to_string();
        assert_eq!(
            s.read_data(&format!("identity/entity-alias/id/{alias_id}"))["canonical_id"],
            json!(auth.entity_id)
        );
        let g = s.read_data(&format!("identity/group/id/{gid}"));
        assert_eq!(g["member_entity_ids"], json!([auth.entity_id]));
        // The claim no longer names the group: the entity leaves it, the list stays a list.
        let again = login(json!([]));
        assert_eq!(again.entity_id, auth.entity_id);
        assert!(again.identity_policies.is_empty());
        let g = s.read_data(&format!("identity/group/id/{gid}"));
        assert_eq!(g["member_entity_ids"], json!([]));
        assert_eq!(
            s.list("identity/entity/id").unwrap().data.unwrap()["keys"],
            json!([auth.entity_id])
        );
    }
}
