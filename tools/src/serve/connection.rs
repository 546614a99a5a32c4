//! HTTP/1.1 on one connection: read a head within the header timeout,
//! answer it, and go on while the client keeps the connection alive.
//!
//! Every answer, refusals of malformed heads included, goes out through
//! [`Reply::head`], so each carries the documented headers. The only
//! responses a client can miss are the ones never sent: a connection that
//! is idle at the timeout, or that the client closed or reset, is closed
//! without one.

use std::io::{self, SeekFrom};
use std::sync::Arc;
use std::time::Duration;

use http::StatusCode;
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;

use super::conditional::{self, Selection};
use super::files::{self, Found, Served};
use super::reply::{Body, Reply};
use super::request::{self, Head, Method, Parsed, Rejection, MAX_HEAD_BYTES};
use super::Site;

/// How long one write of a response may wait for a client that reads
/// nothing, before the connection is dropped.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(30);

/// How many bytes are read from the socket, or from a file, at a time.
const CHUNK: usize = 64 * 1024;

/// How long, and how much, a closing connection still reads and discards
/// (see [`close_gently`]).
const LINGER: Duration = Duration::from_secs(2);
const LINGER_BYTES: usize = 1024 * 1024;

/// Serves one connection until it closes, times out or fails.
pub async fn serve(mut stream: TcpStream, site: Arc<Site>) {
    // Head and body go out in separate writes; without this, Nagle's
    // algorithm holds the body back for the client's delayed ACK (40 ms).
    let _ = stream.set_nodelay(true);
    let mut received = Vec::new();
    loop {
        let head = match read_head(&mut stream, &mut received, site.header_timeout).await {
            Ok(Some((head, used))) => {
                received.drain(..used);
                head
            }
            Ok(None) => return,
            Err(rejection) => {
                let reply = Reply::text(rejection.status, rejection.detail);
                if send(&mut stream, reply, site.isolated, false, false).await.is_ok() {
                    close_gently(stream).await;
                }
                return;
            }
        };
        let reply = respond(&head, &site).await;
        let head_only = head.method == Method::Head;
        if send(&mut stream, reply, site.isolated, head.keep_alive, head_only).await.is_err() {
            // The client is gone or stalled: nobody to tell.
            return;
        }
        if !head.keep_alive {
            close_gently(stream).await;
            return;
        }
    }
}

/// Reads until `received` starts with a whole request head, and returns it
/// with its length. `Ok(None)`: the connection closed, failed or timed out
/// before any byte of a head arrived, so there is nobody to answer.
async fn read_head(
    stream: &mut TcpStream,
    received: &mut Vec<u8>,
    timeout: Duration,
) -> Result<Option<(Head, usize)>, Rejection> {
    let deadline = Instant::now() + timeout;
    let mut chunk = vec![0; CHUNK];
    // `received[..scanned]` holds no blank line (apart from leading ones).
    let mut scanned: usize = 0;
    loop {
        // A head ends with a blank line, so parsing (from the start) waits
        // for one: a client that trickles bytes cannot make it quadratic.
        if ends_a_head(&received[scanned.saturating_sub(2)..]) {
            if let Parsed::Complete(head, used) = request::parse(received)? {
                return Ok(Some((head, used)));
            }
        }
        scanned = received.len();
        if received.len() >= MAX_HEAD_BYTES {
            return Err(Rejection::too_large(received));
        }
        let room = (MAX_HEAD_BYTES - received.len()).min(CHUNK);
        let read = tokio::time::timeout_at(deadline, stream.read(&mut chunk[..room])).await;
        let nothing_yet = received.iter().all(|byte| matches!(byte, b'\r' | b'\n'));
        match read {
            Ok(Ok(0)) if nothing_yet => return Ok(None),
            Ok(Ok(0)) => return Err(Rejection::CUT_SHORT),
            Ok(Ok(count)) => received.extend_from_slice(&chunk[..count]),
            Ok(Err(_)) => return Ok(None),
            Err(_elapsed) if nothing_yet => return Ok(None),
            Err(_elapsed) => return Err(Rejection::TIMED_OUT),
        }
    }
}

/// Whether `bytes` holds an empty line: `\n\n` or `\n\r\n`.
fn ends_a_head(bytes: &[u8]) -> bool {
    bytes
        .windows(2)
        .enumerate()
        .any(|(at, pair)| pair == b"\n\n" || (pair == b"\n\r" && bytes.get(at + 2) == Some(&b'\n')))
}

/// The reply to a parsed request head.
async fn respond(head: &Head, site: &Arc<Site>) -> Reply {
    if head.method == Method::Other {
        return Reply::text(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD are served")
            .with_header("allow", "GET, HEAD".to_owned());
    }
    if !head.path.starts_with('/') {
        return Reply::text(StatusCode::BAD_REQUEST, "the request target must be a path such as /index.html");
    }
    let lookup = {
        let site = Arc::clone(site);
        let path = head.path.clone();
        tokio::task::spawn_blocking(move || files::find(&site.root, &path))
    };
    match lookup.await {
        Ok(Ok(Found::File(served))) => file_reply(head, served),
        Ok(Ok(Found::Directory)) => {
            let mut location = format!("{}/", head.path);
            if let Some(query) = &head.query {
                location.push('?');
                location.push_str(query);
            }
            Reply::text(StatusCode::TEMPORARY_REDIRECT, "").with_header("location", location)
        }
        Ok(Ok(Found::Missing)) => Reply::text(StatusCode::NOT_FOUND, ""),
        Ok(Ok(Found::Refused(reason))) => Reply::text(StatusCode::FORBIDDEN, reason),
        Ok(Err(error)) => {
            eprintln!("error: cannot serve {}: {error}", head.path);
            Reply::text(StatusCode::INTERNAL_SERVER_ERROR, "see the server's log")
        }
        Err(error) => {
            eprintln!("error: the lookup of {} failed: {error}", head.path);
            Reply::text(StatusCode::INTERNAL_SERVER_ERROR, "see the server's log")
        }
    }
}

/// 200, 206, 304, 412 or 416 for a file, by the request's conditions.
fn file_reply(head: &Head, served: Served) -> Reply {
    let Served { file, len, modified, content_type } = served;
    let mut validators = vec![("accept-ranges", "bytes".to_owned())];
    if let Some(modified) = modified {
        validators.push(("last-modified", conditional::last_modified(modified)));
    }
    let selection = conditional::select(&head.conditions, len, modified, head.method == Method::Get);
    let (status, start, part) = match selection {
        Selection::Full => (StatusCode::OK, 0, len),
        Selection::Part { start, len: part } => (StatusCode::PARTIAL_CONTENT, start, part),
        Selection::NotModified => {
            return Reply { status: StatusCode::NOT_MODIFIED, headers: validators, body: Body::None }
        }
        Selection::PreconditionFailed => return Reply::text(StatusCode::PRECONDITION_FAILED, "modified since"),
        Selection::Unsatisfiable => {
            return Reply::text(StatusCode::RANGE_NOT_SATISFIABLE, "")
                .with_header("content-range", format!("bytes */{len}"))
        }
    };
    let mut headers = vec![("content-type", content_type.to_owned())];
    headers.extend(validators);
    if status == StatusCode::PARTIAL_CONTENT {
        let last = start + part - 1;
        headers.push(("content-range", format!("bytes {start}-{last}/{len}")));
    }
    Reply { status, headers, body: Body::File { file, start, len: part } }
}

/// Writes `reply`; its body only when `head_only` is false.
async fn send(
    stream: &mut TcpStream,
    reply: Reply,
    isolated: bool,
    keep_alive: bool,
    head_only: bool,
) -> io::Result<()> {
    let mut bytes = reply.head(isolated, keep_alive);
    match reply.body {
        Body::Text(text) if !head_only => {
            bytes.extend_from_slice(text.as_bytes());
            write_within(stream, &bytes).await
        }
        Body::File { file, start, len } if !head_only => {
            write_within(stream, &bytes).await?;
            send_file(stream, file, start, len).await
        }
        Body::None | Body::Text(_) | Body::File { .. } => write_within(stream, &bytes).await,
    }
}

/// Sends `len` bytes of `file` from `start`.
async fn send_file(stream: &mut TcpStream, file: std::fs::File, start: u64, len: u64) -> io::Result<()> {
    let mut file = tokio::fs::File::from_std(file);
    if start > 0 {
        file.seek(SeekFrom::Start(start)).await?;
    }
    let mut buffer = vec![0; CHUNK];
    let mut left = len;
    while left > 0 {
        let want = usize::try_from(left).map_or(CHUNK, |left| left.min(CHUNK));
        let read = file.read(&mut buffer[..want]).await?;
        if read == 0 {
            // The Content-Length is sent; closing is all that is left.
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the file shrank while it was being sent"));
        }
        write_within(stream, &buffer[..read]).await?;
        left -= read as u64;
    }
    Ok(())
}

async fn write_within(stream: &mut TcpStream, bytes: &[u8]) -> io::Result<()> {
    match tokio::time::timeout(SEND_TIMEOUT, stream.write_all(bytes)).await {
        Ok(result) => result,
        Err(_elapsed) => {
            Err(io::Error::new(io::ErrorKind::TimedOut, format!("the client read nothing for {SEND_TIMEOUT:?}")))
        }
    }
}

/// Closes a connection without losing the response just written.
///
/// Note 3: closing a socket that still has unread input (a request body, a
/// pipelined request, the rest of an oversized head) makes the kernel send
/// a reset, and a reset can destroy the response before the client has
/// read it. So this shuts down the sending side first, then reads and
/// discards what the client still sends, bounded by [`LINGER`] and
/// [`LINGER_BYTES`], before closing.
async fn close_gently(mut stream: TcpStream) {
    if stream.shutdown().await.is_err() {
        return;
    }
    let mut sink = vec![0; CHUNK];
    let _ = tokio::time::timeout(LINGER, async {
        let mut discarded = 0;
        while discarded < LINGER_BYTES {
            match stream.read(&mut sink).await {
                Ok(0) | Err(_) => break,
                Ok(count) => discarded += count,
            }
        }
    })
    .await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_lines() {
        assert!(ends_a_head(b"GET / HTTP/1.1\r\n\r\n"));
        assert!(ends_a_head(b"GET / HTTP/1.1\n\n"));
        assert!(ends_a_head(b"\n\r\n"));
        assert!(!ends_a_head(b"GET / HTTP/1.1\r\nHost: x\r\n"));
        assert!(!ends_a_head(b"\n\r"));
        assert!(!ends_a_head(b""));
    }
}
