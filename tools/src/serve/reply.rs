//! A reply and its HTTP/1.1 head. Every reply goes out through
//! [`Reply::head`], which adds [`ALWAYS_HEADERS`] and, unless
//! `--no-isolation`, [`ISOLATION_HEADERS`]: there is no other way to write a
//! response, so none can leave without them.

use std::fmt::Write as _;
use std::time::SystemTime;

use http::StatusCode;

use super::{ALWAYS_HEADERS, ISOLATION_HEADERS};

/// The content type of every reply the server writes itself.
const TEXT: &str = "text/plain; charset=utf-8";

#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    /// Names in lowercase; never `content-length` or `connection`, which
    /// [`Reply::head`] writes.
    pub headers: Vec<(&'static str, String)>,
    pub body: Body,
}

#[derive(Debug)]
pub enum Body {
    /// No body and no Content-Length (304).
    None,
    Text(String),
    /// `len` bytes of `file` from byte `start`.
    File {
        file: std::fs::File,
        start: u64,
        len: u64,
    },
}

impl Reply {
    /// A short text reply: `404 Not Found: DETAIL`.
    pub fn text(status: StatusCode, detail: &str) -> Reply {
        let reason = status.canonical_reason().unwrap_or("");
        let body = if detail.is_empty() {
            format!("{} {reason}\n", status.as_u16())
        } else {
            format!("{} {reason}: {detail}\n", status.as_u16())
        };
        Reply { status, headers: vec![("content-type", TEXT.to_owned())], body: Body::Text(body) }
    }

    pub fn with_header(mut self, name: &'static str, value: String) -> Reply {
        self.headers.push((name, value));
        self
    }

    /// The Content-Length: the whole body, also for HEAD, where it is not
    /// sent.
    fn content_length(&self) -> Option<u64> {
        match &self.body {
            Body::None => None,
            Body::Text(text) => u64::try_from(text.len()).ok(),
            Body::File { len, .. } => Some(*len),
        }
    }

    /// The status line and headers, up to and including the empty line.
    pub fn head(&self, isolated: bool, keep_alive: bool) -> Vec<u8> {
        let mut head = String::with_capacity(512);
        let reason = self.status.canonical_reason().unwrap_or("");
        // Writing to a String cannot fail.
        let _ = write!(head, "HTTP/1.1 {} {reason}\r\n", self.status.as_u16());
        let _ = write!(head, "date: {}\r\n", httpdate::fmt_http_date(SystemTime::now()));
        let documented = ALWAYS_HEADERS.iter().chain(ISOLATION_HEADERS.iter().filter(|_| isolated));
        for (name, value) in documented {
            let _ = write!(head, "{name}: {value}\r\n");
        }
        for (name, value) in &self.headers {
            let _ = write!(head, "{name}: {value}\r\n");
        }
        if let Some(length) = self.content_length() {
            let _ = write!(head, "content-length: {length}\r\n");
        }
        if !keep_alive {
            head.push_str("connection: close\r\n");
        }
        head.push_str("\r\n");
        head.into_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_carry_the_documented_headers() {
        let reply = Reply::text(StatusCode::NOT_FOUND, "");
        let head = String::from_utf8_lossy(&reply.head(true, false)).into_owned();
        assert!(head.starts_with("HTTP/1.1 404 Not Found\r\ndate: "), "{head}");
        for (name, value) in ALWAYS_HEADERS.iter().chain(&ISOLATION_HEADERS) {
            assert!(head.contains(&format!("\r\n{name}: {value}\r\n")), "{head}");
        }
        assert!(head.ends_with("content-length: 14\r\nconnection: close\r\n\r\n"), "{head}");

        let head = String::from_utf8_lossy(&reply.head(false, true)).into_owned();
        assert!(!head.contains("cross-origin"), "{head}");
        assert!(head.contains("cache-control: no-cache\r\n"), "{head}");
        assert!(!head.contains("connection:"), "{head}");
    }

    #[test]
    fn text_bodies() {
        let reply = Reply::text(StatusCode::FORBIDDEN, "not a regular file");
        assert!(matches!(&reply.body, Body::Text(text) if text == "403 Forbidden: not a regular file\n"), "{reply:?}");
    }
}
