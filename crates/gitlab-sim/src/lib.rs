//! gitlab-sim: a stand-in for the part of GitLab's REST API that tokenwarden uses.
//!
//! It exists so the app's tests, the local demo and benchmarks can run against something that
//! answers like GitLab (paths, defaults, permission rules, status codes, exact error bodies,
//! CORS and pagination headers) without a GitLab instance. It is deliberately independent of the
//! app's own domain crate: it is the oracle the app is checked against.
//!
//! Use [`Sim::bind`] + [`Sim::run`] from an async program, or [`spawn`] to get a server on a
//! background thread (handy in blocking tests).

pub mod auth;
pub mod chaos;
mod cors;
pub mod entities;
pub mod errors;
mod faults;
pub mod fixture;
pub mod generate;
pub mod oauth;
pub mod pagination;
pub mod params;
pub mod routes;
pub mod secrets;
mod server;
pub mod site;
pub mod sshkey;
pub mod state;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use tokio::net::TcpListener;

pub use fixture::{FixtureError, DEMO_FIXTURE};

/// Where and what to serve.
#[derive(Debug, Clone)]
pub struct Config {
    /// API listener address; port 0 picks a free port.
    pub listen: SocketAddr,
    /// Fixture JSON; `None` loads the built-in demo.
    pub fixture: Option<String>,
    /// Optional static site listener.
    pub site: Option<SiteConfig>,
    /// The seeded fault model, off by default.
    pub chaos: chaos::ChaosConfig,
    /// What the `X-Sim-Control` header must carry on `/-/sim/*`; `None` picks a random one.
    pub control_secret: Option<String>,
}

/// The static site served next to the API (`--site`).
#[derive(Debug, Clone)]
pub struct SiteConfig {
    pub dir: PathBuf,
    pub listen: SocketAddr,
    /// URL prefix, e.g. `/group/project/`; normalised by [`Sim::bind`].
    pub prefix: String,
}

/// Why the sim could not start.
#[derive(Debug)]
pub enum StartError {
    Io(std::io::Error),
    Fixture(FixtureError),
    Site(String),
    /// A setting that cannot be used, such as an empty control secret.
    Config(String),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::Io(e) => write!(f, "{e}"),
            StartError::Fixture(e) => write!(f, "{e}"),
            StartError::Site(e) => write!(f, "{e}"),
            StartError::Config(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for StartError {}

impl From<std::io::Error> for StartError {
    fn from(e: std::io::Error) -> Self {
        StartError::Io(e)
    }
}

/// A sim with its listeners bound and its fixture loaded, ready to [`run`](Sim::run).
pub struct Sim {
    app: server::App,
    api: TcpListener,
    api_addr: SocketAddr,
    site: Option<(TcpListener, SocketAddr, SiteConfig)>,
}

impl Sim {
    pub async fn bind(config: Config) -> Result<Sim, StartError> {
        let fixture_json = config
            .fixture
            .unwrap_or_else(|| fixture::DEMO_FIXTURE.to_owned());
        let state = fixture::load(&fixture_json).map_err(StartError::Fixture)?;
        let site = match config.site {
            Some(mut site) => {
                site.prefix = site::normalise_prefix(&site.prefix).map_err(StartError::Site)?;
                if !site.dir.is_dir() {
                    return Err(StartError::Site(format!(
                        "site directory {} does not exist",
                        site.dir.display()
                    )));
                }
                let listener = TcpListener::bind(site.listen).await?;
                let addr = listener.local_addr()?;
                Some((listener, addr, site))
            }
            None => None,
        };
        let api = TcpListener::bind(config.listen).await?;
        let api_addr = api.local_addr()?;
        let control_secret = match config.control_secret {
            Some(secret) if secret.is_empty() || !secret.bytes().all(|b| b.is_ascii_graphic()) => {
                return Err(StartError::Config(
                    "the control secret must be printable ASCII without spaces".into(),
                ))
            }
            Some(secret) => secret,
            None => secrets::random_hex32(),
        };
        let site_url = site
            .as_ref()
            .map(|(_, addr, site)| format!("http://{addr}{}", site.prefix));
        let app = server::App {
            state: Arc::new(Mutex::new(state)),
            urls: Arc::new(entities::Urls::new(&format!("http://{api_addr}"))),
            initial_fixture: Arc::new(fixture_json),
            chaos: Arc::new(Mutex::new(chaos::Chaos::new(config.chaos))),
            control_secret: Arc::new(control_secret),
            site_url: Arc::new(site_url),
        };
        Ok(Sim {
            app,
            api,
            api_addr,
            site,
        })
    }

    pub fn api_addr(&self) -> SocketAddr {
        self.api_addr
    }

    /// `http://ADDR`, the base of every URL the API returns.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.api_addr)
    }

    pub fn site_addr(&self) -> Option<SocketAddr> {
        self.site.as_ref().map(|(_, addr, _)| *addr)
    }

    /// `http://SITEADDR/PREFIX/`.
    pub fn site_url(&self) -> Option<String> {
        self.app.site_url.as_ref().clone()
    }

    /// What the `X-Sim-Control` header must carry on the test hooks.
    pub fn control_secret(&self) -> &str {
        &self.app.control_secret
    }

    /// The lines the binary prints once ready: where it listens, the test hooks' header, then
    /// one sign-in line per fixture user holding an active personal access token.
    pub fn banner(&self) -> Vec<String> {
        let mut lines = vec![format!("gitlab-sim listening on {}", self.base_url())];
        if let Some(url) = self.site_url() {
            lines.push(format!("site at {url}"));
        }
        lines.push(format!(
            "test hooks under /-/sim/ need the header {}: {}",
            server::CONTROL_HEADER,
            self.control_secret()
        ));
        lines.extend(sign_in_lines(&self.app.lock()));
        lines
    }

    /// Serves until the process ends.
    pub async fn run(self) -> std::io::Result<()> {
        self.run_until(std::future::pending()).await
    }

    /// Serves until `shutdown` completes.
    pub async fn run_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let api = axum::serve(
            self.api,
            server::router(self.app).into_make_service_with_connect_info::<SocketAddr>(),
        );
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            shutdown.await;
            let _ = stop_tx.send(true);
        });
        let wait = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
            let _ = rx.wait_for(|stop| *stop).await;
        };
        let api = api.with_graceful_shutdown(wait(stop_rx.clone()));
        match self.site {
            Some((listener, _, site)) => {
                let site = axum::serve(listener, site::router(site.dir, site.prefix))
                    .with_graceful_shutdown(wait(stop_rx));
                let (a, b) = tokio::join!(api, site);
                a.and(b)
            }
            None => api.await,
        }
    }
}

/// "sign in as USER (ROLES) with token TOKEN" for each human with an active token.
fn sign_in_lines(state: &state::SimState) -> Vec<String> {
    let today = state.today();
    let mut lines = Vec::new();
    for user in state.users.iter().filter(|u| !u.is_bot()) {
        let Some(token) = state
            .tokens
            .iter()
            .find(|t| t.user_id == user.id && t.active(today))
        else {
            continue;
        };
        let mut roles: Vec<String> = Vec::new();
        if user.admin {
            roles.push("admin".into());
        }
        for group in &state.groups {
            if let Some(level) = state.direct_group_level(group.id, user.id) {
                roles.push(format!(
                    "{} of {}",
                    state::access::role_name(level),
                    state.group_full_path(group.id)
                ));
            }
        }
        for project in &state.projects {
            if let Some(level) = state.direct_project_level(project, user.id) {
                roles.push(format!(
                    "{} of {}",
                    state::access::role_name(level),
                    state.project_full_path(project)
                ));
            }
        }
        if roles.is_empty() {
            roles.push("no memberships".into());
        }
        let mut summary = roles.join(", ");
        if !token.scopes.iter().any(|s| s == "api") {
            summary.push_str(&format!("; {} token", token.scopes.join("+")));
        }
        lines.push(format!(
            "sign in as {} ({summary}) with token {}",
            user.username, token.secret
        ));
    }
    lines
}

/// A sim running on its own thread and runtime; stops when dropped.
pub struct Running {
    pub api_addr: SocketAddr,
    pub base_url: String,
    pub site_addr: Option<SocketAddr>,
    pub site_url: Option<String>,
    /// What the `X-Sim-Control` header must carry on `/-/sim/*`.
    pub control_secret: String,
    pub banner: Vec<String>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Binds and starts a sim on a background thread; returns once it accepts connections.
pub fn spawn(config: Config) -> Result<Running, StartError> {
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("gitlab-sim".into())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    let _ = ready_tx.send(Err(StartError::Io(e)));
                    return;
                }
            };
            runtime.block_on(async move {
                let sim = match Sim::bind(config).await {
                    Ok(sim) => sim,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
                let running = Running {
                    api_addr: sim.api_addr(),
                    base_url: sim.base_url(),
                    site_addr: sim.site_addr(),
                    site_url: sim.site_url(),
                    control_secret: sim.control_secret().to_owned(),
                    banner: sim.banner(),
                    stop: Some(stop_tx),
                };
                let _ = ready_tx.send(Ok(running));
                let _ = sim
                    .run_until(async move {
                        let _ = stop_rx.await;
                    })
                    .await;
            });
        })?;
    ready_rx
        .recv()
        .map_err(|_| StartError::Site("sim thread ended before starting".into()))?
}
