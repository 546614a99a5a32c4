//! Saving a world to bytes and loading it back: the `.qsand` file format
//! (docs/SAVE_FORMAT.md; the page's saves.js reads the header too).
//!
//! A load checks everything before it changes anything, so a bad or
//! foreign file leaves the world exactly as it was.

use super::dirty::Rect;
use super::hash::WordHasher;
use super::temperature::{clamp_temperature, AMBIENT};
use super::world::World;

/// "QSND": the first four bytes of every save.
pub(crate) const SNAPSHOT_MAGIC: [u8; 4] = *b"QSND";
/// The format version this build writes. It reads this one and
/// [`SNAPSHOT_VERSION_WITHOUT_TEMPERATURE`].
pub const SNAPSHOT_VERSION: u16 = 2;
/// Version 1: no temperature plane; its cells load at ambient temperature.
pub const SNAPSHOT_VERSION_WITHOUT_TEMPERATURE: u16 = 1;
/// Bytes per cell of the temperature plane (a little-endian `i16`).
pub(crate) const TEMPERATURE_BYTES: usize = 2;
/// Bytes per cell in a version-1 save: a material byte and a state byte.
pub(crate) const CELL_BYTES_WITHOUT_TEMPERATURE: usize = 2;
/// Bytes per cell in a save this build writes: the two, and the temperature.
pub(crate) const CELL_BYTES: usize = CELL_BYTES_WITHOUT_TEMPERATURE + TEMPERATURE_BYTES;
/// Bytes before the material plane.
pub const SNAPSHOT_HEADER_BYTES: usize = 32;
/// Bytes of one chunk's saved dirty rectangle: x0, y0, x1, y1 as i32.
pub(crate) const RECT_BYTES: usize = 16;
/// The trailing checksum.
pub(crate) const CHECKSUM_BYTES: usize = 8;

/// Where each header field starts (docs/SAVE_FORMAT.md; abi.js `SAVE_OFFSET`).
pub(crate) mod offset {
    pub(crate) const MAGIC: usize = 0;
    pub(crate) const VERSION: usize = 4;
    pub(crate) const FLAGS: usize = 6;
    pub(crate) const WIDTH: usize = 8;
    pub(crate) const HEIGHT: usize = 12;
    pub(crate) const SEED: usize = 16;
    pub(crate) const STEP: usize = 24;
}

/// Why a load was refused. `abi::code` gives each its export code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SnapshotError {
    /// Not a quicksand save at all (magic), or cut short.
    NotASave,
    /// A quicksand save from a format version this build cannot read.
    UnsupportedVersion,
    /// Saved from a world of another width or height.
    SizeMismatch,
    /// The bytes were changed after saving (checksum).
    Corrupt,
    /// The output buffer is too small.
    BufferTooSmall,
}

fn checksum(bytes: &[u8]) -> u64 {
    let mut hasher = WordHasher::new();
    hasher.write_bytes(bytes);
    hasher.finish()
}

fn read_u32(bytes: &[u8], at: usize) -> u32 {
    let mut word = [0; 4];
    word.copy_from_slice(&bytes[at..at + 4]);
    u32::from_le_bytes(word)
}

fn read_u64(bytes: &[u8], at: usize) -> u64 {
    let mut word = [0; 8];
    word.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(word)
}

impl World {
    /// Bytes a snapshot of this world takes.
    pub(crate) fn snapshot_len(&self) -> usize {
        self.snapshot_len_of(SNAPSHOT_VERSION)
    }

    /// Bytes a snapshot of this world takes in format `version` (1 or 2).
    fn snapshot_len_of(&self, version: u16) -> usize {
        let cells = self.width as usize * self.height as usize;
        let per_cell =
            if version == SNAPSHOT_VERSION_WITHOUT_TEMPERATURE { CELL_BYTES_WITHOUT_TEMPERATURE } else { CELL_BYTES };
        SNAPSHOT_HEADER_BYTES + per_cell * cells + self.chunk_count * RECT_BYTES + CHECKSUM_BYTES
    }

    /// Writes a snapshot into `out` and returns its length. Exclusive with
    /// stepping: call it between steps.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code, reason = "only the wasm exports call it"))]
    pub(crate) fn write_snapshot(&self, out: &mut [u8]) -> Result<usize, SnapshotError> {
        let len = self.snapshot_len();
        let out = out.get_mut(..len).ok_or(SnapshotError::BufferTooSmall)?;
        let _exclusive = self.exclusive.lock();
        out[offset::MAGIC..offset::MAGIC + 4].copy_from_slice(&SNAPSHOT_MAGIC);
        out[offset::VERSION..offset::VERSION + 2].copy_from_slice(&SNAPSHOT_VERSION.to_le_bytes());
        out[offset::FLAGS..offset::FLAGS + 2].copy_from_slice(&0u16.to_le_bytes());
        out[offset::WIDTH..offset::WIDTH + 4].copy_from_slice(&self.width.to_le_bytes());
        out[offset::HEIGHT..offset::HEIGHT + 4].copy_from_slice(&self.height.to_le_bytes());
        out[offset::SEED..offset::SEED + 8].copy_from_slice(&self.seed().to_le_bytes());
        out[offset::STEP..offset::STEP + 8].copy_from_slice(&self.step_count().to_le_bytes());

        let cells = self.width as usize * self.height as usize;
        let (materials, rest) = out[SNAPSHOT_HEADER_BYTES..].split_at_mut(cells);
        let (states, rest) = rest.split_at_mut(cells);
        let (temperatures, rest) = rest.split_at_mut(TEMPERATURE_BYTES * cells);
        let mut at = 0;
        for y in 0..self.height as i32 {
            for x in 0..self.width as i32 {
                // SAFETY: the lock is held and (x, y) is inside the world.
                let ((material, state), temperature) = unsafe { (self.read_raw(x, y), self.read_temperature(x, y)) };
                materials[at] = material;
                states[at] = state;
                temperatures[TEMPERATURE_BYTES * at..TEMPERATURE_BYTES * (at + 1)]
                    .copy_from_slice(&temperature.to_le_bytes());
                at += 1;
            }
        }
        // Between steps, `next` is what the following step looks at; saving
        // it makes a loaded world continue exactly as the saved one would.
        let (rects, _checksum) = rest.split_at_mut(self.chunk_count * RECT_BYTES);
        for (index, bytes) in rects.chunks_exact_mut(RECT_BYTES).enumerate() {
            let rect = self.chunk(index).next.load();
            for (field, value) in [rect.x0, rect.y0, rect.x1, rect.y1].into_iter().enumerate() {
                bytes[field * 4..field * 4 + 4].copy_from_slice(&value.to_le_bytes());
            }
        }
        let body = len - CHECKSUM_BYTES;
        let sum = checksum(&out[..body]);
        out[body..].copy_from_slice(&sum.to_le_bytes());
        Ok(len)
    }

    /// Replaces this world's cells, seed, step count and dirty state with a
    /// snapshot's. The world is unchanged if the bytes are refused.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code, reason = "only the wasm exports call it"))]
    pub(crate) fn read_snapshot(&self, bytes: &[u8]) -> Result<(), SnapshotError> {
        if bytes.len() < SNAPSHOT_HEADER_BYTES || bytes[offset::MAGIC..offset::MAGIC + 4] != SNAPSHOT_MAGIC {
            return Err(SnapshotError::NotASave);
        }
        let version = u16::from_le_bytes([bytes[offset::VERSION], bytes[offset::VERSION + 1]]);
        let flags = u16::from_le_bytes([bytes[offset::FLAGS], bytes[offset::FLAGS + 1]]);
        let known = version == SNAPSHOT_VERSION || version == SNAPSHOT_VERSION_WITHOUT_TEMPERATURE;
        if !known || flags != 0 {
            return Err(SnapshotError::UnsupportedVersion);
        }
        if read_u32(bytes, offset::WIDTH) != self.width || read_u32(bytes, offset::HEIGHT) != self.height {
            return Err(SnapshotError::SizeMismatch);
        }
        let len = self.snapshot_len_of(version);
        if bytes.len() != len {
            return Err(SnapshotError::NotASave);
        }
        let body = len - CHECKSUM_BYTES;
        if read_u64(bytes, body) != checksum(&bytes[..body]) {
            return Err(SnapshotError::Corrupt);
        }

        let _exclusive = self.exclusive.lock();
        let cells = self.width as usize * self.height as usize;
        let materials = &bytes[SNAPSHOT_HEADER_BYTES..SNAPSHOT_HEADER_BYTES + cells];
        let states = &bytes[SNAPSHOT_HEADER_BYTES + cells..SNAPSHOT_HEADER_BYTES + 2 * cells];
        let temperatures_start = SNAPSHOT_HEADER_BYTES + 2 * cells;
        let temperatures_len = len - CHECKSUM_BYTES - self.chunk_count * RECT_BYTES - temperatures_start;
        let temperatures = &bytes[temperatures_start..temperatures_start + temperatures_len];
        let mut at = 0;
        for y in 0..self.height as i32 {
            for x in 0..self.width as i32 {
                // A version 1 save has no temperatures: its cells are at
                // ambient. Saved values outside the range are clamped, so a
                // forged file cannot hold a temperature no step could make.
                let temperature = match temperatures.get(TEMPERATURE_BYTES * at..TEMPERATURE_BYTES * (at + 1)) {
                    Some(pair) => clamp_temperature(i32::from(i16::from_le_bytes([pair[0], pair[1]]))),
                    None => AMBIENT,
                };
                // SAFETY: the lock is held and (x, y) is inside the world.
                // Unknown material bytes are kept: the rules treat them as
                // wall (`UNKNOWN_BYTE_FALLBACK`), so they are harmless.
                unsafe {
                    self.write_raw(x, y, materials[at], states[at]);
                    self.write_temperature(x, y, temperature);
                }
                at += 1;
            }
        }
        let rects = &bytes[temperatures_start + temperatures_len..body];
        for (index, saved) in rects.chunks_exact(RECT_BYTES).enumerate() {
            let field = |i: usize| read_u32(saved, i * 4) as i32;
            let saved = Rect { x0: field(0), y0: field(1), x1: field(2), y1: field(3) };
            let chunk = self.chunk(index);
            // A rectangle outside its chunk could only come from a forged
            // file; clipping keeps every later update inside the chunk.
            let cx = (index % self.chunks_x as usize) as u32;
            let cy = (index / self.chunks_x as usize) as u32;
            chunk.next.store(&saved.intersect(&self.chunk_rect(cx, cy)));
            chunk.current.clear();
            chunk.mark_stale();
        }
        self.seed.store(read_u64(bytes, offset::SEED), core::sync::atomic::Ordering::Relaxed);
        self.step.store(read_u64(bytes, offset::STEP), core::sync::atomic::Ordering::Release);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sand::{Material, Scene};

    fn world(region: &mut Vec<u8>, width: u32, height: u32, seed: u64) -> &World {
        region.resize(World::bytes_needed(width, height).unwrap(), 0);
        World::create_in(region, width, height, seed).unwrap()
    }

    #[test]
    fn a_loaded_world_has_the_same_hash_and_continues_identically() {
        let mut a_region = Vec::new();
        let original = world(&mut a_region, 150, 90, 7);
        original.load_scene(Scene::Mixed);
        original.enqueue_paint(10, 10, 140, 20, 4, u32::from(Material::Fire.id())).unwrap();
        for _ in 0..40 {
            original.step();
        }
        let mut saved = vec![0; original.snapshot_len()];
        assert_eq!(original.write_snapshot(&mut saved), Ok(saved.len()));

        let mut b_region = Vec::new();
        let restored = world(&mut b_region, 150, 90, 99);
        restored.read_snapshot(&saved).unwrap();
        assert_eq!(restored.hash(), original.hash());
        assert_eq!(restored.seed(), 7);
        for _ in 0..60 {
            original.step();
            restored.step();
        }
        assert_eq!(restored.hash(), original.hash(), "continuations diverged");
    }

    #[test]
    fn bad_files_are_refused_and_leave_the_world_untouched() {
        let mut region = Vec::new();
        let source = world(&mut region, 70, 40, 3);
        source.load_scene(Scene::Mixed);
        let mut saved = vec![0; source.snapshot_len()];
        source.write_snapshot(&mut saved).unwrap();

        let mut target_region = Vec::new();
        let target = world(&mut target_region, 70, 40, 5);
        target.load_scene(Scene::Active);
        let before = target.hash();

        let mut flipped = saved.clone();
        flipped[SNAPSHOT_HEADER_BYTES + 100] ^= 1;
        let mut wrong_version = saved.clone();
        wrong_version[offset::VERSION] = 9;
        let mut wrong_magic = saved.clone();
        wrong_magic[0] = b'X';
        let mut other_size_region = Vec::new();
        let other = world(&mut other_size_region, 71, 40, 3);
        let mut other_size = vec![0; other.snapshot_len()];
        other.write_snapshot(&mut other_size).unwrap();

        let cases: [(&[u8], SnapshotError); 7] = [
            (&flipped, SnapshotError::Corrupt),
            (&wrong_version, SnapshotError::UnsupportedVersion),
            (&wrong_magic, SnapshotError::NotASave),
            (&saved[..saved.len() - 1], SnapshotError::NotASave),
            (&saved[..10], SnapshotError::NotASave),
            (b"", SnapshotError::NotASave),
            (&other_size, SnapshotError::SizeMismatch),
        ];
        for (bytes, expected) in cases {
            assert_eq!(target.read_snapshot(bytes), Err(expected));
            assert_eq!(target.hash(), before, "a refused load changed the world ({expected:?})");
        }
        let mut short = vec![0; 10];
        assert_eq!(source.write_snapshot(&mut short), Err(SnapshotError::BufferTooSmall));
    }
}
