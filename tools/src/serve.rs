//! `quicksand-tools serve`: serves the static site (`www/`) for development,
//! cross-origin isolated so that the page may share a `SharedArrayBuffer`
//! with its workers.
//!
//! This file holds the command line, start-up and the accept loop with its
//! connection limit. The rest lives in `serve/`:
//!
//! - `connection.rs`: HTTP/1.1 on one connection: the header-read timeout,
//!   keep-alive, writing replies.
//! - `request.rs`: parses and checks a request head; every way a head can
//!   be refused, with its status.
//! - `reply.rs`: a reply and its wire format, with the documented headers
//!   that every response carries.
//! - `files.rs`: request path to file, directories, content types.
//! - `confine_linux.rs` (`confine_portable.rs` elsewhere): opens a file so
//!   that what was checked (inside the root, regular) is what is read.
//! - `conditional.rs`: `Last-Modified`, `If-Modified-Since`, `Range`.
//!
//! Note 1: the server parses HTTP itself (with `httparse`) instead of using
//! hyper, because hyper answers malformed, oversized and timed-out requests
//! itself, with no way to add headers, and `tools/README.md` promises the
//! isolation headers on every response.

#[cfg_attr(target_os = "linux", path = "serve/confine_linux.rs")]
#[cfg_attr(not(target_os = "linux"), path = "serve/confine_portable.rs")]
mod confine;

mod conditional;
mod connection;
mod files;
mod reply;
mod request;

use std::io::{self, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::builder::RangedU64ValueParser;
use clap::Args;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use files::Root;

/// `--header-timeout`, in seconds, and `--max-connections`, by default.
/// `EXAMPLES_AND_EXIT_STATUS` and `tools/README.md` repeat them; a unit test
/// checks the first.
const DEFAULT_HEADER_TIMEOUT: &str = "10";
const DEFAULT_MAX_CONNECTIONS: usize = 256;

const EXAMPLES_AND_EXIT_STATUS: &str = "\
Examples:
  quicksand-tools serve                     serve ./www at http://127.0.0.1:8000/
  quicksand-tools serve --port 0            pick a free port; the URL is printed
  quicksand-tools serve --no-isolation      test the page's non-isolated fallback
  quicksand-tools serve --root ../www --port 9000

Limits:
  A request head must arrive within --header-timeout (10 s) and fit in
  64 KiB with at most 100 header lines (else 408, 431 or 414). At most
  --max-connections (256) connections are served at once; more wait in the
  listen queue until one closes. Request bodies are never read: a request
  with one is answered, then its connection is closed.

Exit status:
  0  stopped by Ctrl-C (SIGINT) or SIGTERM
  1  the server failed while running
  2  it could not start: missing root directory, address in use or not
     available (also command-line usage errors)";

/// Serve the game's static files for development, cross-origin isolated.
///
/// Serves the files under the root directory on http://HOST:PORT/ (`/` is
/// index.html) with the headers that make the page cross-origin isolated,
/// which browsers require before they allow a SharedArrayBuffer:
/// `Cross-Origin-Opener-Policy: same-origin`,
/// `Cross-Origin-Embedder-Policy: require-corp` and
/// `Cross-Origin-Resource-Policy: same-origin`, on every response including
/// errors. Also sends `Cache-Control: no-cache`, so a rebuilt module is
/// picked up on reload, and `.wasm` as application/wasm, `.js`/`.mjs` as
/// text/javascript. Paths outside the root (`..`, encoded or not, and
/// symlinks that lead out) are refused, and so is anything that is neither
/// a regular file nor a directory (FIFOs, sockets, devices). Once listening
/// it prints `listening on http://ADDR:PORT/` on stdout. Browsers isolate
/// only secure contexts: use http://127.0.0.1 or http://localhost, or HTTPS.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES_AND_EXIT_STATUS)]
pub struct ServeArgs {
    /// The directory to serve.
    #[arg(long, value_name = "DIR", default_value = "www")]
    pub root: PathBuf,

    /// The port to listen on; 0 picks a free one (the URL printed shows it).
    #[arg(long, value_name = "N", default_value_t = 8000)]
    pub port: u16,

    /// The IP address to listen on (`localhost` is 127.0.0.1). Anything but a
    /// loopback address makes the files reachable from other machines.
    #[arg(long, value_name = "ADDR", default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST),
          value_parser = parse_host)]
    pub host: IpAddr,

    /// Leave out the Cross-Origin-Opener/Embedder/Resource-Policy headers, so
    /// the page is not cross-origin isolated. For testing the game's
    /// fallback for browsers without SharedArrayBuffer.
    #[arg(long)]
    pub no_isolation: bool,

    /// Seconds a connection may take to send a whole request head, counted
    /// from when the server starts waiting for it (after accepting, or after
    /// the previous response). A connection that sent nothing is closed; one
    /// that sent part of a head gets 408 first. Decimals are allowed.
    #[arg(long, value_name = "SECONDS", default_value = DEFAULT_HEADER_TIMEOUT, value_parser = parse_timeout)]
    pub header_timeout: Duration,

    /// The most connections served at once. Further connections wait in the
    /// kernel's listen queue until one of them closes.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_CONNECTIONS,
          value_parser = RangedU64ValueParser::<usize>::new().range(1..=65_536))]
    pub max_connections: usize,
}

/// The headers that make a page cross-origin isolated, as sent on every
/// response unless `--no-isolation` is given. `www/_headers` lists the same
/// for static hosts; change both together.
pub const ISOLATION_HEADERS: [(&str, &str); 3] = [
    ("cross-origin-opener-policy", "same-origin"),
    ("cross-origin-embedder-policy", "require-corp"),
    ("cross-origin-resource-policy", "same-origin"),
];

/// Sent on every response, `--no-isolation` or not: revalidate on every
/// load (so a rebuilt module is picked up), and trust the content types.
pub const ALWAYS_HEADERS: [(&str, &str); 2] = [("cache-control", "no-cache"), ("x-content-type-options", "nosniff")];

/// What every connection task needs; shared, read-only.
pub struct Site {
    root: Root,
    isolated: bool,
    header_timeout: Duration,
}

/// An IP address, `[v6]` or `localhost`; no name lookup.
fn parse_host(host: &str) -> Result<IpAddr, String> {
    if host.eq_ignore_ascii_case("localhost") {
        return Ok(IpAddr::V4(Ipv4Addr::LOCALHOST));
    }
    let bare = host.strip_prefix('[').and_then(|inner| inner.strip_suffix(']')).unwrap_or(host);
    bare.parse().map_err(|_| "expected an IP address such as 127.0.0.1 or ::1, or localhost".to_owned())
}

/// Seconds, more than 0 and at most an hour.
fn parse_timeout(seconds: &str) -> Result<Duration, String> {
    const MAX_SECONDS: f64 = 3600.0;
    match seconds.parse::<f64>() {
        Ok(value) if value > 0.0 && value <= MAX_SECONDS => Ok(Duration::from_secs_f64(value)),
        _ => Err(format!("expected seconds, more than 0 and at most {MAX_SECONDS}, such as 10 or 0.5")),
    }
}

pub fn run(args: &ServeArgs) -> ExitCode {
    match serve(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Startup(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
        Err(Failure::Running(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(1)
        }
    }
}

enum Failure {
    /// Nothing was served: exit status 2.
    Startup(String),
    /// The server stopped with an error: exit status 1.
    Running(String),
}

fn serve(args: &ServeArgs) -> Result<(), Failure> {
    let shown = args.root.display();
    let root = match std::fs::metadata(&args.root) {
        Ok(metadata) if metadata.is_dir() => std::fs::canonicalize(&args.root)
            .map_err(|error| Failure::Startup(format!("cannot resolve {shown}: {error}")))?,
        Ok(_) => return Err(Failure::Startup(format!("root {shown} is not a directory"))),
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            return Err(Failure::Startup(format!(
                "root directory {shown} does not exist (build it with ./build.sh, or pass --root DIR)"
            )))
        }
        Err(error) => return Err(Failure::Startup(format!("cannot read root directory {shown}: {error}"))),
    };
    let root =
        Root::open(root).map_err(|error| Failure::Startup(format!("cannot open root directory {shown}: {error}")))?;

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| Failure::Startup(format!("cannot start the async runtime: {error}")))?;
    let result = runtime.block_on(serve_async(args, root));
    // Connections still open when a signal arrives are simply dropped.
    runtime.shutdown_background();
    result
}

async fn serve_async(args: &ServeArgs, root: Root) -> Result<(), Failure> {
    let address = SocketAddr::new(args.host, args.port);
    let listener = TcpListener::bind(address).await.map_err(|error| Failure::Startup(bind_error(address, &error)))?;
    let local =
        listener.local_addr().map_err(|error| Failure::Startup(format!("cannot read the bound address: {error}")))?;

    let isolated = !args.no_isolation;
    announce(root.path(), local, isolated);
    if !local.ip().is_loopback() {
        eprintln!(
            "warning: listening on {}, so the files under {} are reachable from other machines; \
             browsers isolate http:// pages only on localhost/127.0.0.1",
            local.ip(),
            root.path().display()
        );
    }
    let site = Arc::new(Site { root, isolated, header_timeout: args.header_timeout });

    tokio::select! {
        result = accept_loop(listener, site, args.max_connections) => result,
        () = shutdown_signal() => Ok(()),
    }
}

/// Accepts connections, at most `max_connections` at a time, each served by
/// its own task. Returns only for an error that retrying cannot fix.
async fn accept_loop(listener: TcpListener, site: Arc<Site>, max_connections: usize) -> Result<(), Failure> {
    // Note 2: a slot is taken *before* accepting, so connections beyond the
    // limit stay in the kernel's listen queue (they are not refused) and are
    // accepted in order as slots free up. The header timeout bounds how
    // long an idle connection holds a slot.
    const RETRY_AFTER: Duration = Duration::from_millis(100);
    let slots = Arc::new(Semaphore::new(max_connections));
    loop {
        let slot = Arc::clone(&slots)
            .acquire_owned()
            .await
            .map_err(|error| Failure::Running(format!("the connection limiter failed: {error}")))?;
        match listener.accept().await {
            Ok((stream, _peer)) => {
                let site = Arc::clone(&site);
                tokio::spawn(async move {
                    connection::serve(stream, site).await;
                    drop(slot);
                });
            }
            // The peer gave up before it was accepted.
            Err(error)
                if matches!(
                    error.kind(),
                    io::ErrorKind::ConnectionAborted
                        | io::ErrorKind::ConnectionReset
                        | io::ErrorKind::Interrupted
                        | io::ErrorKind::WouldBlock
                ) => {}
            // EINVAL: the socket no longer listens; retrying cannot help.
            Err(error) if error.kind() == io::ErrorKind::InvalidInput => {
                return Err(Failure::Running(format!("cannot accept connections: {error}")));
            }
            // Out of file descriptors or memory, or a network error handed
            // over by accept: it may pass, so wait a little and go on.
            Err(error) => {
                eprintln!("warning: cannot accept a connection: {error}; retrying");
                tokio::time::sleep(RETRY_AFTER).await;
            }
        }
    }
}

/// One line that says what went wrong and, for the usual case, what to do.
fn bind_error(address: SocketAddr, error: &io::Error) -> String {
    let hint = match error.kind() {
        io::ErrorKind::AddrInUse => {
            "; is another server running? Pick another with --port N, or a free one with --port 0"
        }
        io::ErrorKind::AddrNotAvailable => "; --host must be an address of this machine",
        io::ErrorKind::PermissionDenied => "; ports below 1024 need privileges, use --port N",
        _ => "",
    };
    format!("cannot listen on {address}: {error}{hint}")
}

/// Prints where the files are served. The `listening on` line has a fixed
/// format that tests and scripts parse.
fn announce(root: &Path, local: SocketAddr, isolated: bool) {
    let url = format!("http://{local}/");
    let mode = if isolated { "cross-origin isolated" } else { "NOT cross-origin isolated: --no-isolation" };
    let mut stdout = io::stdout().lock();
    // A closed stdout must not stop the server.
    let _ = writeln!(stdout, "quicksand: serving {} at {url} ({mode})", root.display());
    let _ = writeln!(stdout, "listening on {url}");
    let _ = stdout.flush();
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert_eq!(parse_host("localhost"), Ok(IpAddr::V4(Ipv4Addr::LOCALHOST)));
        assert_eq!(parse_host("0.0.0.0"), Ok(IpAddr::V4(Ipv4Addr::UNSPECIFIED)));
        assert_eq!(parse_host("[::1]"), Ok(IpAddr::V6(std::net::Ipv6Addr::LOCALHOST)));
        assert_eq!(parse_host("::1"), Ok(IpAddr::V6(std::net::Ipv6Addr::LOCALHOST)));
        assert!(parse_host("example.com").is_err());
    }

    /// The limits that `--help` states are the ones in force.
    #[test]
    fn help_states_the_limits() {
        let help = EXAMPLES_AND_EXIT_STATUS.split_whitespace().collect::<Vec<_>>().join(" ");
        for stated in [
            format!("--header-timeout ({DEFAULT_HEADER_TIMEOUT} s)"),
            format!("--max-connections ({DEFAULT_MAX_CONNECTIONS})"),
            format!("{} KiB", request::MAX_HEAD_BYTES / 1024),
            format!("at most {} header lines", request::MAX_HEADERS),
        ] {
            assert!(help.contains(&stated), "{stated:?} not in {help:?}");
        }
    }

    #[test]
    fn timeouts() {
        assert_eq!(parse_timeout("10"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_timeout("0.5"), Ok(Duration::from_millis(500)));
        for bad in ["0", "-1", "NaN", "inf", "3601", "ten", ""] {
            assert!(parse_timeout(bad).is_err(), "{bad:?}");
        }
    }
}
