//! Runs `quicksand-tools serve` on a free port over a scratch directory and
//! talks HTTP/1.1 to it over plain TCP, on 127.0.0.1 only.
//!
//! Every server is killed when its guard drops, and every read is bounded by
//! a timeout, so a failing test leaves nothing running and never hangs.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

const BINARY: &str = env!("CARGO_BIN_EXE_quicksand-tools");
const TIMEOUT: Duration = Duration::from_secs(30);
const EXIT_CANNOT_START: i32 = 2;

const INDEX: &str = "<!doctype html><title>quicksand test index</title>\n";
const WASM: &[u8] = b"\0asm\x01\0\0\0";
const SCRIPT: &str = "export const answer = 42;\n";
/// The content of the file next to (outside) the served root.
const SECRET: &str = "TOP-SECRET-do-not-serve-7f3a";

const ISOLATION: [(&str, &str); 3] = [
    ("cross-origin-opener-policy", "same-origin"),
    ("cross-origin-embedder-policy", "require-corp"),
    ("cross-origin-resource-policy", "same-origin"),
];

/// A scratch directory `DIR` with `DIR/secret.txt` and the served root
/// `DIR/www`; removed on drop.
struct Site {
    dir: PathBuf,
}

impl Site {
    fn new(name: &str) -> Site {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
            "serve-{name}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&dir);
        let site = Site { dir };
        let root = site.root();
        write(&root.join("index.html"), INDEX.as_bytes());
        write(&root.join("a.wasm"), WASM);
        write(&root.join("b.js"), SCRIPT.as_bytes());
        write(&root.join("c.mjs"), SCRIPT.as_bytes());
        write(&root.join("sub").join("index.html"), INDEX.as_bytes());
        write(&site.dir.join("secret.txt"), SECRET.as_bytes());
        #[cfg(unix)]
        {
            symlink(Path::new("../secret.txt"), &root.join("link.txt"));
            symlink(Path::new(".."), &root.join("up"));
        }
        site
    }

    fn root(&self) -> PathBuf {
        self.dir.join("www")
    }

    fn secret(&self) -> PathBuf {
        self.dir.join("secret.txt")
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

fn write(path: &Path, contents: &[u8]) {
    if let Some(parent) = path.parent() {
        if let Err(error) = fs::create_dir_all(parent) {
            panic!("cannot create {}: {error}", parent.display());
        }
    }
    if let Err(error) = fs::write(path, contents) {
        panic!("cannot write {}: {error}", path.display());
    }
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) {
    if let Err(error) = std::os::unix::fs::symlink(target, link) {
        panic!("cannot create symlink {}: {error}", link.display());
    }
}

/// A running server; killed (and reaped) on drop.
struct Server {
    child: Child,
    port: u16,
    /// The lines it printed on stdout up to `listening on`.
    stdout: Vec<String>,
}

impl Server {
    fn start(root: &Path, extra: &[&str]) -> Server {
        let child = Command::new(BINARY)
            .arg("serve")
            .arg("--root")
            .arg(root)
            .args(["--port", "0", "--host", "127.0.0.1"])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn();
        let mut child = match child {
            Ok(child) => child,
            Err(error) => panic!("cannot run {BINARY}: {error}"),
        };
        let Some(stdout) = child.stdout.take() else {
            panic!("no stdout pipe")
        };
        // The guard owns the child from here on, so a panic below kills it.
        let mut server = Server {
            child,
            port: 0,
            stdout: Vec::new(),
        };

        // Read stdout on a thread (which keeps draining it until the server
        // exits) so that waiting for the line is bounded by a timeout.
        let (lines, received) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if lines.send(line).is_err() {
                    break;
                }
            }
        });
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = match received.recv_timeout(left) {
                Ok(line) => line,
                Err(error) => panic!(
                    "no `listening on` line ({error:?}); printed so far: {:?}",
                    server.stdout
                ),
            };
            server.stdout.push(line.clone());
            if let Some(port) = parse_listening(&line) {
                server.port = port;
                return server;
            }
        }
    }

    fn get(&self, target: &str) -> Response {
        request(self.port, "GET", target)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The port in `listening on http://127.0.0.1:PORT/`.
fn parse_listening(line: &str) -> Option<u16> {
    line.strip_prefix("listening on http://127.0.0.1:")?
        .strip_suffix('/')?
        .parse()
        .ok()
}

#[derive(Debug)]
struct Response {
    status: u16,
    /// Names in lowercase, in the order received.
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(have, _)| have == name)
            .map(|(_, value)| value.as_str())
    }

    fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One request on a fresh connection (`Connection: close`), with the target
/// sent exactly as given. Panics on a timeout or a malformed response.
fn request(port: u16, method: &str, target: &str) -> Response {
    let mut stream = match TcpStream::connect_timeout(&(Ipv4Addr::LOCALHOST, port).into(), TIMEOUT)
    {
        Ok(stream) => stream,
        Err(error) => panic!("cannot connect to 127.0.0.1:{port}: {error}"),
    };
    for result in [
        stream.set_read_timeout(Some(TIMEOUT)),
        stream.set_write_timeout(Some(TIMEOUT)),
    ] {
        if let Err(error) = result {
            panic!("cannot set a socket timeout: {error}");
        }
    }
    let head = format!(
        "{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    );
    if let Err(error) = stream.write_all(head.as_bytes()) {
        panic!("cannot send {method} {target}: {error}");
    }
    let mut raw = Vec::new();
    if let Err(error) = stream.read_to_end(&mut raw) {
        panic!("cannot read the response to {method} {target}: {error}");
    }
    parse_response(&raw).unwrap_or_else(|| {
        panic!(
            "malformed response to {method} {target}: {:?}",
            String::from_utf8_lossy(&raw)
        )
    })
}

fn parse_response(raw: &[u8]) -> Option<Response> {
    let end = raw.windows(4).position(|window| window == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..end]).ok()?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next()?;
    let mut parts = status_line.split(' ');
    if parts.next()? != "HTTP/1.1" {
        return None;
    }
    let status = parts.next()?.parse().ok()?;
    let mut headers = Vec::new();
    for line in lines {
        let (name, value) = line.split_once(':')?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let body = raw[end + 4..].to_vec();
    // Files and errors are sent with a Content-Length, never chunked.
    if let Some(length) = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .and_then(|(_, value)| value.parse::<usize>().ok())
    {
        if body.len() != length {
            return None;
        }
    }
    Some(Response {
        status,
        headers,
        body,
    })
}

fn assert_isolated(response: &Response, what: &str) {
    for (name, value) in ISOLATION {
        assert_eq!(
            response.header(name),
            Some(value),
            "{what}: {name} missing or wrong in {:?}",
            response.headers
        );
    }
}

/// Runs the binary to completion (it must exit within the timeout) and
/// returns its status and stderr.
fn run_to_exit(args: &[&str]) -> (ExitStatus, String) {
    let child = Command::new(BINARY)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(error) => panic!("cannot run {BINARY}: {error}"),
    };
    let Some(mut stderr) = child.stderr.take() else {
        panic!("no stderr pipe")
    };
    let reader = thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(20)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("{args:?} was still running after {TIMEOUT:?}");
            }
            Err(error) => panic!("cannot wait for {BINARY}: {error}"),
        }
    };
    let stderr = reader.join().unwrap_or_default();
    (status, stderr)
}

#[test]
fn prints_root_and_url() {
    let site = Site::new("announce");
    let server = Server::start(&site.root(), &[]);
    let root = match fs::canonicalize(site.root()) {
        Ok(root) => root,
        Err(error) => panic!("cannot resolve the root: {error}"),
    };
    let expected = format!(
        "quicksand: serving {} at http://127.0.0.1:{}/ (cross-origin isolated)",
        root.display(),
        server.port
    );
    assert!(
        server.stdout.contains(&expected),
        "expected {expected:?} in {:?}",
        server.stdout
    );
}

#[test]
fn root_serves_index_html_with_isolation_headers() {
    let site = Site::new("index");
    let server = Server::start(&site.root(), &[]);
    for target in ["/", "/index.html", "/sub/"] {
        let response = server.get(target);
        assert_eq!(response.status, 200, "{target}: {response:?}");
        assert_eq!(response.body_text(), INDEX, "{target}");
        assert_eq!(
            response.header("content-type"),
            Some("text/html; charset=utf-8"),
            "{target}"
        );
        assert_eq!(
            response.header("cache-control"),
            Some("no-cache"),
            "{target}"
        );
        assert_isolated(&response, target);
    }
}

#[test]
fn errors_carry_isolation_headers_too() {
    let site = Site::new("errors");
    let server = Server::start(&site.root(), &[]);
    let response = server.get("/no-such-file.wasm");
    assert_eq!(response.status, 404, "{response:?}");
    assert_isolated(&response, "404");
    assert_eq!(response.header("cache-control"), Some("no-cache"));

    let response = request(server.port, "POST", "/index.html");
    assert_eq!(response.status, 405, "{response:?}");
    assert_isolated(&response, "405");

    let response = server.get("/sub");
    assert_eq!(response.status, 307, "{response:?}");
    assert_eq!(response.header("location"), Some("/sub/"));
    assert_isolated(&response, "redirect");
}

#[test]
fn content_types() {
    let site = Site::new("types");
    let server = Server::start(&site.root(), &[]);

    let response = server.get("/a.wasm");
    assert_eq!(response.status, 200, "{response:?}");
    assert_eq!(response.header("content-type"), Some("application/wasm"));
    assert_eq!(response.body, WASM);
    assert_isolated(&response, "/a.wasm");

    for target in ["/b.js", "/c.mjs"] {
        let response = server.get(target);
        assert_eq!(response.status, 200, "{target}: {response:?}");
        let content_type = response.header("content-type").unwrap_or_default();
        assert!(
            content_type.starts_with("text/javascript"),
            "{target}: content-type {content_type:?}"
        );
        assert_eq!(response.body_text(), SCRIPT, "{target}");
    }
}

#[test]
fn never_serves_files_outside_the_root() {
    let site = Site::new("traversal");
    let server = Server::start(&site.root(), &[]);
    let secret = site.secret().display().to_string();
    let mut targets: Vec<String> = [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/..%2fsecret.txt",
        "/..%2Fsecret.txt",
        "/%2e%2e%2fsecret.txt",
        "/sub/../../secret.txt",
        "/sub/%2e%2e/%2e%2e/secret.txt",
        "/./../secret.txt",
        "/..\\secret.txt",
        "/..%5csecret.txt",
        "http://127.0.0.1/../secret.txt",
    ]
    .iter()
    .map(|target| (*target).to_owned())
    .collect();
    // Absolute paths, plain and encoded.
    targets.push(format!("/{secret}"));
    targets.push(format!("/{}", secret.replace('/', "%2f")));
    if cfg!(unix) {
        // Symlinks inside the root that lead out of it.
        targets.push("/link.txt".to_owned());
        targets.push("/up/secret.txt".to_owned());
        targets.push("/up/www/../secret.txt".to_owned());
    }
    for target in &targets {
        let response = server.get(target);
        assert!(
            matches!(response.status, 400 | 403 | 404),
            "{target}: status {} ({response:?})",
            response.status
        );
        assert!(
            !response.body_text().contains(SECRET),
            "{target} served the secret: {response:?}"
        );
    }
    // The server still works afterwards.
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn no_isolation_omits_the_isolation_headers() {
    let site = Site::new("no-isolation");
    let server = Server::start(&site.root(), &["--no-isolation"]);
    assert!(
        server
            .stdout
            .iter()
            .any(|line| line.contains("NOT cross-origin isolated")),
        "{:?}",
        server.stdout
    );
    for target in ["/", "/a.wasm", "/missing"] {
        let response = server.get(target);
        for (name, _) in ISOLATION {
            assert_eq!(response.header(name), None, "{target}: {response:?}");
        }
    }
    let response = server.get("/a.wasm");
    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-type"), Some("application/wasm"));
}

#[test]
fn missing_root_exits_2() {
    let site = Site::new("missing-root");
    let missing = site.dir.join("not-built");
    let missing = missing.to_string_lossy();
    let (status, stderr) = run_to_exit(&["serve", "--port", "0", "--root", &missing]);
    assert_eq!(status.code(), Some(EXIT_CANNOT_START), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "not one line: {stderr:?}");
    assert!(
        stderr.starts_with("error: ") && stderr.contains(missing.as_ref()),
        "{stderr:?}"
    );
    assert!(stderr.contains("does not exist"), "{stderr:?}");
}

#[test]
fn port_in_use_exits_2() {
    let site = Site::new("port-in-use");
    let taken = match TcpListener::bind((Ipv4Addr::LOCALHOST, 0)) {
        Ok(listener) => listener,
        Err(error) => panic!("cannot bind a port for the test: {error}"),
    };
    let port = match taken.local_addr() {
        Ok(address) => address.port().to_string(),
        Err(error) => panic!("no local address: {error}"),
    };
    let root = site.root();
    let root = root.to_string_lossy();
    let (status, stderr) = run_to_exit(&[
        "serve",
        "--root",
        &root,
        "--host",
        "127.0.0.1",
        "--port",
        &port,
    ]);
    drop(taken);
    assert_eq!(status.code(), Some(EXIT_CANNOT_START), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "not one line: {stderr:?}");
    assert!(
        stderr.starts_with(&format!("error: cannot listen on 127.0.0.1:{port}")),
        "{stderr:?}"
    );
}

#[test]
fn help_documents_the_options() {
    let output = match Command::new(BINARY).args(["serve", "--help"]).output() {
        Ok(output) => output,
        Err(error) => panic!("cannot run {BINARY}: {error}"),
    };
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for needle in [
        "--root",
        "--port",
        "--host",
        "--no-isolation",
        "fallback",
        "quicksand-tools serve --port 0",
        "quicksand-tools serve --no-isolation",
    ] {
        assert!(help.contains(needle), "{needle:?} missing from:\n{help}");
    }
}

/// `www/_headers` gives static hosts the headers `serve` sends.
#[test]
fn www_headers_file_matches() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../www/_headers");
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) => panic!("cannot read {}: {error}", path.display()),
    };
    // Rules: a path line, then indented `Name: value` lines.
    let mut rules: Vec<(&str, Vec<(String, &str)>)> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        if !line.starts_with(char::is_whitespace) {
            rules.push((line.trim(), Vec::new()));
            continue;
        }
        let Some((_, headers)) = rules.last_mut() else {
            panic!("header line before any path: {line:?}")
        };
        let Some((name, value)) = line.trim().split_once(':') else {
            panic!("not `Name: value`: {line:?}")
        };
        headers.push((name.trim().to_ascii_lowercase(), value.trim()));
    }
    let headers_for = |pattern: &str| match rules.iter().find(|(path, _)| *path == pattern) {
        Some((_, headers)) => headers.clone(),
        None => panic!("no rule for {pattern} in {}", path.display()),
    };
    let all = headers_for("/*");
    for (name, value) in ISOLATION {
        assert!(
            all.contains(&(name.to_owned(), value)),
            "/* lacks {name}: {value} in {}",
            path.display()
        );
    }
    assert_eq!(
        headers_for("/*.wasm"),
        [("content-type".to_owned(), "application/wasm")]
    );
}
