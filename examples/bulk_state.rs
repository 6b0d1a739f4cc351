//! Grows an existing jwtvault state file in one transaction, for `benches/compare.sh`:
//! `bulk_state STATE MOUNT ROLE TOKENS ROLES ENTITIES`.
//!
//! The mount and the role named must exist (made with the CLI). ROLES copies of that role,
//! ENTITIES entities each with an alias on the mount, and TOKENS service tokens issued by
//! `jwtvault::token::issue` (spread over those entities) are added, with the same record shapes
//! a login writes, so a benchmark login sees a realistically large file.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use jwtvault::paths::identity::{Alias, Entity};
use jwtvault::store::{AliasKeys, Store, StoreError};
use jwtvault::token::{self, IssueRequest};

fn no_seed(_: &Store) -> Result<(), StoreError> {
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() != 6 {
        eprintln!("usage: bulk_state STATE MOUNT ROLE TOKENS ROLES ENTITIES");
        std::process::exit(2);
    }
    let count = |i: usize| -> usize {
        args[i].parse().unwrap_or_else(|_| {
            eprintln!("not a count: {}", args[i]);
            std::process::exit(2)
        })
    };
    let (tokens, roles, entities) = (count(3), count(4), count(5));
    if let Err(e) = grow(
        Path::new(&args[0]),
        &args[1],
        &args[2],
        tokens,
        roles,
        entities,
    ) {
        eprintln!("bulk_state: {e}");
        std::process::exit(1);
    }
}

fn grow(
    state: &Path,
    mount_path: &str,
    role_name: &str,
    tokens: usize,
    roles: usize,
    entities: usize,
) -> Result<(), String> {
    let started = Instant::now();
    let store = Store::open(state, &no_seed).map_err(|e| e.to_string())?;
    let mount_key = format!("{}/", mount_path.trim_end_matches('/'));
    let mount = store
        .get_mount(&mount_key)
        .map_err(|e| e.to_string())?
        .ok_or(format!("no mount {mount_key}"))?;
    let role: serde_json::Value = store
        .get_role(&mount.accessor, role_name)
        .map_err(|e| e.to_string())?
        .ok_or(format!("no role {role_name}"))?;
    for i in 0..roles {
        store
            .put_role(&mount.accessor, &format!("bulk-role-{i:05}"), &role)
            .map_err(|e| e.to_string())?;
    }
    let stamp = token::rfc3339(jwtvault::paths::Ctx::now_secs());
    let mut entity_ids = Vec::with_capacity(entities);
    for i in 0..entities {
        let entity = Entity {
            id: jwtvault::ids::uuid(),
            name: format!("entity_{:08x}", i),
            creation_time: stamp.clone(),
            last_update_time: stamp.clone(),
            ..Entity::default()
        };
        store
            .put_entity(&entity.id, &entity.name, &entity)
            .map_err(|e| e.to_string())?;
        let mut meta = BTreeMap::new();
        meta.insert("role".to_string(), role_name.to_string());
        let alias = Alias {
            id: jwtvault::ids::uuid(),
            canonical_id: entity.id.clone(),
            name: format!("bulk-user-{i}"),
            mount_accessor: mount.accessor.clone(),
            mount_path: format!("auth/{}", mount.path),
            mount_type: mount.kind.clone(),
            metadata: Some(meta),
            creation_time: stamp.clone(),
            last_update_time: stamp.clone(),
        };
        let keys = AliasKeys {
            id: alias.id.clone(),
            mount_accessor: alias.mount_accessor.clone(),
            name: alias.name.clone(),
            canonical_id: alias.canonical_id.clone(),
        };
        store
            .put_entity_alias(&keys, &alias)
            .map_err(|e| e.to_string())?;
        entity_ids.push(entity.id);
    }
    let policies = vec!["dev".to_string()];
    let now = jwtvault::paths::Ctx::now_secs();
    for i in 0..tokens {
        let entity_id = entity_ids
            .get(i % entity_ids.len().max(1))
            .cloned()
            .unwrap_or_default();
        let mut metadata = BTreeMap::new();
        metadata.insert("role".to_string(), role_name.to_string());
        token::issue(
            &store,
            IssueRequest {
                mount: &mount,
                role_name,
                policies: &policies,
                no_default_policy: false,
                ttl: 0,
                max_ttl: 0,
                explicit_max_ttl: 0,
                period: 0,
                num_uses: 0,
                token_type: "default",
                bound_cidrs: &[],
                display_name: format!("{}-bulk-user-{i}", mount_path.trim_end_matches('/')),
                metadata,
                entity_id,
                identity_policies: Vec::new(),
                now,
            },
        )
        .map_err(|e| e.errors.join("; "))?;
    }
    store.commit().map_err(|e| e.to_string())?;
    eprintln!(
        "bulk_state: added {tokens} tokens, {roles} roles, {entities} entities in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
