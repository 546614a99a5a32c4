//! The body's field encodings (docs/REPLAY_FORMAT.md, "Body"): bytes,
//! unsigned LEB128 varints of at most 10 bytes, and zigzag signed values.
//! The reader never reads past its slice: every field that does not fit
//! is an error naming the field and the body offset.

use super::error::ReplayError;

/// Longest varint: 10 × 7 bits covers a `u64`.
const MAX_VARINT_BYTES: usize = 10;
/// The 10th byte may only carry bit 63.
const LAST_BYTE_MAX: u8 = 1;
const CONTINUE: u8 = 0x80;
const PAYLOAD: u8 = 0x7f;

/// A zigzag code: small magnitudes of either sign give small varints.
pub fn zigzag_encode(value: i64) -> u64 {
    ((value << 1) ^ (value >> 63)) as u64
}

/// The inverse of [`zigzag_encode`].
pub fn zigzag_decode(code: u64) -> i64 {
    ((code >> 1) as i64) ^ -((code & 1) as i64)
}

/// Appends fields to a body.
#[derive(Debug, Default)]
pub struct BodyWriter {
    bytes: Vec<u8>,
}

impl BodyWriter {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn u8(&mut self, value: u8) {
        self.bytes.push(value);
    }

    pub fn varint(&mut self, mut value: u64) {
        while value >= u64::from(CONTINUE) {
            self.bytes.push((value as u8 & PAYLOAD) | CONTINUE);
            value >>= 7;
        }
        self.bytes.push(value as u8);
    }

    pub fn zigzag(&mut self, value: i64) {
        self.varint(zigzag_encode(value));
    }

    pub fn bytes(&mut self, bytes: &[u8]) {
        self.bytes.extend_from_slice(bytes);
    }

    pub fn finish(self) -> Vec<u8> {
        self.bytes
    }
}

/// Reads fields from a body, front to back.
#[derive(Debug)]
pub struct BodyReader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> BodyReader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        BodyReader { bytes, at: 0 }
    }

    /// The offset of the next field.
    pub fn offset(&self) -> usize {
        self.at
    }

    /// Bytes not read yet.
    pub fn remaining(&self) -> usize {
        self.bytes.len() - self.at
    }

    /// An error at the current offset.
    pub fn error(&self, reason: impl Into<String>) -> ReplayError {
        ReplayError::Body { at: self.at, reason: reason.into() }
    }

    fn ends_in(&self, what: &str) -> ReplayError {
        self.error(format!("the body ends in the middle of {what}"))
    }

    pub fn u8(&mut self, what: &str) -> Result<u8, ReplayError> {
        let byte = *self.bytes.get(self.at).ok_or_else(|| self.ends_in(what))?;
        self.at += 1;
        Ok(byte)
    }

    pub fn varint(&mut self, what: &str) -> Result<u64, ReplayError> {
        let start = self.at;
        let mut value = 0u64;
        for index in 0..MAX_VARINT_BYTES {
            let byte = self.u8(what)?;
            if index == MAX_VARINT_BYTES - 1 && byte > LAST_BYTE_MAX {
                self.at = start;
                return Err(self.error(format!("{what} does not fit 64 bits")));
            }
            value |= u64::from(byte & PAYLOAD) << (7 * index);
            if byte & CONTINUE == 0 {
                return Ok(value);
            }
        }
        // Unreachable in practice: the 10th byte either ended the varint
        // or was refused above. Kept as an error, never a panic.
        self.at = start;
        Err(self.error(format!("{what} is longer than {MAX_VARINT_BYTES} bytes")))
    }

    /// A varint that must fit 32 bits.
    pub fn varint_u32(&mut self, what: &str) -> Result<u32, ReplayError> {
        let start = self.at;
        let value = self.varint(what)?;
        u32::try_from(value).map_err(|_| {
            self.at = start;
            self.error(format!("{what} is {value}, which does not fit 32 bits"))
        })
    }

    pub fn zigzag(&mut self, what: &str) -> Result<i64, ReplayError> {
        self.varint(what).map(zigzag_decode)
    }

    /// A zigzag value that must fit a signed 32-bit word.
    pub fn zigzag_i32(&mut self, what: &str) -> Result<i32, ReplayError> {
        let start = self.at;
        let value = self.zigzag(what)?;
        i32::try_from(value).map_err(|_| {
            self.at = start;
            self.error(format!("{what} is {value}, which does not fit 32 bits"))
        })
    }

    pub fn bytes(&mut self, len: u64, what: &str) -> Result<&'a [u8], ReplayError> {
        let left = self.remaining();
        let len = usize::try_from(len)
            .ok()
            .filter(|&len| len <= left)
            .ok_or_else(|| self.error(format!("{what} is {len} bytes, but only {left} are left in the body")))?;
        let bytes = &self.bytes[self.at..self.at + len];
        self.at += len;
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip_at_every_width() {
        let mut values = vec![0, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX, u64::MAX - 1, 1 << 63];
        values.extend((0..64).map(|bit| 1u64 << bit));
        for value in values {
            let mut writer = BodyWriter::new();
            writer.varint(value);
            let bytes = writer.finish();
            assert!(bytes.len() <= MAX_VARINT_BYTES);
            let mut reader = BodyReader::new(&bytes);
            assert_eq!(reader.varint("v"), Ok(value));
            assert_eq!(reader.remaining(), 0);
        }
    }

    #[test]
    fn zigzag_round_trips_and_keeps_small_values_small() {
        for value in [0i64, 1, -1, 2, -2, i64::MAX, i64::MIN, i64::from(i32::MIN), i64::from(i32::MAX)] {
            assert_eq!(zigzag_decode(zigzag_encode(value)), value);
        }
        assert_eq!(zigzag_encode(-1), 1);
        assert_eq!(zigzag_encode(1), 2);
    }

    #[test]
    fn overlong_and_overflowing_varints_are_refused() {
        // Eleven continuation bytes: longer than 10.
        let mut reader = BodyReader::new(&[0xff; 11]);
        assert!(reader.varint("v").is_err());
        // A 10th byte of 2 would be bit 64.
        let mut bytes = vec![0x80; 9];
        bytes.push(2);
        assert!(BodyReader::new(&bytes).varint("v").is_err());
        // Truncated in the middle.
        assert!(BodyReader::new(&[0x80, 0x80]).varint("v").is_err());
        // Does not fit 32 bits.
        let mut writer = BodyWriter::new();
        writer.varint(1 << 32);
        assert!(BodyReader::new(&writer.finish()).varint_u32("v").is_err());
    }

    #[test]
    fn bytes_cannot_run_past_the_end() {
        let mut reader = BodyReader::new(&[1, 2, 3]);
        assert!(reader.bytes(4, "b").is_err());
        assert!(reader.bytes(u64::MAX, "b").is_err());
        assert_eq!(reader.bytes(3, "b"), Ok(&[1u8, 2, 3][..]));
    }
}
