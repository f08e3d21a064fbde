//! `--generate`: a large instance from a seed, the same every time, loaded through the ordinary
//! fixture checks and served.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::*;
use gitlab_sim::fixture::load;
use gitlab_sim::generate::{fixture, Spec, ADMIN_TOKEN, OWNER_TOKEN};
use gitlab_sim::state::{ResourceKind, SimState};

fn spec(projects: u64, groups: u64, tokens: u64, seed: u64) -> Spec {
    Spec {
        projects,
        groups,
        tokens,
        seed,
    }
}

fn loaded(spec: &Spec) -> SimState {
    load(&fixture(spec).to_string()).unwrap_or_else(|e| panic!("{spec}: {e}"))
}

#[test]
fn the_same_seed_gives_the_same_instance() {
    let a = spec(40, 8, 500, 7);
    assert_eq!(fixture(&a).to_string(), fixture(&a).to_string());
    assert_ne!(
        fixture(&a).to_string(),
        fixture(&Spec { seed: 8, ..a }).to_string()
    );
    // Loading twice gives the same rows too (bot usernames, ids, dates).
    let (x, y) = (loaded(&a), loaded(&a));
    let names = |s: &SimState| {
        s.users
            .iter()
            .map(|u| u.username.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&x), names(&y));
    let tokens = |s: &SimState| {
        s.tokens
            .iter()
            .map(|t| (t.id, t.secret.clone(), t.expires_at, t.revoked))
            .collect::<Vec<_>>()
    };
    assert_eq!(tokens(&x), tokens(&y));
}

#[test]
fn counts_match_and_every_kind_is_there() {
    for s in [
        spec(30, 6, 700, 1),
        spec(5, 1, 50, 2),
        spec(0, 3, 30, 3),
        spec(1, 2, 0, 4),
    ] {
        let state = loaded(&s);
        let today = state.today();
        assert_eq!(state.projects.len() as u64, s.projects, "{s}");
        assert_eq!(state.groups.len() as u64, s.groups, "{s}");
        let bot_of = |t: &gitlab_sim::state::Token| {
            state.user(t.user_id).and_then(|u| u.bot_of).map(|r| r.kind)
        };
        let personal = state.tokens.iter().filter(|t| bot_of(t).is_none()).count();
        let project_tokens = state
            .tokens
            .iter()
            .filter(|t| bot_of(t) == Some(ResourceKind::Project))
            .count();
        let group_tokens = state
            .tokens
            .iter()
            .filter(|t| bot_of(t) == Some(ResourceKind::Group))
            .count();
        let project_deploy = state
            .deploy_tokens
            .iter()
            .filter(|t| t.owner.kind == ResourceKind::Project)
            .count();
        let group_deploy = state.deploy_tokens.len() - project_deploy;
        let keys = state.deploy_key_links.len();
        let triggers = state.triggers.len();
        let counts = [
            personal - 2,
            project_tokens,
            group_tokens,
            project_deploy,
            group_deploy,
            keys,
            triggers,
        ];
        assert_eq!(counts.iter().sum::<usize>() as u64, s.tokens, "{s}");
        if s.projects > 0 && s.tokens >= 7 {
            assert!(counts.iter().all(|&n| n > 0), "{s}: {counts:?}");
        }
        if s.tokens >= 50 {
            assert!(state.tokens.iter().any(|t| t.revoked), "{s}");
            assert!(state.tokens.iter().any(|t| t.expired(today)), "{s}");
            assert!(state.tokens.iter().any(|t| t.last_used_at.is_none()), "{s}");
            let far = today + chrono::Duration::days(200);
            assert!(
                state
                    .tokens
                    .iter()
                    .any(|t| t.expires_at.is_some_and(|d| d > far)),
                "{s}"
            );
        }
    }
    // Shared deploy keys: fewer keys than the projects they are enabled in.
    let big = loaded(&spec(50, 5, 2_000, 5));
    assert!(big.deploy_keys.len() < big.deploy_key_links.len());
}

#[test]
fn the_owner_maintains_or_owns_everything_and_the_server_starts() {
    let sim = gitlab_sim::spawn(gitlab_sim::Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        fixture: Some(fixture(&spec(25, 6, 300, 11)).to_string()),
        site: None,
        chaos: Default::default(),
        control_secret: None,
    })
    .expect("the generated instance serves");
    assert!(sim.banner.iter().any(|l| l
        .contains("as owner (Owner of gen, Maintainer of gen-shared)")
        && l.ends_with(OWNER_TOKEN)));
    assert!(sim
        .banner
        .iter()
        .any(|l| l.contains("as root (admin)") && l.ends_with(ADMIN_TOKEN)));
    let projects = sim
        .get("/api/v4/projects?membership=true&min_access_level=40&per_page=100")
        .token(OWNER_TOKEN)
        .send();
    assert_eq!(projects.status, 200, "{}", projects.body);
    assert_eq!(projects.header("x-total"), Some("25"));
    let maintained = sim
        .get("/api/v4/groups?min_access_level=40&per_page=100")
        .token(OWNER_TOKEN)
        .send();
    assert_eq!(maintained.header("x-total"), Some("6"));
    let owned = sim
        .get("/api/v4/groups?min_access_level=50&per_page=100")
        .token(OWNER_TOKEN)
        .send();
    let owned = owned.json();
    assert!(owned
        .as_array()
        .is_some_and(|g| !g.is_empty() && g.len() < 6));
    let everyone = sim
        .get("/api/v4/personal_access_tokens?per_page=100")
        .token(ADMIN_TOKEN)
        .send();
    assert_eq!(everyone.status, 200);
    assert!(everyone.header("x-next-page").is_some_and(|p| p == "2"));
}

#[test]
fn cli_generates_and_refuses_bad_specs() {
    let out = Command::new(env!("CARGO_BIN_EXE_gitlab-sim"))
        .args(["--listen", "127.0.0.1:0", "--generate", "projects=x"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a whole number"));
    let out = Command::new(env!("CARGO_BIN_EXE_gitlab-sim"))
        .args(["--listen", "127.0.0.1:0", "--generate", "tokens=7"])
        .args(["--fixture", "x.json"])
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "--generate and --fixture exclude each other"
    );

    let mut child = Command::new(env!("CARGO_BIN_EXE_gitlab-sim"))
        .args(["--listen", "127.0.0.1:0", "--latency-ms", "1"])
        .args(["--generate", "projects=3,groups=2,tokens=40,seed=5"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("binary runs");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let listening = lines.next().unwrap().unwrap();
    let base = listening
        .strip_prefix("gitlab-sim listening on ")
        .unwrap_or_else(|| panic!("{listening}"))
        .to_owned();
    let sign_ins: Vec<String> = lines.by_ref().take(2).map(Result::unwrap).collect();
    assert!(
        sign_ins.iter().any(|l| l.ends_with(OWNER_TOKEN)),
        "{sign_ins:?}"
    );
    let user = at("GET", &format!("{base}/api/v4/user"))
        .token(OWNER_TOKEN)
        .send();
    assert_eq!(user.json()["username"], "owner");
    child.kill().unwrap();
    child.wait().unwrap();
}
