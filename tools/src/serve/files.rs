//! From a request path to the file to serve: decoding, `..`, directories
//! and their index.html, refusals and content types. Opening is left to
//! `confine`, which makes sure that what is checked is what is read.

use std::fs::File;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::time::SystemTime;

use super::confine::{self, Kind, Located};

pub use super::confine::Root;

/// Content types set explicitly, by extension (lowercase), where
/// `mime_guess` differs (`.mjs` is application/javascript there) or omits
/// the charset. Other extensions get `mime_guess`'s type.
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

/// For extensions neither table knows.
const UNKNOWN_TYPE: &str = "application/octet-stream";

/// The reasons for a 403, shown in its body.
pub const OUTSIDE: &str = "outside the served directory";
pub const NOT_REGULAR: &str = "not a regular file or directory";
pub const NOT_READABLE: &str = "permission denied";

/// What a request path leads to.
#[derive(Debug)]
pub enum Found {
    File(Served),
    /// A directory named without its trailing slash: redirect to the name
    /// with one, so that relative links in its index.html work.
    Directory,
    /// 404.
    Missing,
    /// 403, with the reason.
    Refused(&'static str),
}

/// A regular file inside the root, open for reading.
#[derive(Debug)]
pub struct Served {
    pub file: File,
    pub len: u64,
    pub modified: Option<SystemTime>,
    pub content_type: &'static str,
}

/// Finds the file for `request_path` (still percent-encoded). Blocking: run
/// it off the async thread. `Err` only for failures that are the server's
/// (500); everything a client can cause is a [`Found`].
pub fn find(root: &Root, request_path: &str) -> io::Result<Found> {
    let Some(relative) = relative_path(request_path) else {
        return Ok(Found::Missing);
    };
    let wants_directory = request_path.ends_with('/');
    let located = match locate(root, &relative)? {
        Ok(located) => located,
        Err(found) => return Ok(found),
    };
    let (located, name) = match located.kind()? {
        Kind::Directory if wants_directory => {
            let index = relative.join("index.html");
            match locate(root, &index)? {
                Ok(located) => (located, "index.html"),
                Err(found) => return Ok(found),
            }
        }
        Kind::Directory => return Ok(Found::Directory),
        // As `ServeDir` did: `/index.html/` names nothing.
        Kind::File if wants_directory => return Ok(Found::Missing),
        Kind::File => {
            let name = relative.file_name().and_then(|name| name.to_str());
            (located, name.unwrap_or_default())
        }
        Kind::Other => return Ok(Found::Refused(NOT_REGULAR)),
    };
    match located.kind()? {
        Kind::File => {}
        Kind::Directory => return Ok(Found::Missing),
        Kind::Other => return Ok(Found::Refused(NOT_REGULAR)),
    }
    let file = match located.open_for_reading() {
        Ok(file) => file,
        Err(error) if error.kind() == io::ErrorKind::PermissionDenied => return Ok(Found::Refused(NOT_READABLE)),
        Err(error) => return Err(error),
    };
    let metadata = file.metadata()?;
    Ok(Found::File(Served {
        len: metadata.len(),
        modified: metadata.modified().ok(),
        content_type: content_type_for(name),
        file,
    }))
}

/// [`confine::locate`] with the answers a client can cause turned into a
/// [`Found`].
fn locate(root: &Root, relative: &Path) -> io::Result<Result<Located, Found>> {
    match confine::locate(root, relative) {
        Ok(Some(located)) => Ok(Ok(located)),
        Ok(None) => Ok(Err(Found::Refused(OUTSIDE))),
        Err(error) if confine::names_nothing(&error) => Ok(Err(Found::Missing)),
        Err(error) if error.kind() == io::ErrorKind::PermissionDenied => Ok(Err(Found::Refused(NOT_READABLE))),
        Err(error) => Err(error),
    }
}

/// The path under the root that a request path names, decoded and split as
/// `ServeDir` did, or `None` where it is refused with a 404: `..`, a
/// component that decodes to several (`a%2F..`), a NUL byte, or a
/// decoding that is not UTF-8. Empty for the root itself.
fn relative_path(request_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(request_path.trim_start_matches('/'))?;
    if decoded.contains('\0') {
        return None;
    }
    let mut relative = PathBuf::new();
    for component in Path::new(&decoded).components() {
        match component {
            Component::Normal(name)
                if Path::new(name).components().all(|inner| matches!(inner, Component::Normal(_))) =>
            {
                relative.push(name);
            }
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(relative)
}

/// `%XX` decoding; `None` for a result that is not UTF-8.
fn percent_decode(path: &str) -> Option<String> {
    percent_encoding::percent_decode_str(path).decode_utf8().ok().map(|decoded| decoded.into_owned())
}

/// The content type for a file name, by its extension.
fn content_type_for(name: &str) -> &'static str {
    let Some((_, extension)) = name.rsplit_once('.') else {
        return UNKNOWN_TYPE;
    };
    CONTENT_TYPES
        .iter()
        .find(|(known, _)| known.eq_ignore_ascii_case(extension))
        .map(|(_, content_type)| *content_type)
        .or_else(|| mime_guess::from_ext(extension).first_raw())
        .unwrap_or(UNKNOWN_TYPE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types() {
        assert_eq!(content_type_for("index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type_for("sim.wasm"), "application/wasm");
        assert_eq!(content_type_for("SIM.WASM"), "application/wasm");
        assert_eq!(content_type_for("worker.mjs"), "text/javascript; charset=utf-8");
        assert_eq!(content_type_for("b.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type_for("photo.jpg"), "image/jpeg");
        assert_eq!(content_type_for("README"), UNKNOWN_TYPE);
        assert_eq!(content_type_for("x.unknown-ext"), UNKNOWN_TYPE);
    }

    #[test]
    fn paths_like_serve_dir() {
        let path = |raw: &str| relative_path(raw);
        assert_eq!(path("/"), Some(PathBuf::new()));
        assert_eq!(path("/a/./b.js"), Some(PathBuf::from("a/b.js")));
        assert_eq!(path("//etc/passwd"), Some(PathBuf::from("etc/passwd")));
        assert_eq!(path("/%61.js"), Some(PathBuf::from("a.js")));
        assert_eq!(path("/sim%2Ewasm"), Some(PathBuf::from("sim.wasm")));
        assert_eq!(path("/../secret"), None);
        assert_eq!(path("/%2e%2e/secret"), None);
        assert_eq!(path("/..%2fsecret"), None);
        assert_eq!(path("/a/%2F/b"), Some(PathBuf::from("a/b")));
        assert_eq!(path("/%ff"), None);
        assert_eq!(path("/a%00b"), None);
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%20b").as_deref(), Some("a b"));
        assert_eq!(percent_decode("100%").as_deref(), Some("100%"));
        assert_eq!(percent_decode("%zz%4").as_deref(), Some("%zz%4"));
        assert_eq!(percent_decode("%C3%A9").as_deref(), Some("é"));
    }
}
