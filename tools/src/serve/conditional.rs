//! Conditional requests by modification time and single byte ranges
//! (RFC 9110 sections 13 and 14), which is what `ServeDir` offered before:
//! with `Cache-Control: no-cache` the browser revalidates every file on
//! every load, and `If-Modified-Since` makes that a 304 instead of a copy.
//! No ETags: the modification time and the size are all there is.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::request::Conditions;

/// Which part of a file to send, if any.
#[derive(Debug, PartialEq, Eq)]
pub enum Selection {
    /// All of it: 200.
    Full,
    /// `len` bytes from `start`: 206.
    Part { start: u64, len: u64 },
    /// 304: the client's copy is current.
    NotModified,
    /// 412: `If-Unmodified-Since` failed.
    PreconditionFailed,
    /// 416: the range starts at or past the end.
    Unsatisfiable,
}

/// `Last-Modified` for a modification time: whole seconds, as HTTP dates
/// have no fractions.
pub fn last_modified(modified: SystemTime) -> String {
    httpdate::fmt_http_date(modified)
}

/// Decides what to send of a file of `len` bytes last modified at
/// `modified` (`None` where the file system does not say), in the order of
/// RFC 9110 section 13.2.2. A range is honoured for GET only
/// (`range_allowed`); one that cannot be parsed, or several, is ignored and
/// the whole file sent, which the RFC allows.
pub fn select(conditions: &Conditions, len: u64, modified: Option<SystemTime>, range_allowed: bool) -> Selection {
    let modified = modified.map(whole_seconds);
    let date = |value: &Option<String>| value.as_deref().and_then(|text| httpdate::parse_http_date(text).ok());
    if !conditions.if_match {
        if let (Some(since), Some(modified)) = (date(&conditions.if_unmodified_since), modified) {
            if modified > since {
                return Selection::PreconditionFailed;
            }
        }
    }
    if !conditions.if_none_match {
        if let (Some(since), Some(modified)) = (date(&conditions.if_modified_since), modified) {
            if modified <= since {
                return Selection::NotModified;
            }
        }
    }
    let Some(range) = conditions.range.as_deref().filter(|_| range_allowed) else {
        return Selection::Full;
    };
    // If-Range: the range only applies to the version the client has.
    if let Some(if_range) = &conditions.if_range {
        let current = modified.map(last_modified);
        if current.as_deref() != Some(if_range.as_str()) {
            return Selection::Full;
        }
    }
    match parse_range(range, len) {
        Some(Some((start, len))) => Selection::Part { start, len },
        Some(None) => Selection::Unsatisfiable,
        None => Selection::Full,
    }
}

/// A single `bytes=` range against a file of `len` bytes: `None` when it
/// is not one well-formed range, `Some(None)` when it selects nothing,
/// else the start and length.
fn parse_range(value: &str, len: u64) -> Option<Option<(u64, u64)>> {
    let spec = value.trim().strip_prefix("bytes=")?.trim();
    if spec.contains(',') {
        return None;
    }
    let (first, last) = spec.split_once('-')?;
    let number = |text: &str| -> Option<u64> {
        let text = text.trim();
        if text.is_empty() || !text.bytes().all(|byte| byte.is_ascii_digit()) {
            return None;
        }
        text.parse().ok()
    };
    if first.trim().is_empty() {
        // `-N`: the last N bytes.
        let suffix = number(last)?;
        if suffix == 0 || len == 0 {
            return Some(None);
        }
        let take = suffix.min(len);
        return Some(Some((len - take, take)));
    }
    let start = number(first)?;
    let end = if last.trim().is_empty() { None } else { Some(number(last)?) };
    if end.is_some_and(|end| end < start) {
        return None;
    }
    if start >= len {
        return Some(None);
    }
    let end = end.map_or(len - 1, |end| end.min(len - 1));
    Some(Some((start, end - start + 1)))
}

fn whole_seconds(time: SystemTime) -> SystemTime {
    match time.duration_since(UNIX_EPOCH) {
        Ok(since) => UNIX_EPOCH + Duration::from_secs(since.as_secs()),
        Err(_) => time,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-0", 8), Some(Some((0, 1))));
        assert_eq!(parse_range("bytes=1-3", 8), Some(Some((1, 3))));
        assert_eq!(parse_range("bytes=5-", 8), Some(Some((5, 3))));
        assert_eq!(parse_range("bytes=5-100", 8), Some(Some((5, 3))));
        assert_eq!(parse_range("bytes=-2", 8), Some(Some((6, 2))));
        assert_eq!(parse_range("bytes=-20", 8), Some(Some((0, 8))));
        assert_eq!(parse_range("bytes=8-", 8), Some(None));
        assert_eq!(parse_range("bytes=-0", 8), Some(None));
        assert_eq!(parse_range("bytes=0-", 0), Some(None));
        assert_eq!(parse_range("bytes=3-1", 8), None);
        assert_eq!(parse_range("bytes=0-1,3-4", 8), None);
        assert_eq!(parse_range("bytes=x-1", 8), None);
        assert_eq!(parse_range("bytes=+1-2", 8), None);
        assert_eq!(parse_range("items=0-1", 8), None);
        assert_eq!(parse_range("bytes=-", 8), None);
    }

    #[test]
    fn conditions() {
        let modified = UNIX_EPOCH + Duration::from_millis(1_000_000_000_500);
        let stamp = last_modified(modified);
        let earlier = last_modified(UNIX_EPOCH + Duration::from_secs(999_999_000));
        let with = |edit: &dyn Fn(&mut Conditions)| {
            let mut conditions = Conditions::default();
            edit(&mut conditions);
            select(&conditions, 8, Some(modified), true)
        };
        assert_eq!(with(&|_| {}), Selection::Full);
        assert_eq!(with(&|c| c.if_modified_since = Some(stamp.clone())), Selection::NotModified);
        assert_eq!(with(&|c| c.if_modified_since = Some(earlier.clone())), Selection::Full);
        assert_eq!(
            with(&|c| {
                c.if_modified_since = Some(stamp.clone());
                c.if_none_match = true;
            }),
            Selection::Full
        );
        assert_eq!(with(&|c| c.if_unmodified_since = Some(earlier.clone())), Selection::PreconditionFailed);
        assert_eq!(with(&|c| c.range = Some("bytes=2-".to_owned())), Selection::Part { start: 2, len: 6 });
        assert_eq!(
            with(&|c| {
                c.range = Some("bytes=2-".to_owned());
                c.if_range = Some(earlier.clone());
            }),
            Selection::Full
        );
        assert_eq!(
            with(&|c| {
                c.range = Some("bytes=2-".to_owned());
                c.if_range = Some(stamp.clone());
            }),
            Selection::Part { start: 2, len: 6 }
        );
        assert_eq!(with(&|c| c.range = Some("bytes=9-".to_owned())), Selection::Unsatisfiable);
        let conditions = Conditions { range: Some("bytes=2-".to_owned()), ..Conditions::default() };
        assert_eq!(select(&conditions, 8, None, false), Selection::Full);
    }
}
