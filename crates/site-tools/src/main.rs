//! `site-tools post-build`: Trunk's post-build hook. Builds the rest of the page (the
//! `tokenwarden-app` binary, which the first visit's sign-in fetches and hands over to) into the
//! staging directory under a name that changes with its content, names it in `index.html`, then
//! finalises as below.
//!
//! `site-tools finalise [DIR] [--compress]`: writes the Content-Security-Policy into DIR's
//! `index.html` (the hash of every inline script, `connect-src` from DIR's `config.json` when it
//! names a GitLab), and with `--compress` a `.br` and `.gz` beside every text and wasm asset,
//! which GitLab Pages serves to browsers that accept them. DIR defaults to `$TRUNK_STAGING_DIR`,
//! so the tool runs as Trunk's post-build hook. Running it again replaces the policy.

use base64ct::{Base64, Encoding};
use domain::config::SiteConfig;
use domain::GitLabUrl;
use sha2::{Digest, Sha256};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

const META_START: &str = "<meta http-equiv=\"Content-Security-Policy\" content=\"";

/// Every inline `<script>` body (no `src`), exactly as the browser hashes it.
fn inline_scripts(html: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let Some(open_end) = rest[start..].find('>') else {
            break;
        };
        let tag = &rest[start..start + open_end];
        let body_start = start + open_end + 1;
        let Some(close) = rest[body_start..].find("</script>") else {
            break;
        };
        if !tag.contains(" src=") {
            found.push(&rest[body_start..body_start + close]);
        }
        rest = &rest[body_start + close..];
    }
    found
}

fn sha256_source(text: &str) -> String {
    format!(
        "sha256-{}",
        Base64::encode_string(&Sha256::digest(text.as_bytes()))
    )
}

/// The GitLab the deployment's `config.json` names, if any; a bad file is an error, since the
/// page would refuse it too.
fn configured_gitlab(dir: &Path) -> Result<Option<GitLabUrl>, String> {
    let path = dir.join("config.json");
    let Ok(text) = fs::read_to_string(&path) else {
        return Ok(None);
    };
    SiteConfig::parse(&text)
        .map(|c| c.gitlab_url)
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// `html` with its policy meta tag set (replaced when present, else right after the charset,
/// before anything it governs).
fn with_policy(html: &str, policy: &str) -> Result<String, String> {
    let tag = format!("{META_START}{policy}\" />");
    if let Some(start) = html.find(META_START) {
        let end = start
            + html[start..]
                .find('>')
                .ok_or("unterminated policy meta tag")?
            + 1;
        return Ok(format!("{}{tag}{}", &html[..start], &html[end..]));
    }
    let charset = html
        .find("<meta charset")
        .ok_or("index.html has no <meta charset>")?;
    let after = charset
        + html[charset..]
            .find('>')
            .ok_or("unterminated charset meta tag")?
        + 1;
    Ok(format!("{}\n    {tag}{}", &html[..after], &html[after..]))
}

fn finalise(dir: &Path, compress: bool) -> Result<(), String> {
    let index = dir.join("index.html");
    let html = fs::read_to_string(&index).map_err(|e| format!("{}: {e}", index.display()))?;
    let hashes: Vec<String> = inline_scripts(&html)
        .into_iter()
        .map(sha256_source)
        .collect();
    let gitlab = configured_gitlab(dir)?;
    let policy = domain::csp::policy(&hashes, gitlab.as_ref());
    fs::write(&index, with_policy(&html, &policy)?).map_err(|e| e.to_string())?;
    if compress {
        precompress(dir)?;
    }
    Ok(())
}

const APP_BIN: &str = "tokenwarden-app";
const APP_META: &str = "<meta name=\"tokenwarden-app\"";

fn run(program: &str, args: &[&str]) -> Result<(), String> {
    let status = Command::new(program)
        .args(args)
        .status()
        .map_err(|e| format!("{program}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{program} {} failed ({status})", args.join(" ")))
    }
}

/// The wasm-opt options the page's own module gets (`data-wasm-opt-params` in the source
/// HTML), so that both modules are optimised alike.
fn wasm_opt_params(source_html: &str) -> Vec<String> {
    let key = "data-wasm-opt-params=\"";
    source_html
        .find(key)
        .and_then(|at| {
            let rest = &source_html[at + key.len()..];
            rest.find('"').map(|end| &rest[..end])
        })
        .map(|p| p.split_whitespace().map(String::from).collect())
        .unwrap_or_default()
}

/// `html` with the meta tag naming the rest of the page set (replaced when present).
fn with_app_meta(html: &str, script: &str) -> Result<String, String> {
    let tag = format!("{APP_META} content=\"./{script}\" />");
    if let Some(start) = html.find(APP_META) {
        let end = start + html[start..].find('>').ok_or("unterminated app meta tag")? + 1;
        return Ok(format!("{}{tag}{}", &html[..start], &html[end..]));
    }
    let head = html.find("</head>").ok_or("index.html has no </head>")?;
    Ok(format!("{}  {tag}\n  {}", &html[..head], &html[head..]))
}

fn post_build() -> Result<(), String> {
    let var = |name: &str| {
        std::env::var(name)
            .map_err(|_| format!("{name} is not set: run me as Trunk's post-build hook"))
    };
    let staging = PathBuf::from(var("TRUNK_STAGING_DIR")?);
    let release = var("TRUNK_PROFILE")? == "release";
    let source_html = fs::read_to_string(var("TRUNK_HTML_FILE")?).map_err(|e| e.to_string())?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut args = vec![
        "build",
        "--target",
        "wasm32-unknown-unknown",
        "-p",
        "tokenwarden",
        "--bin",
        APP_BIN,
    ];
    if release {
        args.push("--release");
    }
    run(&cargo, &args)?;
    let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into());
    let wasm = Path::new(&target)
        .join("wasm32-unknown-unknown")
        .join(if release { "release" } else { "debug" })
        .join(format!("{APP_BIN}.wasm"));
    let bytes = fs::read(&wasm).map_err(|e| format!("{}: {e}", wasm.display()))?;
    let digest = Sha256::digest(&bytes);
    let hash: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    let name = format!("{APP_BIN}-{hash}");
    let out_dir = staging.to_string_lossy().to_string();
    run(
        "wasm-bindgen",
        &[
            "--target",
            "web",
            "--no-typescript",
            "--out-dir",
            &out_dir,
            "--out-name",
            &name,
            &wasm.to_string_lossy(),
        ],
    )?;
    if release {
        let module = staging
            .join(format!("{name}_bg.wasm"))
            .to_string_lossy()
            .to_string();
        let params = wasm_opt_params(&source_html);
        let mut args = vec!["-Oz", "-o", &module, &module];
        args.extend(params.iter().map(String::as_str));
        run("wasm-opt", &args)?;
    }
    let index = staging.join("index.html");
    let html = fs::read_to_string(&index).map_err(|e| format!("{}: {e}", index.display()))?;
    fs::write(&index, with_app_meta(&html, &format!("{name}.js"))?).map_err(|e| e.to_string())?;
    finalise(&staging, false)
}

fn precompress(dir: &Path) -> Result<(), String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        // wasm-bindgen's snippets live in a folder of their own.
        if path.is_dir() {
            precompress(&path)?;
            continue;
        }
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !matches!(ext, "html" | "js" | "wasm" | "css" | "svg" | "json") {
            continue;
        }
        let data = fs::read(&path).map_err(|e| e.to_string())?;
        let mut br = Vec::new();
        {
            let params = brotli::enc::BrotliEncoderParams {
                quality: 11,
                lgwin: 22,
                ..Default::default()
            };
            brotli::BrotliCompress(&mut data.as_slice(), &mut br, &params)
                .map_err(|e| e.to_string())?;
        }
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&data).map_err(|e| e.to_string())?;
        let gz = gz.finish().map_err(|e| e.to_string())?;
        let with = |suffix: &str| PathBuf::from(format!("{}.{suffix}", path.display()));
        fs::write(with("br"), br).map_err(|e| e.to_string())?;
        fs::write(with("gz"), gz).map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let compress = args.iter().any(|a| a == "--compress");
    let mut positional = args.iter().filter(|a| !a.starts_with("--"));
    let run = match positional.next().map(String::as_str) {
        Some("finalise") => {
            let dir = positional
                .next()
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("TRUNK_STAGING_DIR").map(PathBuf::from));
            match dir {
                Some(dir) => finalise(&dir, compress),
                None => Err("no directory given and TRUNK_STAGING_DIR is not set".into()),
            }
        }
        Some("post-build") => post_build(),
        _ => Err("usage: site-tools finalise [DIR] [--compress] | site-tools post-build".into()),
    };
    match run {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("site-tools: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "<!doctype html><html><head>\n    <meta charset=\"utf-8\" />\n    <title>t</title>\n<script type=\"module\">\nimport init from './a.js';\n</script><script src=\"./b.js\"></script></head></html>";

    #[test]
    fn the_app_meta_goes_in_the_head_and_is_replaced_not_repeated() {
        let html = "<html><head><title>t</title></head><body></body></html>";
        let once = with_app_meta(html, "tokenwarden-app-00.js").unwrap();
        assert!(
            once.contains("<meta name=\"tokenwarden-app\" content=\"./tokenwarden-app-00.js\" />")
        );
        assert!(once.find("tokenwarden-app-00").unwrap() < once.find("</head>").unwrap());
        let twice = with_app_meta(&once, "tokenwarden-app-11.js").unwrap();
        assert!(twice.contains("tokenwarden-app-11.js") && !twice.contains("tokenwarden-app-00"));
        assert_eq!(twice.matches(APP_META).count(), 1);
        assert!(with_app_meta("<html></html>", "x.js").is_err());
    }

    #[test]
    fn both_modules_get_the_pages_wasm_opt_params() {
        let html =
            r#"<link data-trunk rel="rust" data-wasm-opt="z" data-wasm-opt-params="--a --b" />"#;
        assert_eq!(wasm_opt_params(html), ["--a", "--b"]);
        assert!(wasm_opt_params("<html></html>").is_empty());
    }

    #[test]
    fn hashes_only_inline_scripts_as_the_browser_does() {
        let scripts = inline_scripts(PAGE);
        assert_eq!(scripts, ["\nimport init from './a.js';\n"]);
        // `printf '' | openssl dgst -sha256 -binary | base64`
        assert_eq!(
            sha256_source(""),
            "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        );
    }

    #[test]
    fn the_policy_goes_first_and_is_replaced_not_repeated() {
        let once = with_policy(PAGE, "default-src 'none'").unwrap();
        let meta = once.find(META_START).unwrap();
        assert!(meta < once.find("<script").unwrap());
        let twice = with_policy(&once, "default-src 'self'").unwrap();
        assert_eq!(twice.matches(META_START).count(), 1);
        assert!(twice.contains("default-src 'self'\" />"));
    }

    #[test]
    fn config_narrows_connect_src_and_bad_config_is_an_error() {
        let dir = std::env::temp_dir().join(format!("site-tools-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("index.html"), PAGE).unwrap();
        fs::write(
            dir.join("config.json"),
            r#"{"gitlab_url":"https://gitlab.example.com"}"#,
        )
        .unwrap();
        finalise(&dir, true).unwrap();
        let html = fs::read_to_string(dir.join("index.html")).unwrap();
        assert!(
            html.contains("connect-src 'self' https://gitlab.example.com;"),
            "{html}"
        );
        assert!(dir.join("index.html.br").exists() && dir.join("index.html.gz").exists());
        fs::write(dir.join("config.json"), r#"{"gitlab_url":"ftp://x"}"#).unwrap();
        assert!(finalise(&dir, false).unwrap_err().contains("gitlab_url"));
        fs::remove_dir_all(&dir).unwrap();
    }
}
