//! Parses and checks one HTTP/1.x request head. Every way a head can be
//! refused is a [`Rejection`] here, answered by the caller with the usual
//! headers, so no refusal goes out without them.

use http::{StatusCode, Uri};

/// The most bytes a request head may take, request line and headers
/// together. Browsers send a few KiB; the rest is cookies for localhost,
/// which all local servers share.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;

/// The most header lines in one head, as hyper allows by default.
pub const MAX_HEADERS: usize = 100;

/// The methods served; everything else is 405.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Head,
    Other,
}

/// What the server uses of a request head.
#[derive(Debug)]
pub struct Head {
    pub method: Method,
    /// The path of the target, still percent-encoded; `/` first unless the
    /// target had no path (`*`, `host:port`).
    pub path: String,
    /// The query after `?`, if any, kept for redirects.
    pub query: Option<String>,
    /// Whether the connection may carry another request after this one:
    /// HTTP/1.1 without `Connection: close`, and no body to skip.
    pub keep_alive: bool,
    pub conditions: Conditions,
}

/// The conditional and range headers, as sent (`None` where absent or not
/// text).
#[derive(Debug, Default)]
pub struct Conditions {
    pub if_modified_since: Option<String>,
    pub if_unmodified_since: Option<String>,
    pub if_none_match: bool,
    pub if_match: bool,
    pub range: Option<String>,
    pub if_range: Option<String>,
}

/// A request refused before any file is looked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub status: StatusCode,
    /// Why, for the body of the reply.
    pub detail: &'static str,
}

impl Rejection {
    const fn new(status: StatusCode, detail: &'static str) -> Rejection {
        Rejection { status, detail }
    }

    /// A head that did not arrive within the header timeout.
    pub const TIMED_OUT: Rejection =
        Rejection::new(StatusCode::REQUEST_TIMEOUT, "the request head did not arrive in time");

    /// The client closed its side in the middle of a head.
    pub const CUT_SHORT: Rejection =
        Rejection::new(StatusCode::BAD_REQUEST, "the connection ended inside a request head");

    /// [`MAX_HEAD_BYTES`] arrived and the head is not complete: 414 while
    /// the request line itself is not finished, 431 after it.
    pub fn too_large(received: &[u8]) -> Rejection {
        if received.contains(&b'\n') {
            Rejection::new(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE, "the request head is over 64 KiB")
        } else {
            Rejection::new(StatusCode::URI_TOO_LONG, "the request line is over 64 KiB")
        }
    }
}

/// The result of parsing the bytes received so far.
#[derive(Debug)]
pub enum Parsed {
    /// A whole head, and how many bytes of the input it took.
    Complete(Head, usize),
    /// More bytes are needed.
    Partial,
}

/// Parses a request head from the start of `received`.
pub fn parse(received: &[u8]) -> Result<Parsed, Rejection> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut request = httparse::Request::new(&mut headers);
    let used = match request.parse(received) {
        Ok(httparse::Status::Complete(used)) => used,
        Ok(httparse::Status::Partial) => return Ok(Parsed::Partial),
        Err(error) => return Err(parse_rejection(error)),
    };
    // httparse fills these in for every complete head.
    let (Some(method), Some(target), Some(version)) = (request.method, request.path, request.version) else {
        return Err(Rejection::new(StatusCode::BAD_REQUEST, "incomplete request line"));
    };

    let uri: Uri =
        target.parse().map_err(|_| Rejection::new(StatusCode::BAD_REQUEST, "the request target is not a valid URI"))?;
    let method = match method {
        "GET" => Method::Get,
        "HEAD" => Method::Head,
        _ => Method::Other,
    };

    let mut close = version == 0;
    let mut has_body = false;
    let mut content_length = None;
    let mut conditions = Conditions::default();
    for header in request.headers.iter() {
        let name = header.name;
        let text = std::str::from_utf8(header.value).ok().map(str::trim);
        let is = |wanted: &str| name.eq_ignore_ascii_case(wanted);
        if is("connection") {
            close |= text.is_some_and(|value| value.split(',').any(|token| token.trim().eq_ignore_ascii_case("close")));
        } else if is("content-length") {
            let length = text
                .and_then(parse_content_length)
                .ok_or(Rejection::new(StatusCode::BAD_REQUEST, "Content-Length is not a number"))?;
            if content_length.is_some_and(|earlier| earlier != length) {
                return Err(Rejection::new(StatusCode::BAD_REQUEST, "two different Content-Length values"));
            }
            content_length = Some(length);
            has_body |= length > 0;
        } else if is("transfer-encoding") {
            has_body = true;
        } else if is("if-modified-since") {
            conditions.if_modified_since = text.map(str::to_owned);
        } else if is("if-unmodified-since") {
            conditions.if_unmodified_since = text.map(str::to_owned);
        } else if is("if-none-match") {
            conditions.if_none_match = true;
        } else if is("if-match") {
            conditions.if_match = true;
        } else if is("range") {
            conditions.range = text.map(str::to_owned);
        } else if is("if-range") {
            conditions.if_range = text.map(str::to_owned);
        }
    }

    let head = Head {
        method,
        path: uri.path().to_owned(),
        query: uri.query().map(str::to_owned),
        // Bodies are never read, so what follows one cannot be parsed.
        keep_alive: !close && !has_body,
        conditions,
    };
    Ok(Parsed::Complete(head, used))
}

/// Content-Length: digits only, or a list of equal values (`5, 5`), which
/// RFC 9110 section 8.6 lets a recipient accept.
fn parse_content_length(value: &str) -> Option<u64> {
    let mut parsed = None;
    for item in value.split(',') {
        let item = item.trim();
        if item.is_empty() || !item.bytes().all(|byte| byte.is_ascii_digit()) {
            return None;
        }
        let length: u64 = item.parse().ok()?;
        if parsed.is_some_and(|earlier| earlier != length) {
            return None;
        }
        parsed = Some(length);
    }
    parsed
}

fn parse_rejection(error: httparse::Error) -> Rejection {
    match error {
        httparse::Error::TooManyHeaders => {
            Rejection::new(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE, "more than 100 header lines")
        }
        httparse::Error::Version => {
            Rejection::new(StatusCode::HTTP_VERSION_NOT_SUPPORTED, "only HTTP/1.0 and HTTP/1.1 are served")
        }
        httparse::Error::HeaderName
        | httparse::Error::HeaderValue
        | httparse::Error::NewLine
        | httparse::Error::Status
        | httparse::Error::Token => Rejection::new(StatusCode::BAD_REQUEST, "malformed request head"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complete(raw: &str) -> (Head, usize) {
        match parse(raw.as_bytes()) {
            Ok(Parsed::Complete(head, used)) => (head, used),
            other => panic!("{raw:?}: {other:?}"),
        }
    }

    fn status(raw: &[u8]) -> Option<StatusCode> {
        parse(raw).err().map(|rejection| rejection.status)
    }

    #[test]
    fn heads() {
        let (head, used) = complete("GET /a%20b?x=1 HTTP/1.1\r\nHost: h\r\n\r\nNEXT");
        assert_eq!(head.method, Method::Get);
        assert_eq!(head.path, "/a%20b");
        assert_eq!(head.query.as_deref(), Some("x=1"));
        assert!(head.keep_alive);
        assert_eq!(used, "GET /a%20b?x=1 HTTP/1.1\r\nHost: h\r\n\r\n".len());

        let (head, _) = complete("HEAD http://h/x HTTP/1.1\r\nConnection: Keep-Alive, Close\r\n\r\n");
        assert_eq!((head.method, head.path.as_str()), (Method::Head, "/x"));
        assert!(!head.keep_alive);
        assert!(!complete("GET / HTTP/1.0\r\n\r\n").0.keep_alive);
        assert!(!complete("POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\n").0.keep_alive);
        assert!(!complete("GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n").0.keep_alive);
        assert!(complete("GET / HTTP/1.1\r\nContent-Length: 0, 0\r\n\r\n").0.keep_alive);
        assert_eq!(complete("OPTIONS * HTTP/1.1\r\n\r\n").0.method, Method::Other);

        let (head, _) =
            complete("GET / HTTP/1.1\r\nrange: bytes=1-2\r\nIf-Modified-Since: x\r\nIf-None-Match: \"e\"\r\n\r\n");
        assert_eq!(head.conditions.range.as_deref(), Some("bytes=1-2"));
        assert_eq!(head.conditions.if_modified_since.as_deref(), Some("x"));
        assert!(head.conditions.if_none_match && !head.conditions.if_match);
    }

    #[test]
    fn partial_heads() {
        for raw in ["", "GET / HTTP/1.1\r\n", "GET / HTTP/1.1\r\nHost: h\r\n", "\r\n"] {
            assert!(matches!(parse(raw.as_bytes()), Ok(Parsed::Partial)), "{raw:?}");
        }
    }

    #[test]
    fn rejections() {
        let bad = Some(StatusCode::BAD_REQUEST);
        assert_eq!(status(b"GET /a<b HTTP/1.1\r\n\r\n"), bad);
        assert_eq!(status(b"GET / HTTP/1.1\r\nno colon\r\n\r\n"), bad);
        assert_eq!(status(b"\x01\x02 x\r\n\r\n"), bad);
        assert_eq!(status(b"GET / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n"), bad);
        assert_eq!(status(b"GET / HTTP/1.1\r\nContent-Length: 1, 2\r\n\r\n"), bad);
        assert_eq!(status(b"GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"), bad);
        assert_eq!(status(b"GET / HTTP/2.0\r\n\r\n"), Some(StatusCode::HTTP_VERSION_NOT_SUPPORTED));
        let many: String = (0..=MAX_HEADERS).map(|n| format!("X-{n}: n\r\n")).collect();
        assert_eq!(
            status(format!("GET / HTTP/1.1\r\n{many}\r\n").as_bytes()),
            Some(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE)
        );
        assert_eq!(Rejection::too_large(b"GET /aaaa").status, StatusCode::URI_TOO_LONG);
        assert_eq!(
            Rejection::too_large(b"GET / HTTP/1.1\r\nX: aaaa").status,
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE
        );
    }
}
