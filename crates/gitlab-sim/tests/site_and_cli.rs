//! The static site listener and the command line.

mod common;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

use common::*;

static DIRS: AtomicU32 = AtomicU32::new(0);

/// A throwaway directory holding a fake app build.
fn site_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "gitlab-sim-site-{}-{}",
        std::process::id(),
        DIRS.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(dir.join("assets")).unwrap();
    std::fs::write(dir.join("index.html"), "<!doctype html><title>app</title>").unwrap();
    std::fs::write(dir.join("app_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(dir.join("app.js"), "export {};").unwrap();
    std::fs::write(dir.join("style.css"), "body{}").unwrap();
    std::fs::write(dir.join("assets/logo.svg"), "<svg/>").unwrap();
    dir
}

fn get(url: &str) -> Resp {
    at("GET", url).send()
}

/// `http://host:port` and the path of a URL.
fn split(url: &str) -> (String, String) {
    let rest = url.strip_prefix("http://").unwrap();
    let slash = rest.find('/').unwrap_or(rest.len());
    (
        format!("http://{}", &rest[..slash]),
        rest[slash..].to_owned(),
    )
}

fn start_site(prefix: &str) -> Running {
    start_site_with(site_dir(), prefix, Some(fixture().to_string()))
}

fn start_site_in(dir: PathBuf, prefix: &str) -> Running {
    start_site_with(dir, prefix, Some(fixture().to_string()))
}

fn start_site_with(dir: PathBuf, prefix: &str, fixture: Option<String>) -> Running {
    gitlab_sim::spawn(gitlab_sim::Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        fixture,
        site: Some(gitlab_sim::SiteConfig {
            dir,
            listen: "127.0.0.1:0".parse().unwrap(),
            prefix: prefix.to_owned(),
        }),
        chaos: Default::default(),
        control_secret: None,
    })
    .expect("sim with site starts")
}

#[test]
fn site_is_served_under_its_prefix_with_right_types() {
    let sim = start_site("/group/app");
    let site = sim.site_url.clone().unwrap();
    assert!(site.ends_with("/group/app/"), "{site}");
    let index = get(&site);
    assert_eq!(index.status, 200);
    assert!(index.body.contains("<title>app</title>"));
    assert_eq!(index.header("content-type"), Some("text/html"));
    let wasm = get(&format!("{site}app_bg.wasm"));
    assert_eq!(wasm.status, 200);
    assert_eq!(wasm.header("content-type"), Some("application/wasm"));
    let js = get(&format!("{site}app.js"));
    assert_eq!(js.header("content-type"), Some("text/javascript"));
    let css = get(&format!("{site}style.css"));
    assert_eq!(css.header("content-type"), Some("text/css"));
    assert_eq!(get(&format!("{site}assets/logo.svg")).status, 200);
}

#[test]
fn site_redirects_bare_prefix_and_refuses_unknown_paths() {
    let sim = start_site("/group/app/");
    let site = sim.site_url.clone().unwrap();
    let bare = site.trim_end_matches('/');
    let r = get(bare);
    assert_eq!(r.status, 302);
    assert_eq!(r.header("location"), Some("/group/app/"));
    let dir = get(&format!("{site}assets"));
    assert_eq!(dir.status, 302);
    assert_eq!(dir.header("location"), Some("/group/app/assets/"));
    assert_eq!(get(&format!("{site}missing.js")).status, 404);
    assert_eq!(get(&format!("{site}../index.html")).status, 404);
    let (origin, _) = split(&site);
    assert_eq!(
        get(&format!("{origin}/index.html")).status,
        404,
        "outside the prefix"
    );
    assert_eq!(get(&format!("{origin}/group/other/")).status, 404);
}

#[test]
fn site_at_root_prefix() {
    let sim = start_site("/");
    let site = sim.site_url.clone().unwrap();
    assert!(site.ends_with('/'), "{site}");
    assert_eq!(get(&site).status, 200);
    assert_eq!(
        get(&format!("{site}app_bg.wasm")).header("content-type"),
        Some("application/wasm")
    );
}

#[test]
fn site_serves_precompressed_copies_to_browsers_that_accept_them() {
    // A build with `.br` and `.gz` beside some files, as `site-tools finalise --compress` leaves
    // it. The copies' contents are marked so the test sees which file was sent; the sim sends
    // them as they are, as GitLab Pages does.
    let dir = site_dir();
    for (file, marked) in [
        ("index.html", "index.html as brotli"),
        ("app.js", "app.js as brotli"),
        ("app_bg.wasm", "app_bg.wasm as brotli"),
    ] {
        std::fs::write(dir.join(format!("{file}.br")), marked).unwrap();
    }
    std::fs::write(dir.join("app.js.gz"), "app.js as gzip").unwrap();
    let sim = start_site_in(dir, "/group/app/");
    let site = sim.site_url.clone().unwrap();
    let fetch = |path: &str, accept: Option<&str>| {
        let request = at("GET", &format!("{site}{path}"));
        match accept {
            Some(accept) => request.header("Accept-Encoding", accept),
            None => request,
        }
        .send()
    };

    let chromium = "gzip, deflate, br, zstd";
    let js = fetch("app.js", Some(chromium));
    assert_eq!(js.status, 200);
    assert_eq!(js.body, "app.js as brotli");
    assert_eq!(js.header("content-encoding"), Some("br"));
    assert_eq!(js.header("content-type"), Some("text/javascript"));
    assert_eq!(js.header("vary"), Some("accept-encoding"));
    let wasm = fetch("app_bg.wasm", Some(chromium));
    assert_eq!(wasm.body, "app_bg.wasm as brotli");
    assert_eq!(wasm.header("content-encoding"), Some("br"));
    assert_eq!(wasm.header("content-type"), Some("application/wasm"));
    // The directory's index too, at the prefix itself.
    let index = fetch("", Some(chromium));
    assert_eq!(index.body, "index.html as brotli");
    assert_eq!(index.header("content-encoding"), Some("br"));
    assert_eq!(index.header("content-type"), Some("text/html"));

    let gz = fetch("app.js", Some("gzip"));
    assert_eq!(gz.body, "app.js as gzip");
    assert_eq!(gz.header("content-encoding"), Some("gzip"));
    assert_eq!(gz.header("content-type"), Some("text/javascript"));
    // The browser's preference decides between the two.
    let preferred = fetch("app.js", Some("br;q=0.5, gzip"));
    assert_eq!(preferred.header("content-encoding"), Some("gzip"));

    // No copy in an accepted encoding, or no encoding accepted: the file itself, unencoded.
    let wasm_gzip = fetch("app_bg.wasm", Some("gzip"));
    assert_eq!(wasm_gzip.body, "\0asm\x01\0\0\0");
    assert_eq!(wasm_gzip.header("content-encoding"), None);
    assert_eq!(wasm_gzip.header("content-type"), Some("application/wasm"));
    let css = fetch("style.css", Some(chromium));
    assert_eq!(css.body, "body{}");
    assert_eq!(css.header("content-encoding"), None);
    let plain = fetch("app.js", None);
    assert_eq!(plain.body, "export {};");
    assert_eq!(plain.header("content-encoding"), None);
    let identity = fetch("app.js", Some("identity"));
    assert_eq!(identity.body, "export {};");

    // Unknown files stay 404 whatever is accepted.
    assert_eq!(fetch("missing.js", Some(chromium)).status, 404);
}

fn write_fixture() -> PathBuf {
    let path = std::env::temp_dir().join(format!(
        "gitlab-sim-fixture-{}-{}.json",
        std::process::id(),
        DIRS.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::write(&path, fixture().to_string()).unwrap();
    path
}

#[test]
fn cli_prints_ready_lines_and_serves() {
    let fixture = write_fixture();
    let site = site_dir();
    let mut child = Command::new(env!("CARGO_BIN_EXE_gitlab-sim"))
        .args(["--listen", "127.0.0.1:0", "--fixture"])
        .arg(&fixture)
        .arg("--site")
        .arg(&site)
        .args([
            "--site-listen",
            "127.0.0.1:0",
            "--site-prefix",
            "/group/app",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("binary runs");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut next = || lines.next().unwrap().unwrap();
    let listening = next();
    let base = listening
        .strip_prefix("gitlab-sim listening on ")
        .unwrap_or_else(|| panic!("{listening}"))
        .to_owned();
    assert!(
        base.starts_with("http://127.0.0.1:") && !base.ends_with(":0"),
        "{base}"
    );
    let site_line = next();
    let site_url = site_line.strip_prefix("site at ").unwrap().to_owned();
    assert!(site_url.ends_with("/group/app/"), "{site_url}");
    let hooks_line = next();
    let secret = hooks_line
        .strip_prefix("test hooks under /-/sim/ need the header X-Sim-Control: ")
        .unwrap_or_else(|| panic!("{hooks_line}"))
        .to_owned();
    assert_eq!(secret.len(), 32, "a random secret: {secret}");
    let sign_ins: Vec<String> = (0..6).map(|_| next()).collect();
    assert_eq!(
        sign_ins[0],
        format!("sign in as root (admin) with token {ROOT}")
    );
    assert!(sign_ins.contains(&format!(
        "sign in as owner (Owner of top) with token {OWNER}"
    )));
    assert!(sign_ins.contains(&format!(
        "sign in as maint (Maintainer of top/sub, Reporter of top/sub/app) with token {MAINT}"
    )));
    assert!(sign_ins.contains(&format!(
        "sign in as reader (Maintainer of top/sub/app; read_api token) with token {READER}"
    )));
    assert!(sign_ins.contains(&format!(
        "sign in as outsider (no memberships) with token {OUTSIDER}"
    )));

    let me = at("GET", &format!("{base}/api/v4/user")).token(DEV).send();
    assert_eq!(me.json()["username"], "dev");
    assert_eq!(get(&format!("{site_url}app_bg.wasm")).status, 200);
    let chaos = |secret: &str| {
        at("GET", &format!("{base}/-/sim/chaos"))
            .header(CONTROL_HEADER, secret)
            .send()
            .status
    };
    assert_eq!(chaos(&secret), 200);
    assert_eq!(chaos("not-the-secret"), 403);
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn site_placeholder_in_redirect_uris_is_the_site_listener() {
    // The demo fixture registers `tokenwarden-demo` with `{site}` as its redirect URI.
    let sim = start_site_with(site_dir(), "/tokenwarden/", None);
    let site_url = sim.site_url.clone().unwrap();
    let authorize = |redirect: &str| {
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("client_id", "tokenwarden-demo")
            .append_pair("redirect_uri", redirect)
            .append_pair("response_type", "code")
            .append_pair("scope", "api")
            .append_pair("sim_user", "maria")
            .finish();
        at("GET", &format!("{}/oauth/authorize?{query}", sim.base_url)).send()
    };
    let r = authorize(&site_url);
    assert_eq!(r.status, 302, "{}", r.body);
    let location = r.header("location").unwrap();
    assert!(
        location.starts_with(&format!("{site_url}?code=")),
        "{location}"
    );
    assert_eq!(authorize(&format!("{site_url}elsewhere")).status, 400);
    assert_eq!(authorize("http://127.0.0.1:1/other/").status, 400);
}

#[test]
fn cli_takes_the_control_secret_from_the_environment_and_refuses_bad_ones() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gitlab-sim"))
        .args(["--listen", "127.0.0.1:0"])
        .env("GITLAB_SIM_CONTROL_SECRET", "from-the-env")
        .stdout(Stdio::piped())
        .spawn()
        .expect("binary runs");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let listening = lines.next().unwrap().unwrap();
    let base = listening
        .strip_prefix("gitlab-sim listening on ")
        .unwrap()
        .to_owned();
    let hooks_line = lines.next().unwrap().unwrap();
    assert!(
        hooks_line.ends_with("X-Sim-Control: from-the-env"),
        "{hooks_line}"
    );
    let status = at("GET", &format!("{base}/-/sim/clock"))
        .header(CONTROL_HEADER, "from-the-env")
        .send()
        .status;
    assert_eq!(status, 200);
    child.kill().unwrap();
    child.wait().unwrap();

    for bad in ["", "has space"] {
        let out = Command::new(env!("CARGO_BIN_EXE_gitlab-sim"))
            .args(["--listen", "127.0.0.1:0", "--control-secret", bad])
            .output()
            .unwrap();
        assert!(!out.status.success(), "{bad:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("control secret"), "{stderr}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn cli_refuses_a_bad_fixture() {
    let path = std::env::temp_dir().join(format!("gitlab-sim-bad-{}.json", std::process::id()));
    std::fs::write(&path, r#"{"today": "soon"}"#).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_gitlab-sim"))
        .args(["--listen", "127.0.0.1:0", "--fixture"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("invalid fixture: today"), "{stderr}");
    assert!(out.stdout.is_empty());
}

#[test]
fn cli_takes_fault_flags_and_refuses_bad_ones() {
    let out = Command::new(env!("CARGO_BIN_EXE_gitlab-sim"))
        .args(["--listen", "127.0.0.1:0", "--error-rate", "1.5"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("error_rate must be between 0 and 1"));
    let out = Command::new(env!("CARGO_BIN_EXE_gitlab-sim"))
        .args(["--listen", "127.0.0.1:0", "--latency-ms", "5-x"])
        .output()
        .unwrap();
    assert!(!out.status.success());

    let mut child = Command::new(env!("CARGO_BIN_EXE_gitlab-sim"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--latency-ms",
            "20-40",
            "--rate-limit",
            "50",
        ])
        .args(["--error-rate", "0.1", "--chaos-seed", "9"])
        .args(["--control-secret", "given-secret"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("binary runs");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let listening = lines.next().unwrap().unwrap();
    let base = listening
        .strip_prefix("gitlab-sim listening on ")
        .unwrap()
        .to_owned();
    let hooks_line = lines.next().unwrap().unwrap();
    assert!(
        hooks_line.ends_with("X-Sim-Control: given-secret"),
        "{hooks_line}"
    );
    let settings = at("GET", &format!("{base}/-/sim/chaos"))
        .header(CONTROL_HEADER, "given-secret")
        .send()
        .json();
    assert_eq!(
        settings["config"],
        serde_json::json!({"seed": 9, "latency_ms": 20, "latency_max_ms": 40, "error_rate": 0.1,
            "rate_limit_per_second": 50, "drop_rate": 0.0, "lost_answer_rate": 0.0, "malformed_rate": 0.0})
    );
    child.kill().unwrap();
    child.wait().unwrap();
}
