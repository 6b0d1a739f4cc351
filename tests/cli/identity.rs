//! Identity groups: `identity/group` and `identity/group-alias` written, read and listed as
//! OpenBao does. The entities and aliases a login makes, and group aliases matched from the
//! groups claim at login, are in `login.rs`.
//!
//! Expected texts were checked against OpenBao 2.7.2: the same roles on a `jwt_validation_pubkeys`
//! mount there, the same JWTs logged in with `bao write auth/<m>/login`, then `bao write
//! identity/…` compared with jwtvault's output (exit code, stdout, stderr without Vault's `URL:`
//! line).

use serde_json::{json, Value};

use crate::support::{api_err, expect, Fx};

#[test]
fn identity_groups_and_aliases_as_openbao() {
    let fx = Fx::new();
    let acc = fx.accessor();
    let out = fx.run(&[
        "write",
        "-format=json",
        "identity/group",
        "name=eng",
        "type=external",
        "policies=a",
    ]);
    let j = out.json();
    let gid = j["data"]["id"].as_str().expect("id").to_string();
    assert_eq!(j["data"]["name"], json!("eng"));
    assert_eq!(j["data"].as_object().map(|o| o.len()), Some(2));
    // Same name again: an update, with Vault's nil response.
    expect(
        &fx.run(&["write", "identity/group", "name=eng", "policies=a,b"]),
        0,
        "Success! Data written to: identity/group\n",
        "",
    );
    let ga = "identity/group-alias";
    let werr = |msg: &str| api_err(&format!("Error writing data to {ga}"), 400, msg);
    let m = format!("mount_accessor={acc}");
    let c = format!("canonical_id={gid}");
    expect(
        &fx.run(&["write", ga, &m, &c]),
        2,
        "",
        &werr("missing alias name"),
    );
    expect(
        &fx.run(&["write", ga, "name=e", &c]),
        2,
        "",
        &werr("missing mount_accessor"),
    );
    expect(
        &fx.run(&["write", ga, "name=e", "mount_accessor=nope", &c]),
        2,
        "",
        &werr("invalid mount accessor \"nope\""),
    );
    expect(
        &fx.run(&["write", ga, "name=e", &m, "canonical_id=nope"]),
        2,
        "",
        &werr("invalid group ID given in 'canonical_id'"),
    );
    let internal = fx.field(&["write", "-field=id", "identity/group", "name=int"]);
    expect(
        &fx.run(&[
            "write",
            ga,
            "name=e",
            &m,
            &format!("canonical_id={internal}"),
        ]),
        2,
        "",
        &werr("alias can't be set on an internal group"),
    );
    expect(
        &fx.run(&["write", "identity/group", "name=int", "type=external"]),
        2,
        "",
        &api_err(
            "Error writing data to identity/group",
            400,
            "group type cannot be changed",
        ),
    );
    expect(
        &fx.run(&["write", "identity/group", "name=x", "type=bogus"]),
        2,
        "",
        &api_err(
            "Error writing data to identity/group",
            400,
            "invalid group type \"bogus\"",
        ),
    );
    let j = fx
        .run(&["write", "-format=json", ga, "name=e", &m, &c])
        .json();
    let aid = j["data"]["id"].as_str().expect("alias id").to_string();
    assert_eq!(j["data"]["canonical_id"], json!(gid));
    expect(
        &fx.run(&["write", ga, "name=e", &m, &c]),
        2,
        "",
        &werr("combination of mount and group alias name is already in use"),
    );
    // Reads.
    let g = fx
        .run(&["read", "-format=json", &format!("identity/group/id/{gid}")])
        .json();
    let d = &g["data"];
    let names: Vec<&str> = d
        .as_object()
        .expect("data")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        names,
        [
            "alias",
            "creation_time",
            "id",
            "last_update_time",
            "member_entity_ids",
            "member_group_ids",
            "metadata",
            "modify_index",
            "name",
            "namespace_id",
            "parent_group_ids",
            "policies",
            "type"
        ]
    );
    assert_eq!(d["alias"]["id"], json!(aid));
    assert_eq!(d["alias"]["name"], json!("e"));
    assert_eq!(d["alias"]["mount_path"], json!("auth/jwt/"));
    assert_eq!(d["alias"]["mount_type"], json!("jwt"));
    assert_eq!(d["member_entity_ids"], Value::Null);
    assert_eq!(d["modify_index"], json!(3));
    assert_eq!(d["policies"], json!(["a", "b"]));
    assert_eq!(d["type"], json!("external"));
    let by_name = fx
        .run(&["read", "-format=json", "identity/group/name/eng"])
        .json();
    assert_eq!(by_name["data"]["id"], json!(gid));
    let a = fx
        .run(&[
            "read",
            "-format=json",
            &format!("identity/group-alias/id/{aid}"),
        ])
        .json();
    let keys: Vec<&str> = a["data"]
        .as_object()
        .expect("alias")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "canonical_id",
            "creation_time",
            "custom_metadata",
            "id",
            "last_update_time",
            "local",
            "merged_from_canonical_ids",
            "metadata",
            "mount_accessor",
            "mount_path",
            "mount_type",
            "name",
            "namespace_id"
        ]
    );
    let mut ids = vec![gid.clone(), internal.clone()];
    ids.sort();
    let list = fx
        .run(&["list", "-format=json", "identity/group/id"])
        .json();
    assert_eq!(list, json!(ids));
    let list = fx
        .run(&["list", "-format=json", "identity/group/name"])
        .json();
    assert_eq!(list, json!(["eng", "int"]));
    // A second alias for the group replaces the first (OpenBao).
    let aid2 = fx.field(&["write", "-field=id", ga, "name=e2", &m, &c]);
    let list = fx
        .run(&["list", "-format=json", "identity/group-alias/id"])
        .json();
    assert_eq!(list, json!([aid2]));
    // No canonical_id: a new external group is made for the alias.
    let j = fx.run(&["write", "-format=json", ga, "name=e3", &m]).json();
    let new_gid = j["data"]["canonical_id"].as_str().expect("canonical_id");
    let g = fx
        .run(&[
            "read",
            "-format=json",
            &format!("identity/group/id/{new_gid}"),
        ])
        .json();
    assert_eq!(g["data"]["type"], json!("external"));
    assert_eq!(g["data"]["alias"]["name"], json!("e3"));
    expect(
        &fx.run(&["read", "identity/group/id/nope"]),
        2,
        "",
        "No value found at identity/group/id/nope\n",
    );
}
