//! A deterministic hash of the world state (size, step count, material and
//! state planes), for determinism tests and for comparing native and wasm
//! runs. Word-wise: eight bytes per multiply.

use super::world::World;

/// Multiplier (a large odd constant with well-spread bits, from FxHash).
const WORD_MULTIPLIER: u64 = 0x517c_c1b7_2722_0a95;
/// Rotation that carries high bits down before each multiply.
const WORD_ROTATION: u32 = 5;
/// Start value (the FNV-1a 64 offset basis).
const START: u64 = 0xcbf2_9ce4_8422_2325;

/// Hashes a stream of words and byte strings.
#[derive(Clone, Copy, Debug)]
pub struct WordHasher {
    state: u64,
}

impl WordHasher {
    /// A fresh hasher.
    pub const fn new() -> WordHasher {
        WordHasher { state: START }
    }

    /// Adds one word.
    #[inline(always)]
    pub fn write_u64(&mut self, word: u64) {
        self.state = (self.state.rotate_left(WORD_ROTATION) ^ word).wrapping_mul(WORD_MULTIPLIER);
    }

    /// Feeds temperatures, four to a word (little-endian `i16`s, so the
    /// hash is the same on every platform), then the tail and the count.
    pub fn write_temperatures(&mut self, temperatures: &[i16]) {
        let mut words = temperatures.chunks_exact(4);
        let pack = |values: &[i16]| {
            values.iter().enumerate().fold(0u64, |word, (i, &value)| word | (u64::from(value as u16) << (16 * i)))
        };
        for word in &mut words {
            self.write_u64(pack(word));
        }
        self.write_u64(pack(words.remainder()));
        self.write_u64(temperatures.len() as u64);
    }

    /// Adds bytes, eight at a time (little-endian), then the tail and the
    /// length.
    pub fn write_bytes(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            let mut buffer = [0u8; 8];
            buffer.copy_from_slice(word);
            self.write_u64(u64::from_le_bytes(buffer));
        }
        let mut tail = [0u8; 8];
        tail[..words.remainder().len()].copy_from_slice(words.remainder());
        self.write_u64(u64::from_le_bytes(tail));
        self.write_u64(bytes.len() as u64);
    }

    /// The hash, with a final avalanche so every input bit reaches every
    /// output bit (the MurmurHash3 64-bit finaliser).
    pub fn finish(&self) -> u64 {
        let mut h = self.state;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^= h >> 33;
        h
    }
}

impl Default for WordHasher {
    fn default() -> Self {
        WordHasher::new()
    }
}

impl World {
    /// A hash of the world state: width, height, step count, and every world
    /// cell's material and state bytes (the border is not included).
    pub fn hash(&self) -> u64 {
        let _exclusive = self.exclusive.lock();
        let mut hasher = WordHasher::new();
        hasher.write_u64(self.width as u64);
        hasher.write_u64(self.height as u64);
        hasher.write_u64(self.step_count());
        for y in 0..self.height as i32 {
            // SAFETY: the lock is held and `y` is a world row.
            let (materials, _) = unsafe { self.rows(y) };
            hasher.write_bytes(materials);
        }
        for y in 0..self.height as i32 {
            // SAFETY: as above.
            let (_, states) = unsafe { self.rows(y) };
            hasher.write_bytes(states);
        }
        for y in 0..self.height as i32 {
            // SAFETY: as above.
            let temperatures = unsafe { self.temperature_row(y) };
            hasher.write_temperatures(temperatures);
        }
        hasher.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_byte_changes_the_hash() {
        let mut bytes = [0u8; 37];
        let mut base = WordHasher::new();
        base.write_bytes(&bytes);
        for i in 0..bytes.len() {
            bytes[i] = 1;
            let mut changed = WordHasher::new();
            changed.write_bytes(&bytes);
            assert_ne!(changed.finish(), base.finish(), "byte {i}");
            bytes[i] = 0;
        }
    }
}
