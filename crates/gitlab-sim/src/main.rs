//! `gitlab-sim` command line: parse flags, bind, print the ready lines, serve.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use gitlab_sim::chaos::ChaosConfig;
use gitlab_sim::{Config, Sim, SiteConfig};

/// A GitLab REST API stand-in for tokenwarden's tests and demo.
#[derive(Debug, Parser)]
#[command(name = "gitlab-sim", version)]
struct Cli {
    /// Address for the API, e.g. 127.0.0.1:3000 (port 0 picks a free one).
    #[arg(long)]
    listen: SocketAddr,
    /// Fixture JSON to load instead of the built-in demo.
    #[arg(long, value_name = "FILE")]
    fixture: Option<PathBuf>,
    /// Generate a large instance instead: projects=N,groups=M,tokens=K,seed=S (any left out
    /// keep their defaults). Sign in as its owner with glpat-generated-owner-001, or as its
    /// administrator with glpat-generated-admin-001.
    #[arg(long, value_name = "SPEC", conflicts_with = "fixture")]
    generate: Option<gitlab_sim::generate::Spec>,
    /// Directory with a built static site to serve on a second listener.
    #[arg(long, value_name = "DIR")]
    site: Option<PathBuf>,
    /// Address for the site listener.
    #[arg(
        long,
        value_name = "ADDR",
        requires = "site",
        default_value = "127.0.0.1:8000"
    )]
    site_listen: SocketAddr,
    /// URL prefix the site is served under, like a GitLab Pages project path.
    #[arg(long, value_name = "PATH", requires = "site", default_value = "/")]
    site_prefix: String,
    /// Delay every API answer: N milliseconds, or MIN-MAX for a uniform random delay.
    #[arg(long, value_name = "MS", value_parser = parse_latency)]
    latency_ms: Option<(u64, u64)>,
    /// Share of API requests answered 500, 502 or 503 (0 to 1).
    #[arg(long, value_name = "RATE", default_value_t = 0.0)]
    error_rate: f64,
    /// Requests per second per token before GitLab's 429 "Retry later".
    #[arg(long, value_name = "N")]
    rate_limit: Option<u32>,
    /// Share of API requests whose connection closes without an answer (0 to 1).
    #[arg(long, value_name = "RATE", default_value_t = 0.0)]
    drop_rate: f64,
    /// Share of successful writes whose answer is lost after the change was made (0 to 1).
    #[arg(long, value_name = "RATE", default_value_t = 0.0)]
    lost_answer_rate: f64,
    /// Share of successful JSON reads cut in half (0 to 1).
    #[arg(long, value_name = "RATE", default_value_t = 0.0)]
    malformed_rate: f64,
    /// Seed for the fault model: the same seed and request order replay the same faults.
    #[arg(long, value_name = "N", default_value_t = 0)]
    chaos_seed: u64,
    /// Secret the X-Sim-Control header must carry on the /-/sim/ test hooks (also read from
    /// GITLAB_SIM_CONTROL_SECRET); random for each run when not given, and printed at start-up.
    #[arg(long, value_name = "S")]
    control_secret: Option<String>,
}

/// Where the control secret may come from besides `--control-secret`.
const CONTROL_SECRET_ENV: &str = "GITLAB_SIM_CONTROL_SECRET";

fn parse_latency(text: &str) -> Result<(u64, u64), String> {
    let number = |s: &str| {
        s.trim()
            .parse::<u64>()
            .map_err(|_| format!("{s:?} is not a number of milliseconds"))
    };
    match text.split_once('-') {
        Some((min, max)) => Ok((number(min)?, number(max)?)),
        None => number(text).map(|n| (n, n)),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let fixture = match &cli.fixture {
        Some(path) => match std::fs::read_to_string(path) {
            Ok(text) => Some(text),
            Err(e) => {
                eprintln!("gitlab-sim: cannot read {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
        },
        None => cli
            .generate
            .map(|spec| gitlab_sim::generate::fixture(&spec).to_string()),
    };
    let (latency_ms, latency_max_ms) = cli.latency_ms.unwrap_or((0, 0));
    let chaos = ChaosConfig {
        seed: cli.chaos_seed,
        latency_ms,
        latency_max_ms,
        error_rate: cli.error_rate,
        rate_limit_per_second: cli.rate_limit,
        drop_rate: cli.drop_rate,
        lost_answer_rate: cli.lost_answer_rate,
        malformed_rate: cli.malformed_rate,
    };
    if let Err(e) = chaos.check() {
        eprintln!("gitlab-sim: {e}");
        return ExitCode::FAILURE;
    }
    let control_secret = cli
        .control_secret
        .clone()
        .or_else(|| std::env::var(CONTROL_SECRET_ENV).ok());
    let config = Config {
        chaos,
        control_secret,
        listen: cli.listen,
        fixture,
        site: cli.site.map(|dir| SiteConfig {
            dir,
            listen: cli.site_listen,
            prefix: cli.site_prefix,
        }),
    };
    let sim = match Sim::bind(config).await {
        Ok(sim) => sim,
        Err(e) => {
            eprintln!("gitlab-sim: {e}");
            return ExitCode::FAILURE;
        }
    };
    // Scripts wait for the "listening" line, so it must be out before any request is expected.
    let mut stdout = std::io::stdout().lock();
    for line in sim.banner() {
        let _ = writeln!(stdout, "{line}");
    }
    let _ = stdout.flush();
    drop(stdout);
    match sim.run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gitlab-sim: {e}");
            ExitCode::FAILURE
        }
    }
}
