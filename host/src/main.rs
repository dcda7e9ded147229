//! `wafer`: serve WebAssembly HTTP components.

#![warn(clippy::too_many_lines)]

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context as _, bail};
use clap::{Args, Parser, Subcommand};
use tracing::info;
mod cli;

use wafer_host::deployment::{self, Deployment};
use wafer_host::docs::{ComponentDoc, merged_document};
use wafer_host::manifest::{DEFAULT_LISTEN, Manifest};
use wafer_host::runtime::engine::default_cache_dir;
use wafer_host::runtime::{EngineOptions, Runtime};
use wafer_host::server::Server;
use wafer_host::tls::Certificates;

/// Serve WebAssembly HTTP components behind one port.
#[derive(Parser)]
#[command(name = "wafer", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the components of a manifest (or one .wasm file at /) over HTTP.
    Serve(ServeArgs),
    /// Start a project: a component crate with its tests and a wafer.toml.
    New(cli::new::NewArgs),
    /// Build and serve a manifest, and rebuild and reload each component as
    /// its sources change; a failed build keeps the last good one loaded and
    /// its routes answer 503 with the error.
    Dev(DevArgs),
    /// Run the `build` command of every component in a manifest.
    Build {
        /// The manifest [default: wafer.toml].
        #[arg(default_value = "wafer.toml")]
        manifest: PathBuf,
    },
    /// Print the merged OpenAPI document of a manifest's components, or one
    /// component's document (from its wafer:app/metadata export).
    Openapi {
        /// A wafer.toml manifest, or one component's .wasm file.
        target: PathBuf,
    },
    /// Write the manifest of another host for the same components.
    #[command(subcommand)]
    Export(cli::export::ExportCommand),
    /// Helpers for the files of [auth]: password hashes, API keys, tokens.
    #[command(subcommand)]
    Auth(cli::auth::AuthCommand),
}

#[derive(Args)]
struct DevArgs {
    /// The manifest.
    #[arg(default_value = "wafer.toml")]
    manifest: PathBuf,
    #[command(flatten)]
    host: HostArgs,
}

#[derive(Args)]
struct ServeArgs {
    /// A wafer.toml manifest, or one component's .wasm file to serve at /.
    target: PathBuf,
    #[command(flatten)]
    host: HostArgs,
    /// Build the components first (their `build` commands).
    #[arg(long)]
    build: bool,
    /// Compile components on every start instead of caching them (whatever
    /// --cache-dir or WAFER_CACHE_DIR say).
    #[arg(long)]
    no_cache: bool,
    /// Reload when the manifest or a component file changes (SIGHUP always
    /// reloads). Requests in flight finish on the old version; a version
    /// that does not load is refused and the old one keeps serving.
    #[arg(long)]
    watch: bool,
}

/// What `serve` and `dev` both take: where to listen and keep things.
#[derive(Args)]
struct HostArgs {
    /// The address to listen on [default: the manifest's, or 127.0.0.1:8080].
    #[arg(long)]
    listen: Option<SocketAddr>,
    /// Where compiled components are cached [default: ~/.cache/wafer].
    #[arg(long, env = "WAFER_CACHE_DIR")]
    cache_dir: Option<PathBuf>,
    /// Where embedded key-value stores are kept [default:
    /// ~/.local/share/wafer].
    #[arg(long, env = "WAFER_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// A TOML file of variable values (`api_key = "..."`), read at each
    /// (re)load; the environment's WAFER_VARIABLE_<NAME> comes first.
    #[arg(long, env = "WAFER_VARIABLES_FILE")]
    variables_file: Option<PathBuf>,
}

fn main() {
    // Log lines are written by a thread of their own, in batches when
    // requests come fast: one line per request costs the request thread a
    // formatted string, not a system call. Its queue is allocated whole at
    // start: tracing-appender's default of 128,000 lines is 4 MiB written
    // page by page, milliseconds of every start; 8,192 lines hold a busy
    // host's log for about half a second.
    let (log_writer, log_guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .buffered_lines_limit(8_192)
        .lossy(false)
        .finish(std::io::BufWriter::new(std::io::stderr()));
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(log_writer)
        .with_ansi(std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none())
        .init();
    let result = match Cli::parse().command {
        Command::Serve(args) => serve(args, false),
        Command::Dev(args) => serve(
            ServeArgs {
                target: args.manifest,
                host: args.host,
                build: false,
                no_cache: false,
                watch: false,
            },
            true,
        ),
        Command::New(args) => cli::new::run(args),
        Command::Build { manifest } => Manifest::load(&manifest)
            .map_err(anyhow::Error::from)
            .and_then(|m| build(&m, &manifest)),
        Command::Openapi { target } => openapi(&target),
        Command::Export(command) => cli::export::run(command),
        Command::Auth(command) => cli::auth::run(command),
    };
    // The log lines come out before the error, and none is lost to `exit`.
    drop(log_guard);
    if let Err(error) = result {
        eprintln!("error: {error:#}");
        std::process::exit(1);
    }
}

/// Serves `args.target`; under `wafer dev` (`dev`), builds its components
/// first and rebuilds them as their sources change.
fn serve(args: ServeArgs, dev: bool) -> anyhow::Result<()> {
    let started = Instant::now();
    let sources = cli::reload::Sources {
        target: args.target.clone(),
        variables: args.host.variables_file.clone(),
    };
    let manifest = sources.manifest()?;
    if args.build {
        build(&manifest, &args.target)?;
    }
    let cache_dir = if args.no_cache {
        None
    } else {
        args.host.cache_dir.or_else(default_cache_dir)
    };
    // A certificate that does not load stops the start before anything else.
    let certificates = manifest.tls.as_ref().map(Certificates::load).transpose()?;
    let mut options = EngineOptions::for_manifest(&manifest, cache_dir);
    if let Some(data_dir) = args.host.data_dir {
        options.data_dir = data_dir;
    }
    let runtime = Runtime::new(&options)?;
    let listen = match (args.host.listen, manifest.listen) {
        (Some(listen), _) | (None, Some(listen)) => listen,
        (None, None) => DEFAULT_LISTEN.parse()?,
    };

    let tokio = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    tokio.block_on(async move {
        let count = manifest.components.len();
        let (deployment, dev) = first_deployment(&runtime, &manifest, &sources, dev).await?;
        // Entries this start used are marked; the rest are pruned in the
        // background, so that the start does not wait for it.
        if let Some(cache) = runtime.cache().cloned() {
            std::thread::spawn(move || cache.prune());
        }
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("cannot listen on {listen}"))?;
        let address = listener.local_addr()?;
        // Signals are caught from before the host says it listens: until
        // then, SIGHUP or SIGTERM would end the process at once.
        let hangup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
            .context("cannot wait for SIGHUP")?;
        let shutdown = shutdown_signal()?;
        let mut server = Server::new(runtime.clone(), deployment)
            .with_health(manifest.health)
            .with_limits(manifest.server_limits)
            .with_trusted_proxies(manifest.trusted_proxies.clone());
        if let Some(certificates) = &certificates {
            server = server.with_tls(certificates)?;
        }
        let scheme = if certificates.is_some() {
            "https"
        } else {
            "http"
        };
        info!(
            components = count,
            startup_ms = started.elapsed().as_millis() as u64,
            "listening on {scheme}://{address}"
        );
        // A stable line on standard output for scripts and tests.
        println!("wafer: listening on {scheme}://{address}");
        let server = Arc::new(server);
        let reloading = Reloading {
            runtime,
            certificates,
            hangup,
            sources,
        };
        reloading.spawn(&server, dev, args.watch);
        server.serve(listener, shutdown).await;
        info!("stopped");
        Ok(())
    })
}

/// The deployment a start serves, its components compiled with a progress
/// bar; under `wafer dev` (`dev`), built first (Ctrl-C or SIGTERM during the
/// builds stops them too: their process groups are killed as the builds are
/// dropped).
async fn first_deployment(
    runtime: &Runtime,
    manifest: &Manifest,
    sources: &cli::reload::Sources,
    dev: bool,
) -> anyhow::Result<(Deployment, Option<cli::dev::Dev>)> {
    let dev = if dev {
        let stopped = shutdown_signal()?;
        tokio::select! {
            dev = cli::dev::Dev::start(manifest, sources) => Some(dev?),
            () = stopped => bail!("stopped while building"),
        }
    } else {
        None
    };
    let progress = cli::progress::LoadProgress::start(manifest.components.len());
    let deployment = sources
        .deploy(runtime, manifest, Some(progress.on_loaded()))
        .await;
    progress.finish();
    let mut deployment = deployment?;
    if let Some(dev) = &dev {
        deployment.mark_build_failures(&dev.failures);
    }
    Ok((deployment, dev))
}

/// What reloads need, handed to the task that does them.
struct Reloading {
    runtime: Runtime,
    certificates: Option<Arc<Certificates>>,
    hangup: tokio::signal::unix::Signal,
    sources: cli::reload::Sources,
}

impl Reloading {
    /// Reloads `server` in the background: under `wafer dev`, as sources
    /// change and builds end; otherwise on SIGHUP and, with `watch`, when
    /// the files change.
    fn spawn(self, server: &Arc<Server>, dev: Option<cli::dev::Dev>, watch: bool) {
        let Reloading {
            runtime,
            certificates,
            hangup,
            sources,
        } = self;
        let server = server.clone();
        match dev {
            Some(dev) => tokio::spawn(cli::dev::watch(server, runtime, certificates, sources, dev)),
            None => tokio::spawn(async move {
                let _ = cli::reload::reload_on_change(
                    server,
                    runtime,
                    certificates,
                    hangup,
                    sources,
                    watch,
                )
                .await;
            }),
        };
    }
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt()).context("cannot wait for SIGINT")?;
    let mut terminate = signal(SignalKind::terminate()).context("cannot wait for SIGTERM")?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => info!("SIGINT: stopping"),
            _ = terminate.recv() => info!("SIGTERM: stopping"),
        }
    })
}

/// Prints the OpenAPI document of one component, or the merged document of a
/// manifest's components.
fn openapi(target: &Path) -> anyhow::Result<()> {
    let manifest = read_target(target)?;
    let runtime = Runtime::new(&EngineOptions {
        // One instance per component at a time, to read its document.
        instance_slots: u32::try_from(manifest.components.len().max(1)).unwrap_or(u32::MAX),
        ..EngineOptions::default()
    })?;
    let components = deployment::load_components(&runtime, &manifest, &|_| Vec::new(), &|_| {})?;
    let tokio = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    let document = tokio.block_on(async {
        match components.as_slice() {
            [component] if is_wasm_file(target) => component.openapi(&runtime).await,
            _ => {
                let mut documents = Vec::with_capacity(components.len());
                for component in &components {
                    let document =
                        deployment::read_document(&runtime, component, manifest.docs.strict)
                            .await?;
                    documents.push(ComponentDoc::new(component.spec(), document.ok()));
                }
                merged_document(&manifest, &documents)
            }
        }
    })?;
    println!("{}", serde_json::to_string_pretty(&document)?);
    Ok(())
}

/// The manifest at `target`, or one for a single `.wasm` file.
pub(crate) fn read_target(target: &Path) -> anyhow::Result<Manifest> {
    Ok(if is_wasm_file(target) {
        Manifest::single(target)
    } else {
        Manifest::load(target)?
    })
}

fn is_wasm_file(path: &Path) -> bool {
    path.extension().is_some_and(|ext| ext == "wasm")
}

/// Runs each component's `build` command in the manifest's folder; Ctrl-C
/// stops the build under way too.
fn build(manifest: &Manifest, manifest_path: &Path) -> anyhow::Result<()> {
    let tokio = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    tokio.block_on(async {
        tokio::select! {
            built = cli::build::build_all(manifest, manifest_path) => built,
            _ = tokio::signal::ctrl_c() => bail!("interrupted"),
        }
    })
}
