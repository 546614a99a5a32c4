//! `quicksand-tools serve`: serves the static site (`www/`) for development,
//! cross-origin isolated so that the page may share a `SharedArrayBuffer`
//! with its workers.
//!
//! The HTTP side is axum on tokio's current-thread runtime; files come from
//! tower-http's `ServeDir`, which decodes the path, refuses `..`, absolute
//! and drive-prefixed components, supports `HEAD`, ranges and conditional
//! requests. On top of it this file adds the isolation headers, a few
//! explicit content types and a check that no symlink leads outside the root.

use std::io::{self, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::{self, HeaderName, HeaderValue};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use clap::Args;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

const EXAMPLES_AND_EXIT_STATUS: &str = "\
Examples:
  quicksand-tools serve                     serve ./www at http://127.0.0.1:8000/
  quicksand-tools serve --port 0            pick a free port; the URL is printed
  quicksand-tools serve --no-isolation      test the page's non-isolated fallback
  quicksand-tools serve --root ../www --port 9000

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
/// symlinks that lead out) are refused. Once listening it prints
/// `listening on http://ADDR:PORT/` on stdout. Browsers isolate only secure
/// contexts: use http://127.0.0.1 or http://localhost, or HTTPS.
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
}

/// The headers that make a page cross-origin isolated, as sent on every
/// response unless `--no-isolation` is given. `www/_headers` lists the same
/// for static hosts; change both together.
pub const ISOLATION_HEADERS: [(&str, &str); 3] = [
    ("cross-origin-opener-policy", "same-origin"),
    ("cross-origin-embedder-policy", "require-corp"),
    ("cross-origin-resource-policy", "same-origin"),
];

/// Content types set explicitly, by extension (lowercase), where
/// `mime_guess` differs (`.mjs` is application/javascript there) or omits
/// the charset. Other extensions keep `ServeDir`'s guess.
const CONTENT_TYPES: &[(&str, &str)] = &[
    ("html", "text/html; charset=utf-8"),
    ("htm", "text/html; charset=utf-8"),
    ("js", "text/javascript; charset=utf-8"),
    ("mjs", "text/javascript; charset=utf-8"),
    ("wasm", "application/wasm"),
    ("json", "application/json"),
    ("map", "application/json"),
    ("css", "text/css; charset=utf-8"),
    ("txt", "text/plain; charset=utf-8"),
    ("png", "image/png"),
    ("svg", "image/svg+xml"),
    ("ico", "image/x-icon"),
];

/// An IP address, `[v6]` or `localhost`; no name lookup.
fn parse_host(host: &str) -> Result<IpAddr, String> {
    if host.eq_ignore_ascii_case("localhost") {
        return Ok(IpAddr::V4(Ipv4Addr::LOCALHOST));
    }
    let bare = host
        .strip_prefix('[')
        .and_then(|inner| inner.strip_suffix(']'))
        .unwrap_or(host);
    bare.parse()
        .map_err(|_| "expected an IP address such as 127.0.0.1 or ::1, or localhost".to_owned())
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
        Ok(_) => {
            return Err(Failure::Startup(format!(
                "root {shown} is not a directory"
            )))
        }
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            return Err(Failure::Startup(format!(
                "root directory {shown} does not exist (build it with ./build.sh, or pass --root DIR)"
            )))
        }
        Err(error) => {
            return Err(Failure::Startup(format!(
                "cannot read root directory {shown}: {error}"
            )))
        }
    };

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| Failure::Startup(format!("cannot start the async runtime: {error}")))?;
    let result = runtime.block_on(serve_async(args, root));
    // Connections still open when a signal arrives are simply dropped.
    runtime.shutdown_background();
    result
}

async fn serve_async(args: &ServeArgs, root: PathBuf) -> Result<(), Failure> {
    let address = SocketAddr::new(args.host, args.port);
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|error| Failure::Startup(bind_error(address, &error)))?;
    let local = listener
        .local_addr()
        .map_err(|error| Failure::Startup(format!("cannot read the bound address: {error}")))?;

    let isolated = !args.no_isolation;
    let app = router(root.clone(), isolated);
    announce(&root, local, isolated);
    if !local.ip().is_loopback() {
        eprintln!(
            "warning: listening on {}, so the files under {} are reachable from other machines; \
             browsers isolate http:// pages only on localhost/127.0.0.1",
            local.ip(),
            root.display()
        );
    }

    tokio::select! {
        result = axum::serve(listener, app) => {
            result.map_err(|error| Failure::Running(format!("the server stopped: {error}")))
        }
        () = shutdown_signal() => Ok(()),
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
    let mode = if isolated {
        "cross-origin isolated"
    } else {
        "NOT cross-origin isolated: --no-isolation"
    };
    let mut stdout = io::stdout().lock();
    // A closed stdout must not stop the server.
    let _ = writeln!(
        stdout,
        "quicksand: serving {} at {url} ({mode})",
        root.display()
    );
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

/// The whole application: `ServeDir` behind the root check and content
/// types, with the isolation and cache headers on every response.
fn router(root: PathBuf, isolated: bool) -> Router {
    let root = Arc::new(root);
    let files = ServeDir::new(root.as_path()).append_index_html_on_directories(true);
    let mut app = Router::new()
        .fallback_service(files)
        .layer(middleware::from_fn_with_state(root, confine_and_type))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ));
    if isolated {
        for (name, value) in ISOLATION_HEADERS {
            app = app.layer(SetResponseHeaderLayer::overriding(
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            ));
        }
    }
    app
}

/// Refuses files that resolve outside the root (symlinks; `ServeDir` already
/// refuses `..` in the path itself), then sets the content type of what
/// `ServeDir` found from [`CONTENT_TYPES`].
async fn confine_and_type(
    State(root): State<Arc<PathBuf>>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    if let Some(file) = file_for(&root, &path) {
        if escapes_root(&root, file).await {
            return (
                StatusCode::FORBIDDEN,
                "403 Forbidden: outside the served directory\n",
            )
                .into_response();
        }
    }
    let mut response = next.run(request).await;
    if response.status().is_success() {
        if let Some(content_type) = content_type_for(&path) {
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        }
    }
    response
}

/// The file a request path names, built the way `ServeDir` builds it, or
/// `None` where `ServeDir` refuses the path (it answers 404 then).
fn file_for(root: &Path, request_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(request_path.trim_start_matches('/'))?;
    let mut file = root.to_path_buf();
    for component in Path::new(&decoded).components() {
        match component {
            Component::Normal(name)
                if Path::new(name)
                    .components()
                    .all(|inner| matches!(inner, Component::Normal(_))) =>
            {
                file.push(name);
            }
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(file)
}

/// Whether `file` (or the index.html of a directory) exists and resolves,
/// through symlinks, to somewhere outside `root` (already canonical).
async fn escapes_root(root: &Path, mut file: PathBuf) -> bool {
    if tokio::fs::metadata(&file)
        .await
        .is_ok_and(|metadata| metadata.is_dir())
    {
        file.push("index.html");
    }
    match tokio::fs::canonicalize(&file).await {
        Ok(resolved) => !resolved.starts_with(root),
        // Missing: ServeDir answers 404.
        Err(_) => false,
    }
}

/// `%XX` decoding as `ServeDir` does it; `None` for a result that is not
/// UTF-8, which `ServeDir` refuses too.
fn percent_decode(path: &str) -> Option<String> {
    percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .ok()
        .map(|decoded| decoded.into_owned())
}

/// The explicit content type for a request path, by the extension of its
/// last segment (`index.html` for a directory).
fn content_type_for(request_path: &str) -> Option<&'static str> {
    let decoded = percent_decode(request_path)?;
    let name = match decoded.rsplit_once('/') {
        Some((_, "")) => "index.html",
        Some((_, name)) => name,
        None => &decoded,
    };
    let (_, extension) = name.rsplit_once('.')?;
    CONTENT_TYPES
        .iter()
        .find(|(known, _)| known.eq_ignore_ascii_case(extension))
        .map(|(_, content_type)| *content_type)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types() {
        assert_eq!(content_type_for("/"), Some("text/html; charset=utf-8"));
        assert_eq!(content_type_for("/a/"), Some("text/html; charset=utf-8"));
        assert_eq!(content_type_for("/pkg/sim.wasm"), Some("application/wasm"));
        assert_eq!(content_type_for("/SIM.WASM"), Some("application/wasm"));
        assert_eq!(content_type_for("/sim%2Ewasm"), Some("application/wasm"));
        assert_eq!(
            content_type_for("/loader/worker.mjs"),
            Some("text/javascript; charset=utf-8")
        );
        assert_eq!(content_type_for("/README"), None);
        assert_eq!(content_type_for("/a.b/README"), None);
        assert_eq!(content_type_for("/x.unknown"), None);
    }

    #[test]
    fn paths_like_serve_dir() {
        let root = Path::new("/srv/www");
        assert_eq!(file_for(root, "/"), Some(root.to_path_buf()));
        assert_eq!(file_for(root, "/a/./b.js"), Some(root.join("a/b.js")));
        assert_eq!(
            file_for(root, "//etc/passwd"),
            Some(root.join("etc/passwd"))
        );
        assert_eq!(file_for(root, "/%61.js"), Some(root.join("a.js")));
        assert_eq!(file_for(root, "/../secret"), None);
        assert_eq!(file_for(root, "/%2e%2e/secret"), None);
        assert_eq!(file_for(root, "/..%2fsecret"), None);
        assert_eq!(file_for(root, "/a/%2F/b"), Some(root.join("a/b")));
        assert_eq!(file_for(root, "/%ff"), None);
    }

    #[test]
    fn hosts() {
        assert_eq!(parse_host("localhost"), Ok(IpAddr::V4(Ipv4Addr::LOCALHOST)));
        assert_eq!(parse_host("0.0.0.0"), Ok(IpAddr::V4(Ipv4Addr::UNSPECIFIED)));
        assert_eq!(
            parse_host("[::1]"),
            Ok(IpAddr::V6(std::net::Ipv6Addr::LOCALHOST))
        );
        assert_eq!(
            parse_host("::1"),
            Ok(IpAddr::V6(std::net::Ipv6Addr::LOCALHOST))
        );
        assert!(parse_host("example.com").is_err());
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%20b").as_deref(), Some("a b"));
        assert_eq!(percent_decode("100%").as_deref(), Some("100%"));
        assert_eq!(percent_decode("%zz%4").as_deref(), Some("%zz%4"));
        assert_eq!(percent_decode("%C3%A9").as_deref(), Some("é"));
    }
}
