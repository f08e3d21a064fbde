//! `gitlab-sim` command line: parse flags, bind, print the ready lines, serve.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
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
        None => None,
    };
    let config = Config {
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
