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
use std::sync::{mpsc, Arc};
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
        let Some(stdout) = child.stdout.take() else { panic!("no stdout pipe") };
        // The guard owns the child from here on, so a panic below kills it.
        let mut server = Server { child, port: 0, stdout: Vec::new() };

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
                Err(error) => panic!("no `listening on` line ({error:?}); printed so far: {:?}", server.stdout),
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
    line.strip_prefix("listening on http://127.0.0.1:")?.strip_suffix('/')?.parse().ok()
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
        self.headers.iter().find(|(have, _)| have == name).map(|(_, value)| value.as_str())
    }

    fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One request on a fresh connection (`Connection: close`), with the target
/// sent exactly as given. Panics on a timeout or a malformed response.
fn request(port: u16, method: &str, target: &str) -> Response {
    let mut stream = match TcpStream::connect_timeout(&(Ipv4Addr::LOCALHOST, port).into(), TIMEOUT) {
        Ok(stream) => stream,
        Err(error) => panic!("cannot connect to 127.0.0.1:{port}: {error}"),
    };
    for result in [stream.set_read_timeout(Some(TIMEOUT)), stream.set_write_timeout(Some(TIMEOUT))] {
        if let Err(error) = result {
            panic!("cannot set a socket timeout: {error}");
        }
    }
    let head = format!("{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    if let Err(error) = stream.write_all(head.as_bytes()) {
        panic!("cannot send {method} {target}: {error}");
    }
    let mut raw = Vec::new();
    if let Err(error) = stream.read_to_end(&mut raw) {
        panic!("cannot read the response to {method} {target}: {error}");
    }
    parse_response(&raw)
        .unwrap_or_else(|| panic!("malformed response to {method} {target}: {:?}", String::from_utf8_lossy(&raw)))
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
    if let Some(length) =
        headers.iter().find(|(name, _)| name == "content-length").and_then(|(_, value)| value.parse::<usize>().ok())
    {
        if body.len() != length {
            return None;
        }
    }
    Some(Response { status, headers, body })
}

fn assert_isolated(response: &Response, what: &str) {
    for (name, value) in ISOLATION {
        assert_eq!(response.header(name), Some(value), "{what}: {name} missing or wrong in {:?}", response.headers);
    }
}

/// Runs the binary to completion (it must exit within the timeout) and
/// returns its status and stderr.
fn run_to_exit(args: &[&str]) -> (ExitStatus, String) {
    let child =
        Command::new(BINARY).args(args).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped()).spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(error) => panic!("cannot run {BINARY}: {error}"),
    };
    let Some(mut stderr) = child.stderr.take() else { panic!("no stderr pipe") };
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
    let expected =
        format!("quicksand: serving {} at http://127.0.0.1:{}/ (cross-origin isolated)", root.display(), server.port);
    assert!(server.stdout.contains(&expected), "expected {expected:?} in {:?}", server.stdout);
}

#[test]
fn root_serves_index_html_with_isolation_headers() {
    let site = Site::new("index");
    let server = Server::start(&site.root(), &[]);
    for target in ["/", "/index.html", "/sub/"] {
        let response = server.get(target);
        assert_eq!(response.status, 200, "{target}: {response:?}");
        assert_eq!(response.body_text(), INDEX, "{target}");
        assert_eq!(response.header("content-type"), Some("text/html; charset=utf-8"), "{target}");
        assert_eq!(response.header("cache-control"), Some("no-cache"), "{target}");
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
        assert!(content_type.starts_with("text/javascript"), "{target}: content-type {content_type:?}");
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
        assert!(matches!(response.status, 400 | 403 | 404), "{target}: status {} ({response:?})", response.status);
        assert!(!response.body_text().contains(SECRET), "{target} served the secret: {response:?}");
    }
    // The server still works afterwards.
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn no_isolation_omits_the_isolation_headers() {
    let site = Site::new("no-isolation");
    let server = Server::start(&site.root(), &["--no-isolation"]);
    assert!(server.stdout.iter().any(|line| line.contains("NOT cross-origin isolated")), "{:?}", server.stdout);
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
    assert!(stderr.starts_with("error: ") && stderr.contains(missing.as_ref()), "{stderr:?}");
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
    let (status, stderr) = run_to_exit(&["serve", "--root", &root, "--host", "127.0.0.1", "--port", &port]);
    drop(taken);
    assert_eq!(status.code(), Some(EXIT_CANNOT_START), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "not one line: {stderr:?}");
    assert!(stderr.starts_with(&format!("error: cannot listen on 127.0.0.1:{port}")), "{stderr:?}");
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
        "--header-timeout",
        "--max-connections",
        "10 s",
        "(256)",
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
        let Some((_, headers)) = rules.last_mut() else { panic!("header line before any path: {line:?}") };
        let Some((name, value)) = line.trim().split_once(':') else { panic!("not `Name: value`: {line:?}") };
        headers.push((name.trim().to_ascii_lowercase(), value.trim()));
    }
    let headers_for = |pattern: &str| match rules.iter().find(|(path, _)| *path == pattern) {
        Some((_, headers)) => headers.clone(),
        None => panic!("no rule for {pattern} in {}", path.display()),
    };
    let all = headers_for("/*");
    for (name, value) in ISOLATION {
        assert!(all.contains(&(name.to_owned(), value)), "/* lacks {name}: {value} in {}", path.display());
    }
    assert_eq!(headers_for("/*.wasm"), [("content-type".to_owned(), "application/wasm")]);
}

/// The headers that `tools/README.md` promises on every response.
fn assert_documented_headers(response: &Response, what: &str) {
    assert_isolated(response, what);
    assert_eq!(response.header("cache-control"), Some("no-cache"), "{what}: {:?}", response.headers);
    assert_eq!(response.header("x-content-type-options"), Some("nosniff"), "{what}: {:?}", response.headers);
}

/// Connects to the server on 127.0.0.1 with read and write timeouts.
fn connect(port: u16, timeout: Duration) -> Result<TcpStream, String> {
    let stream = TcpStream::connect_timeout(&(Ipv4Addr::LOCALHOST, port).into(), timeout)
        .map_err(|error| format!("cannot connect to 127.0.0.1:{port}: {error}"))?;
    stream
        .set_read_timeout(Some(timeout))
        .and_then(|()| stream.set_write_timeout(Some(timeout)))
        .map_err(|error| format!("cannot set a socket timeout: {error}"))?;
    Ok(stream)
}

/// Sends `raw` exactly as given on a fresh connection and reads until the
/// server closes it. A failed write is not an error by itself: the server
/// may answer and stop reading before it has read everything.
fn exchange(port: u16, raw: &[u8], timeout: Duration) -> Result<Vec<u8>, String> {
    let mut stream = connect(port, timeout)?;
    let written = stream.write_all(raw);
    let mut received = Vec::new();
    match stream.read_to_end(&mut received) {
        Ok(_) => Ok(received),
        Err(error) => Err(format!(
            "no complete response ({error}; the write gave {written:?}); received {:?}",
            String::from_utf8_lossy(&received)
        )),
    }
}

/// `exchange` followed by parsing exactly one response.
fn raw_request(port: u16, raw: &[u8], timeout: Duration) -> Result<Response, String> {
    let received = exchange(port, raw, timeout)?;
    parse_response(&received).ok_or_else(|| format!("malformed response: {:?}", String::from_utf8_lossy(&received)))
}

/// A request head with the usual Host and Connection: close lines.
fn head_for(method: &str, target: &str, extra: &str) -> Vec<u8> {
    format!("{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}Connection: close\r\n\r\n").into_bytes()
}

/// Defect 11: errors produced while parsing the request, before any file
/// is looked up, used to come without the documented headers.
#[test]
fn request_errors_carry_the_documented_headers() {
    let site = Site::new("parse-errors");
    let server = Server::start(&site.root(), &[]);
    let quick = Duration::from_secs(10);
    let many_headers: String = (0..200).map(|n| format!("X-Filler-{n}: {n}\r\n")).collect();
    let big_header = format!("X-Big: {}\r\n", "b".repeat(500 * 1024));
    let long_target = format!("/{}", "t".repeat(100 * 1024));
    let cases: Vec<(&str, Vec<u8>, u16)> = vec![
        ("a target with a `<`", head_for("GET", "/a<b", ""), 400),
        ("a relative target", head_for("GET", "index.html", ""), 400),
        ("a malformed header line", head_for("GET", "/", "no colon here\r\n"), 400),
        ("garbage", b"\x01\x02\x03 nonsense\r\n\r\n".to_vec(), 400),
        ("an unknown HTTP version", b"GET / HTTP/3.7\r\nHost: 127.0.0.1\r\n\r\n".to_vec(), 505),
        ("too many header lines", head_for("GET", "/", &many_headers), 431),
        ("an oversized header", head_for("GET", "/", &big_header), 431),
        ("an oversized request line", head_for("GET", &long_target, ""), 414),
        ("a bad Content-Length", head_for("GET", "/", "Content-Length: twelve\r\n"), 400),
    ];
    for (what, raw, status) in cases {
        let response = match raw_request(server.port, &raw, quick) {
            Ok(response) => response,
            Err(error) => panic!("{what}: {error}"),
        };
        assert_eq!(response.status, status, "{what}: {response:?}");
        assert_documented_headers(&response, what);
    }
    assert_eq!(server.get("/").status, 200);
}

/// Defect 11: names the file system cannot resolve used to give 500.
#[test]
fn unresolvable_names_are_404() {
    let site = Site::new("unresolvable");
    let root = site.root();
    if cfg!(unix) {
        symlink(Path::new("loop-b"), &root.join("loop-a"));
        symlink(Path::new("loop-a"), &root.join("loop-b"));
    }
    let server = Server::start(&root, &[]);
    let long_name = format!("/{}.txt", "n".repeat(300));
    let long_dir = format!("/{}/index.html", "d".repeat(300));
    let mut targets = vec![long_name.as_str(), long_dir.as_str(), "/index.html/x"];
    if cfg!(unix) {
        targets.extend(["/loop-a", "/loop-a/x"]);
    }
    for target in targets {
        let response = server.get(target);
        assert_eq!(response.status, 404, "{target}: {response:?}");
        assert_documented_headers(&response, target);
    }
}

/// Defect 10: a FIFO (or any file that is neither regular nor a directory)
/// used to be opened for reading, which blocks until a writer comes.
#[cfg(unix)]
#[test]
fn special_files_are_refused_without_blocking() {
    let site = Site::new("special");
    let root = site.root();
    let fifo = root.join("pipe.wasm");
    match Command::new("mkfifo").arg(&fifo).status() {
        Ok(status) if status.success() => {}
        other => panic!("mkfifo {} failed: {other:?}", fifo.display()),
    }
    let socket_path = root.join("sock");
    let _socket = match std::os::unix::net::UnixListener::bind(&socket_path) {
        Ok(socket) => socket,
        Err(error) => panic!("cannot bind {}: {error}", socket_path.display()),
    };
    // A directory whose index.html is a FIFO.
    let fifo_dir = root.join("fifodir");
    if let Err(error) = fs::create_dir(&fifo_dir) {
        panic!("cannot create {}: {error}", fifo_dir.display());
    }
    match Command::new("mkfifo").arg(fifo_dir.join("index.html")).status() {
        Ok(status) if status.success() => {}
        other => panic!("mkfifo failed: {other:?}"),
    }
    let server = Server::start(&root, &[]);
    let quick = Duration::from_secs(5);
    // More requests than tokio has blocking threads would wedge the old server.
    for target in ["/pipe.wasm", "/sock", "/fifodir/", "/pipe.wasm"] {
        let response = match raw_request(server.port, &head_for("GET", target, ""), quick) {
            Ok(response) => response,
            Err(error) => panic!("{target}: {error}"),
        };
        assert_eq!(response.status, 403, "{target}: {response:?}");
        assert_documented_headers(&response, target);
    }
    let response = server.get("/index.html");
    assert_eq!(response.status, 200, "{response:?}");
}

/// Defect 9: the symlink check and the open used to be two steps, so a
/// symlink flipped between them served the file outside the root.
#[cfg(unix)]
#[test]
fn flipping_symlinks_never_serve_outside_files() {
    const INSIDE: &str = "inside, fine to serve";
    const RUN_FOR: Duration = Duration::from_secs(3);
    const MAX_REQUESTS: usize = 20_000;
    const CLIENTS: usize = 3;

    let site = Site::new("flip");
    let root = site.root();
    write(&root.join("inside.txt"), INSIDE.as_bytes());
    let link = root.join("flip.txt");
    symlink(Path::new("inside.txt"), &link);
    let server = Server::start(&root, &[]);
    let port = server.port;

    let deadline = Instant::now() + RUN_FOR;
    let sent = Arc::new(AtomicUsize::new(0));
    // Renaming a fresh symlink over the old one, so the name always exists.
    let flipper = {
        let root = root.clone();
        thread::spawn(move || -> Result<usize, String> {
            let spare = root.join("flip.tmp");
            let mut flips = 0;
            while Instant::now() < deadline {
                let target = if flips % 2 == 0 { "../secret.txt" } else { "inside.txt" };
                let _ = fs::remove_file(&spare);
                std::os::unix::fs::symlink(target, &spare)
                    .and_then(|()| fs::rename(&spare, root.join("flip.txt")))
                    .map_err(|error| format!("cannot flip the symlink: {error}"))?;
                flips += 1;
            }
            Ok(flips)
        })
    };
    let clients: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let sent = Arc::clone(&sent);
            thread::spawn(move || -> Result<[usize; 3], String> {
                // [inside served, refused, outside served]
                let mut counts = [0; 3];
                while Instant::now() < deadline && sent.fetch_add(1, Ordering::Relaxed) < MAX_REQUESTS {
                    let response = raw_request(port, &head_for("GET", "/flip.txt", ""), TIMEOUT)?;
                    let body = response.body_text();
                    if body.contains(SECRET) {
                        counts[2] += 1;
                    } else if response.status == 200 && body == INSIDE {
                        counts[0] += 1;
                    } else if response.status == 403 {
                        counts[1] += 1;
                    } else {
                        return Err(format!("unexpected response {response:?}"));
                    }
                }
                Ok(counts)
            })
        })
        .collect();

    let mut totals = [0; 3];
    for client in clients {
        match client.join() {
            Ok(Ok(counts)) => {
                for (total, count) in totals.iter_mut().zip(counts) {
                    *total += count;
                }
            }
            Ok(Err(error)) => panic!("client failed: {error}"),
            Err(_) => panic!("a client thread panicked"),
        }
    }
    let flips = match flipper.join() {
        Ok(Ok(flips)) => flips,
        Ok(Err(error)) => panic!("{error}"),
        Err(_) => panic!("the flipper thread panicked"),
    };
    let [inside, refused, leaked] = totals;
    assert_eq!(
        leaked, 0,
        "the outside file was served {leaked} times ({inside} inside, {refused} refused, {flips} flips)"
    );
    // Negative control: both targets were really hit.
    assert!(inside > 0 && refused > 0, "inside {inside}, refused {refused}, flips {flips}");
}

/// Defect 12: a connection that never finishes its request head is closed
/// after `--header-timeout`; one that sent part of a head gets 408.
#[test]
fn unfinished_request_heads_time_out() {
    let site = Site::new("header-timeout");
    let server = Server::start(&site.root(), &["--header-timeout", "1"]);
    let bound = Duration::from_secs(8);
    let started = Instant::now();
    let silent = match connect(server.port, bound) {
        Ok(stream) => stream,
        Err(error) => panic!("{error}"),
    };
    let partial = thread::spawn({
        let port = server.port;
        move || raw_request(port, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n", bound)
    });
    let mut silent = silent;
    let mut received = Vec::new();
    match silent.read_to_end(&mut received) {
        Ok(_) => assert!(received.is_empty(), "{:?}", String::from_utf8_lossy(&received)),
        Err(error) => panic!("a silent connection was still open after {bound:?}: {error}"),
    }
    let response = match partial.join() {
        Ok(Ok(response)) => response,
        Ok(Err(error)) => panic!("partial head: {error}"),
        Err(_) => panic!("the partial-head thread panicked"),
    };
    assert_eq!(response.status, 408, "{response:?}");
    assert_documented_headers(&response, "408");
    // Not closed at once, and the server still answers afterwards.
    assert!(started.elapsed() >= Duration::from_millis(900), "{:?}", started.elapsed());
    assert_eq!(server.get("/").status, 200);
}

/// Defect 12: beyond `--max-connections` a connection waits until another
/// one closes.
#[test]
fn connections_beyond_the_limit_wait() {
    let site = Site::new("connection-limit");
    let server = Server::start(&site.root(), &["--max-connections", "2", "--header-timeout", "2"]);
    let bound = Duration::from_secs(8);
    let idle: Vec<TcpStream> = (0..2)
        .map(|_| match connect(server.port, bound) {
            Ok(stream) => stream,
            Err(error) => panic!("{error}"),
        })
        .collect();
    // Let the server accept both before the third arrives.
    thread::sleep(Duration::from_millis(200));
    let started = Instant::now();
    let response = match raw_request(server.port, &head_for("GET", "/", ""), bound) {
        Ok(response) => response,
        Err(error) => panic!("queued request: {error}"),
    };
    let waited = started.elapsed();
    assert_eq!(response.status, 200, "{response:?}");
    assert!(
        waited >= Duration::from_millis(1000),
        "answered after {waited:?}, while two idle connections held both slots"
    );
    drop(idle);
}

/// Several requests on one connection, and HEAD, ranges and conditional
/// requests on a file.
#[test]
fn keep_alive_head_ranges_and_conditional_requests() {
    let site = Site::new("protocol");
    let server = Server::start(&site.root(), &[]);
    let quick = Duration::from_secs(10);

    // Two pipelined requests, then Connection: close.
    let mut raw = b"GET /a.wasm HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".to_vec();
    raw.extend(head_for("GET", "/b.js", ""));
    let received = match exchange(server.port, &raw, quick) {
        Ok(received) => received,
        Err(error) => panic!("pipelined: {error}"),
    };
    let Some(split) = find_second_response(&received) else {
        panic!("not two responses: {:?}", String::from_utf8_lossy(&received))
    };
    let (first, second) = received.split_at(split);
    let first = parse_response(first);
    let second = parse_response(second);
    assert_eq!(first.as_ref().map(|r| r.body.as_slice()), Some(WASM), "{first:?}");
    assert_eq!(second.as_ref().map(Response::body_text).as_deref(), Some(SCRIPT));

    // HEAD: the GET headers, no body.
    let received = match exchange(server.port, &head_for("HEAD", "/a.wasm", ""), quick) {
        Ok(received) => received,
        Err(error) => panic!("HEAD: {error}"),
    };
    let text = String::from_utf8_lossy(&received);
    assert!(text.starts_with("HTTP/1.1 200 "), "{text}");
    assert!(text.contains("\r\ncontent-length: 8\r\n"), "{text}");
    assert!(text.contains("\r\ncontent-type: application/wasm\r\n"), "{text}");
    assert!(text.ends_with("\r\n\r\n"), "HEAD sent a body: {text:?}");

    let full = server.get("/a.wasm");
    assert_eq!(full.header("accept-ranges"), Some("bytes"));
    let Some(modified) = full.header("last-modified") else { panic!("no Last-Modified: {full:?}") };

    let range = |value: &str| {
        let raw = head_for("GET", "/a.wasm", &format!("Range: {value}\r\n"));
        match raw_request(server.port, &raw, quick) {
            Ok(response) => response,
            Err(error) => panic!("Range {value}: {error}"),
        }
    };
    let part = range("bytes=1-3");
    assert_eq!(part.status, 206, "{part:?}");
    assert_eq!(part.header("content-range"), Some("bytes 1-3/8"));
    assert_eq!(part.body, &WASM[1..4]);
    let tail = range("bytes=-2");
    assert_eq!(tail.status, 206, "{tail:?}");
    assert_eq!(tail.body, &WASM[6..]);
    let open = range("bytes=5-");
    assert_eq!(open.body, &WASM[5..], "{open:?}");
    let beyond = range("bytes=100-");
    assert_eq!(beyond.status, 416, "{beyond:?}");
    assert_eq!(beyond.header("content-range"), Some("bytes */8"));
    assert_documented_headers(&beyond, "416");
    let several = range("bytes=0-1,3-4");
    assert_eq!(several.status, 200, "several ranges are answered in full");

    let raw = head_for("GET", "/a.wasm", &format!("If-Modified-Since: {modified}\r\n"));
    let unchanged = match raw_request(server.port, &raw, quick) {
        Ok(response) => response,
        Err(error) => panic!("If-Modified-Since: {error}"),
    };
    assert_eq!(unchanged.status, 304, "{unchanged:?}");
    assert!(unchanged.body.is_empty());
    assert_documented_headers(&unchanged, "304");
    let raw = head_for("GET", "/a.wasm", "If-Modified-Since: Sat, 01 Jan 2000 00:00:00 GMT\r\n");
    let changed = match raw_request(server.port, &raw, quick) {
        Ok(response) => response,
        Err(error) => panic!("old If-Modified-Since: {error}"),
    };
    assert_eq!(changed.status, 200, "{changed:?}");
}

/// Where the second of two responses (each with a Content-Length) starts.
fn find_second_response(raw: &[u8]) -> Option<usize> {
    let end = raw.windows(4).position(|window| window == b"\r\n\r\n")? + 4;
    let head = std::str::from_utf8(&raw[..end]).ok()?;
    let length: usize = head.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.eq_ignore_ascii_case("content-length").then(|| value.trim().parse().ok())?
    })?;
    Some(end + length)
}
