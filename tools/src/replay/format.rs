//! The file around the body (docs/REPLAY_FORMAT.md, "File"): the 44-byte
//! header, the CRC-32 of everything after the checksum field, and the body
//! as raw deflate (RFC 1951, what `CompressionStream('deflate-raw')` makes).
//!
//! Reading checks, in this order: length, magic, version and flags,
//! checksum, the body length limit, then inflates no further than the
//! header's length plus one byte (enough to see a longer body), so a forged
//! length or a deflate bomb costs at most `REPLAY_MAX_BODY_BYTES`.

use miniz_oxide::deflate::compress_to_vec;
use miniz_oxide::inflate::stream::{inflate, InflateState};
use miniz_oxide::{DataFormat, MZError, MZFlush, MZStatus};
use quicksand_sim::sand::{
    REPLAY_BODY_LENGTH_OFFSET, REPLAY_CHECKED_FROM, REPLAY_CHECKSUM_OFFSET, REPLAY_FINAL_HASH_OFFSET,
    REPLAY_FINAL_STEP_OFFSET, REPLAY_FLAGS_OFFSET, REPLAY_MAX_BODY_BYTES, REPLAY_RULES_ID_OFFSET,
    REPLAY_VERSION_OFFSET,
};

use super::error::ReplayError;
use super::{HEADER_BYTES, MAGIC_TEXT, VERSION};

/// miniz_oxide's best ratio; the body is small and written once.
const COMPRESSION_LEVEL: u8 = 9;
/// Bytes inflated per call while reading.
const INFLATE_CHUNK: usize = 64 << 10;

/// The header's numbers other than magic, version, flags and checksum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub rules_id: u64,
    pub final_hash: u64,
    pub final_step: u64,
    pub body_length: u32,
}

fn at(offset: u32) -> usize {
    offset as usize
}

fn read_array<const N: usize>(bytes: &[u8], offset: u32) -> [u8; N] {
    let mut out = [0u8; N];
    // Callers checked `bytes.len() >= HEADER_BYTES`, and every offset + N
    // lies inside the header; `get` keeps even a wrong offset from panicking.
    if let Some(slice) = bytes.get(at(offset)..at(offset) + N) {
        out.copy_from_slice(slice);
    }
    out
}

/// The whole file for `header` and the inflated `body`.
pub fn write_file(header: &Header, body: &[u8]) -> Result<Vec<u8>, ReplayError> {
    if body.len() > REPLAY_MAX_BODY_BYTES as usize || body.len() != header.body_length as usize {
        return Err(ReplayError::Unencodable {
            reason: format!("a body of {} bytes (the limit is {REPLAY_MAX_BODY_BYTES})", body.len()),
        });
    }
    let compressed = compress_to_vec(body, COMPRESSION_LEVEL);
    let mut file = vec![0u8; HEADER_BYTES];
    file[..MAGIC_TEXT.len()].copy_from_slice(MAGIC_TEXT.as_bytes());
    let mut put = |offset: u32, bytes: &[u8]| file[at(offset)..at(offset) + bytes.len()].copy_from_slice(bytes);
    put(REPLAY_VERSION_OFFSET, &VERSION.to_le_bytes());
    put(REPLAY_FLAGS_OFFSET, &0u16.to_le_bytes());
    put(REPLAY_RULES_ID_OFFSET, &header.rules_id.to_le_bytes());
    put(REPLAY_FINAL_HASH_OFFSET, &header.final_hash.to_le_bytes());
    put(REPLAY_FINAL_STEP_OFFSET, &header.final_step.to_le_bytes());
    put(REPLAY_BODY_LENGTH_OFFSET, &header.body_length.to_le_bytes());
    file.extend_from_slice(&compressed);
    fix_checksum(&mut file);
    Ok(file)
}

/// The CRC-32 the checksum field must hold for `file`.
pub fn checksum_of(file: &[u8]) -> u32 {
    crc32fast::hash(file.get(at(REPLAY_CHECKED_FROM)..).unwrap_or(&[]))
}

/// Rewrites the checksum field to match the rest of `file` (tests forge
/// files with it; the writer uses it last). Does nothing to a file
/// shorter than the header.
pub fn fix_checksum(file: &mut [u8]) {
    if file.len() < HEADER_BYTES {
        return;
    }
    let sum = checksum_of(file);
    file[at(REPLAY_CHECKSUM_OFFSET)..at(REPLAY_CHECKSUM_OFFSET) + 4].copy_from_slice(&sum.to_le_bytes());
}

/// Checks the header and inflates the body.
pub fn read_file(file: &[u8]) -> Result<(Header, Vec<u8>), ReplayError> {
    if file.len() < HEADER_BYTES {
        // A prefix of a replay is truncated; anything else is foreign.
        let prefix = file.len().min(MAGIC_TEXT.len());
        if file[..prefix] != MAGIC_TEXT.as_bytes()[..prefix] {
            return Err(ReplayError::NotAReplay);
        }
        return Err(ReplayError::Short { len: file.len() });
    }
    if &file[..MAGIC_TEXT.len()] != MAGIC_TEXT.as_bytes() {
        return Err(ReplayError::NotAReplay);
    }
    let version = u16::from_le_bytes(read_array(file, REPLAY_VERSION_OFFSET));
    let flags = u16::from_le_bytes(read_array(file, REPLAY_FLAGS_OFFSET));
    if version != VERSION || flags != 0 {
        return Err(ReplayError::UnsupportedVersion { version, flags });
    }
    let stored = u32::from_le_bytes(read_array(file, REPLAY_CHECKSUM_OFFSET));
    let computed = checksum_of(file);
    if stored != computed {
        return Err(ReplayError::Checksum { stored, computed });
    }
    let header = Header {
        rules_id: u64::from_le_bytes(read_array(file, REPLAY_RULES_ID_OFFSET)),
        final_hash: u64::from_le_bytes(read_array(file, REPLAY_FINAL_HASH_OFFSET)),
        final_step: u64::from_le_bytes(read_array(file, REPLAY_FINAL_STEP_OFFSET)),
        body_length: u32::from_le_bytes(read_array(file, REPLAY_BODY_LENGTH_OFFSET)),
    };
    if header.body_length > REPLAY_MAX_BODY_BYTES {
        return Err(ReplayError::BodyTooLong { length: u64::from(header.body_length), max: REPLAY_MAX_BODY_BYTES });
    }
    let body = inflate_body(&file[HEADER_BYTES..], header.body_length)?;
    Ok((header, body))
}

/// Inflates `compressed`, which must hold exactly one raw deflate stream
/// of exactly `length` bytes.
fn inflate_body(compressed: &[u8], length: u32) -> Result<Vec<u8>, ReplayError> {
    let too_long = || ReplayError::BodyLength { header: length, inflated: "more than that".to_owned() };
    // One byte more than the header allows shows a body that is too long.
    let limit = length as usize + 1;
    let mut state = InflateState::new_boxed(DataFormat::Raw);
    let mut body = Vec::new();
    let mut consumed = 0;
    loop {
        let room = (limit - body.len()).min(INFLATE_CHUNK);
        if room == 0 {
            return Err(too_long());
        }
        let filled = body.len();
        body.resize(filled + room, 0);
        let result = inflate(&mut state, &compressed[consumed..], &mut body[filled..], MZFlush::None);
        consumed += result.bytes_consumed;
        body.truncate(filled + result.bytes_written);
        let progressed = result.bytes_consumed != 0 || result.bytes_written != 0;
        match result.status {
            Ok(MZStatus::StreamEnd) => break,
            Err(error) if error != MZError::Buf => {
                return Err(ReplayError::Inflate { reason: "invalid deflate data" });
            }
            // Ok, or Buf: it needs more room or more input.
            _ => {
                if body.len() >= limit {
                    return Err(too_long());
                }
                if !progressed {
                    return Err(ReplayError::Inflate {
                        reason: if consumed >= compressed.len() {
                            "the compressed body ends before its last block"
                        } else {
                            "the deflate stream makes no progress"
                        },
                    });
                }
            }
        }
    }
    if body.len() > length as usize {
        return Err(too_long());
    }
    if body.len() != length as usize {
        return Err(ReplayError::BodyLength { header: length, inflated: body.len().to_string() });
    }
    if consumed != compressed.len() {
        return Err(ReplayError::TrailingCompressed { bytes: compressed.len() - consumed });
    }
    Ok(body)
}
