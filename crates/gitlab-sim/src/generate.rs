//! `--generate projects=N,groups=M,tokens=K,seed=S`: a large instance for inventory scans,
//! benchmarks and the demo, written as an ordinary fixture so it passes the same checks as a
//! hand-written one.
//!
//! The same spec always gives the same fixture text: numbers come from a fixed SplitMix64
//! stream (not `rand`, whose generators may change between versions) and dates are relative to
//! today (`+30d`), so the tokens always lie around the current date.
//!
//! The instance: a user `owner` who owns the top group `gen` and maintains the top group
//! `gen-shared` (when there are two groups or more), so they maintain or own everything below;
//! an administrator `root`; three colleagues with personal tokens of their own. The other
//! groups hang below the two top groups, up to three levels deep; projects are spread over all
//! groups. `K` credentials are dealt round-robin over the seven kinds (personal, project and
//! group access tokens, project and group deploy tokens, deploy keys, pipeline triggers), with
//! expiries over the next year, some expired, some revoked, some never used.

use std::fmt;
use std::str::FromStr;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Value};

/// The owner's personal access token (`api`), for scripts that sign in to a generated instance.
pub const OWNER_TOKEN: &str = "glpat-generated-owner-001";
/// The administrator's personal access token (`api`).
pub const ADMIN_TOKEN: &str = "glpat-generated-admin-001";

/// User ids in the generated fixture.
pub const OWNER_ID: u64 = 1;
pub const ADMIN_ID: u64 = 2;
const COLLEAGUES: [u64; 3] = [3, 4, 5];

/// Upper bounds, so a typo cannot ask for more memory than a test machine has.
pub const MAX_PROJECTS: u64 = 100_000;
pub const MAX_GROUPS: u64 = 10_000;
pub const MAX_TOKENS: u64 = 1_000_000;

/// What to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spec {
    pub projects: u64,
    pub groups: u64,
    pub tokens: u64,
    pub seed: u64,
}

impl Default for Spec {
    fn default() -> Self {
        Spec {
            projects: 100,
            groups: 10,
            tokens: 1_000,
            seed: 0,
        }
    }
}

impl FromStr for Spec {
    type Err = String;

    /// `projects=N,groups=M,tokens=K,seed=S`, any order; left-out keys keep their defaults
    /// (100 projects, 10 groups, 1000 tokens, seed 0).
    fn from_str(text: &str) -> Result<Spec, String> {
        let mut spec = Spec::default();
        let mut seen = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = part
                .split_once('=')
                .ok_or_else(|| format!("{part:?} is not key=value"))?;
            let (key, value) = (key.trim(), value.trim());
            let number: u64 = value
                .parse()
                .map_err(|_| format!("{key}: {value:?} is not a whole number"))?;
            let (slot, min, max) = match key {
                "projects" => (&mut spec.projects, 0, MAX_PROJECTS),
                "groups" => (&mut spec.groups, 1, MAX_GROUPS),
                "tokens" => (&mut spec.tokens, 0, MAX_TOKENS),
                "seed" => (&mut spec.seed, 0, u64::MAX),
                _ => {
                    return Err(format!(
                        "unknown key {key:?}; use projects, groups, tokens and seed"
                    ))
                }
            };
            if seen.contains(&key) {
                return Err(format!("{key} is given twice"));
            }
            seen.push(key);
            if !(min..=max).contains(&number) {
                return Err(format!("{key} must be from {min} to {max}"));
            }
            *slot = number;
        }
        Ok(spec)
    }
}

impl fmt::Display for Spec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "projects={},groups={},tokens={},seed={}",
            self.projects, self.groups, self.tokens, self.seed
        )
    }
}

/// SplitMix64: small, fast and fixed forever, so a seed means the same instance in every build.
struct Stream(u64);

impl Stream {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0); the bias of a plain modulo is far below what matters here.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn range(&mut self, low: i64, high: i64) -> i64 {
        low + self.below((high - low + 1) as u64) as i64
    }

    /// True `percent` times in a hundred.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// The seven kinds, in the order tokens are dealt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Personal,
    ProjectAccess,
    GroupAccess,
    ProjectDeploy,
    GroupDeploy,
    DeployKey,
    Trigger,
}

const KINDS: [Kind; 7] = [
    Kind::Personal,
    Kind::ProjectAccess,
    Kind::GroupAccess,
    Kind::ProjectDeploy,
    Kind::GroupDeploy,
    Kind::DeployKey,
    Kind::Trigger,
];

const RESOURCE_SCOPES: [&str; 5] = [
    "api",
    "read_api",
    "read_repository",
    "write_repository",
    "read_registry",
];
const PERSONAL_SCOPES: [&str; 4] = ["api", "read_api", "read_user", "read_repository"];
const DEPLOY_SCOPES: [&str; 3] = ["read_repository", "read_registry", "read_package_registry"];
const PURPOSES: [&str; 8] = [
    "ci", "deploy", "release", "backup", "metrics", "sync", "renovate", "docs",
];
const ROLES: [u8; 5] = [10, 20, 30, 40, 50];

fn days(n: i64) -> String {
    if n < 0 {
        format!("{n}d")
    } else {
        format!("+{n}d")
    }
}

/// How long ago a token was made, for one that expires in `expires_in` days: a lifetime of a
/// week to a year, never starting in the future.
fn created_ago(s: &mut Stream, expires_in: i64) -> i64 {
    let shortest = (expires_in + 1).max(7);
    let lifetime = if shortest >= 365 {
        365
    } else {
        s.range(shortest, 365)
    };
    (lifetime - expires_in).max(0)
}

/// One to three distinct scopes from `from`, in catalog order.
fn scopes(s: &mut Stream, from: &[&str]) -> Vec<String> {
    let mut chosen: Vec<&str> = from.iter().copied().filter(|_| s.chance(35)).collect();
    chosen.truncate(3);
    if chosen.is_empty() {
        chosen.push(*s.pick(from));
    }
    chosen.into_iter().map(String::from).collect()
}

/// Expiry in days from today: mostly within the next year, some already past.
fn expiry(s: &mut Stream) -> i64 {
    if s.chance(8) {
        s.range(-60, -1)
    } else {
        s.range(1, 365)
    }
}

/// An ed25519 public key line from 32 numbers' worth of the stream.
fn ssh_key(s: &mut Stream, comment: &str) -> String {
    let mut blob = Vec::with_capacity(51);
    for part in [b"ssh-ed25519".as_slice(), &[0u8; 32]] {
        blob.extend_from_slice(&(part.len() as u32).to_be_bytes());
        blob.extend_from_slice(part);
    }
    let key_at = blob.len() - 32;
    for chunk in blob[key_at..].chunks_mut(8) {
        chunk.copy_from_slice(&s.next().to_le_bytes());
    }
    format!("ssh-ed25519 {} {comment}", STANDARD.encode(&blob))
}

/// A name like `ci-deploy-42`; about one in five breaks the `purpose-*` habit, as real ones do.
fn name(s: &mut Stream, i: u64) -> String {
    let purpose = s.pick(&PURPOSES);
    if s.chance(20) {
        format!("{} token {i}", purpose.to_uppercase())
    } else {
        format!("{purpose}-{}-{i}", s.pick(&PURPOSES))
    }
}

/// The fixture for `spec`, ready for [`crate::fixture::load`] (as text) or `--fixture`.
pub fn fixture(spec: &Spec) -> Value {
    let mut s = Stream(spec.seed);
    let groups = spec.groups.max(1);
    // Group ids 1..=groups: 1 and 2 are top-level, the rest hang below them, three deep at most.
    let parent_of = |g: u64, s: &mut Stream| -> Option<u64> {
        match g {
            1 | 2 => None,
            _ if g <= 2 + groups / 2 || groups < 6 => Some(1 + s.below(2.min(groups))),
            _ => Some(3 + s.below(groups / 2)),
        }
    };
    let mut group_values: Vec<Value> = Vec::new();
    for g in 1..=groups {
        let parent = parent_of(g, &mut s);
        let (path, members) = match g {
            1 => (
                "gen".to_string(),
                json!([{"user_id": OWNER_ID, "access_level": 50}]),
            ),
            2 => (
                "gen-shared".to_string(),
                json!([{"user_id": OWNER_ID, "access_level": 40}]),
            ),
            _ => (format!("team-{g}"), json!([])),
        };
        group_values.push(json!({
            "id": g, "path": path, "name": format!("Group {g}"), "parent_id": parent,
            "members": members, "access_tokens": [], "deploy_tokens": [],
        }));
    }
    let mut project_values: Vec<Value> = (1..=spec.projects)
        .map(|p| {
            json!({
                "id": p, "path": format!("project-{p}"), "name": format!("Project {p}"),
                "namespace_id": 1 + s.below(groups),
                "access_tokens": [], "deploy_tokens": [], "deploy_keys": [], "triggers": [],
            })
        })
        .collect();
    let personal = |name: &str, token: &str, expires: &str| {
        json!({"name": name, "scopes": ["api"], "expires_at": expires, "token": token,
               "created_at": "-30d", "last_used_at": "-1d"})
    };
    let mut users = vec![
        json!({"id": OWNER_ID, "username": "owner", "name": "Generated Owner",
               "personal_access_tokens": [personal("sign-in", OWNER_TOKEN, "+365d")]}),
        json!({"id": ADMIN_ID, "username": "root", "name": "Generated Administrator",
               "admin": true,
               "personal_access_tokens": [personal("sign-in", ADMIN_TOKEN, "+365d")]}),
    ];
    for id in COLLEAGUES {
        users.push(json!({"id": id, "username": format!("colleague-{id}"),
                          "name": format!("Colleague {id}"), "personal_access_tokens": []}));
    }
    // Deploy keys made so far, with the projects they are enabled in, so a few can be shared.
    let mut keys: Vec<(String, Vec<u64>)> = Vec::new();
    for i in 0..spec.tokens {
        let mut kind = KINDS[(i % 7) as usize];
        if spec.projects == 0
            && matches!(
                kind,
                Kind::ProjectAccess | Kind::ProjectDeploy | Kind::DeployKey | Kind::Trigger
            )
        {
            kind = Kind::GroupAccess;
        }
        let name = name(&mut s, i);
        let revoked = s.chance(5);
        let expires_in = expiry(&mut s);
        let age = created_ago(&mut s, expires_in);
        let created = days(-age);
        let used = (!s.chance(25)).then(|| days(-s.range(0, age.min(90))));
        // Unique by the index, random-looking by the stream.
        let tail = format!("{:08x}{i:012}", s.next() as u32);
        match kind {
            Kind::Personal => {
                let owner = if s.chance(50) {
                    OWNER_ID
                } else {
                    *s.pick(&COLLEAGUES)
                };
                let user = &mut users[(owner - 1) as usize];
                push(
                    &mut user["personal_access_tokens"],
                    json!({"name": name, "scopes": scopes(&mut s, &PERSONAL_SCOPES),
                       "expires_at": days(expires_in), "token": format!("glpat-{tail}"),
                       "revoked": revoked, "created_at": created, "last_used_at": used,
                       "description": s.chance(50).then(|| format!("Generated token {i}"))}),
                );
            }
            Kind::ProjectAccess | Kind::GroupAccess => {
                let token = json!({"name": name, "scopes": scopes(&mut s, &RESOURCE_SCOPES),
                    "access_level": s.pick(&ROLES), "expires_at": days(expires_in),
                    "token": format!("glpat-{tail}"), "revoked": revoked, "created_at": created,
                    "last_used_at": used,
                    "description": s.chance(50).then(|| format!("Generated token {i}"))});
                let list = if kind == Kind::GroupAccess {
                    &mut group_values[s.below(groups) as usize]
                } else {
                    &mut project_values[s.below(spec.projects) as usize]
                };
                push(&mut list["access_tokens"], token);
            }
            Kind::ProjectDeploy | Kind::GroupDeploy => {
                let expires = (!s.chance(15)).then(|| days(expires_in));
                let token = json!({"name": name, "scopes": scopes(&mut s, &DEPLOY_SCOPES),
                    "expires_at": expires, "token": format!("gldt-{tail}"), "revoked": revoked,
                    "created_at": created});
                let list = if kind == Kind::GroupDeploy {
                    &mut group_values[s.below(groups) as usize]
                } else {
                    &mut project_values[s.below(spec.projects) as usize]
                };
                push(&mut list["deploy_tokens"], token);
            }
            Kind::DeployKey => {
                let project = 1 + s.below(spec.projects);
                // One key in twenty is one already enabled elsewhere (a shared deploy key).
                let shared = s
                    .chance(5)
                    .then(|| s.below(keys.len().max(1) as u64) as usize)
                    .filter(|&k| keys.get(k).is_some_and(|(_, ps)| !ps.contains(&project)));
                let key = match shared {
                    Some(k) => {
                        keys[k].1.push(project);
                        keys[k].0.clone()
                    }
                    None => {
                        let key = ssh_key(&mut s, &format!("gen-{i}"));
                        keys.push((key.clone(), vec![project]));
                        key
                    }
                };
                let expires = (!s.chance(15)).then(|| days(expires_in));
                push(
                    &mut project_values[(project - 1) as usize]["deploy_keys"],
                    json!({"title": name, "key": key, "can_push": s.chance(20),
                           "expires_at": expires, "created_at": created}),
                );
            }
            Kind::Trigger => {
                let project = s.below(spec.projects) as usize;
                push(
                    &mut project_values[project]["triggers"],
                    json!({"description": name, "owner_id": OWNER_ID,
                           "token": format!("glptt-{tail}{:020x}", s.next() as u128),
                           "created_at": created}),
                );
            }
        }
    }
    json!({
        "version": crate::fixture::DEFAULT_VERSION,
        "users": users,
        "groups": group_values,
        "projects": project_values,
    })
}

fn push(list: &mut Value, item: Value) {
    if let Value::Array(items) = list {
        items.push(item);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_read_and_refuse() {
        assert_eq!("".parse::<Spec>(), Ok(Spec::default()));
        let spec: Spec = "projects=5, groups=2,tokens=70,seed=9".parse().unwrap();
        assert_eq!(
            spec,
            Spec {
                projects: 5,
                groups: 2,
                tokens: 70,
                seed: 9
            }
        );
        assert_eq!(spec.to_string().parse::<Spec>(), Ok(spec));
        for (bad, says) in [
            ("projects", "not key=value"),
            ("projects=-1", "not a whole number"),
            ("groups=0", "groups must be from 1"),
            ("tokens=2000000", "tokens must be from 0 to 1000000"),
            ("users=3", "unknown key \"users\""),
            ("seed=1,seed=2", "seed is given twice"),
        ] {
            let e = bad.parse::<Spec>().unwrap_err();
            assert!(e.contains(says), "{bad}: {e}");
        }
    }

    #[test]
    fn keys_are_valid_ed25519_lines() {
        let mut s = Stream(1);
        let key = ssh_key(&mut s, "c");
        let parsed = crate::sshkey::parse(&key).expect("a valid key");
        assert_eq!((parsed.technology, parsed.bits), ("ed25519", 256));
        assert_ne!(ssh_key(&mut s, "c"), key);
    }

    #[test]
    fn lifetimes_stay_within_a_year_and_start_in_the_past() {
        let mut s = Stream(3);
        for expires_in in [-60, -1, 1, 6, 7, 200, 364, 365] {
            for _ in 0..50 {
                let ago = created_ago(&mut s, expires_in);
                assert!(ago >= 0);
                assert!(ago + expires_in <= 365, "{expires_in} {ago}");
            }
        }
    }
}
