//! Deterministic randomness: every random number is a hash of
//! (seed, step, x, y), never of thread or processing order.
//!
//! Integer-only, so native and wasm builds agree bit for bit.

/// A well-mixing bijection on `u32` (the "lowbias32" finaliser by
/// Chris Wellons): every input bit affects every output bit.
#[inline(always)]
pub(super) const fn mix32(mut x: u32) -> u32 {
    x ^= x >> 16;
    x = x.wrapping_mul(0x7feb_352d);
    x ^= x >> 15;
    x = x.wrapping_mul(0x846c_a68b);
    x ^= x >> 16;
    x
}

/// Randomness streams: the same cell asks different questions in different
/// places, and these keep the answers independent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub(super) enum Stream {
    /// Cell rules during a step.
    Rules = 0x5155_4943,
    /// Shade and counters of painted cells.
    Paint = 0x5041_494e,
    /// Shade and counters of cells placed by scenes.
    Scene = 0x5343_454e,
    /// Shuffles in tests.
    #[cfg(test)]
    Test = 0x5445_5354,
}

/// The random source of one step: hash(seed, step, stream) folded into one
/// key, then hashed with a cell position on demand.
#[derive(Clone, Copy, Debug)]
pub(super) struct StepRng {
    key: u32,
}

impl StepRng {
    /// The source for `stream` at `step` in a world created with `seed`.
    #[inline]
    pub(super) const fn new(seed: u64, step: u64, stream: Stream) -> StepRng {
        let seed_key = mix32(mix32(seed as u32) ^ (seed >> 32) as u32);
        let step_key = mix32(mix32(step as u32 ^ seed_key) ^ (step >> 32) as u32);
        StepRng { key: mix32(step_key ^ stream as u32) }
    }

    /// A random word for the cell at world position (x, y).
    ///
    /// Positions are below 2^16 in each axis, so `x | y << 16` is a distinct
    /// input per cell and the bijective mix keeps the outputs distinct too.
    #[inline(always)]
    pub(super) const fn at(&self, x: u32, y: u32) -> u32 {
        mix32(self.key ^ (x | (y << 16)))
    }
}

/// Picks independent small values out of one random word, lowest bits first.
///
/// One hash per cell is enough for most rules; a rule that needs more bits
/// than a word holds mixes the word again.
#[derive(Clone, Copy, Debug)]
pub(super) struct RandomBits {
    word: u32,
    used: u32,
}

impl RandomBits {
    const WORD_BITS: u32 = u32::BITS;

    /// Bits from `word`.
    #[inline(always)]
    pub(super) const fn new(word: u32) -> RandomBits {
        RandomBits { word, used: 0 }
    }

    /// The next `count` (1..=16) bits as a number.
    #[inline(always)]
    pub(super) fn take(&mut self, count: u32) -> u32 {
        if self.used + count > Self::WORD_BITS {
            self.word = mix32(self.word);
            self.used = 0;
        }
        let value = (self.word >> self.used) & ((1 << count) - 1);
        self.used += count;
        value
    }

    /// A fair coin.
    #[inline(always)]
    pub(super) fn coin(&mut self) -> bool {
        self.take(1) == 1
    }

    /// -1 or +1 with equal odds.
    #[inline(always)]
    pub(super) fn sign(&mut self) -> i32 {
        if self.coin() {
            1
        } else {
            -1
        }
    }

    /// Whether an event with this chance happens.
    #[inline(always)]
    pub(super) fn roll(&mut self, chance: Chance) -> bool {
        chance.hits(self.take(Chance::BITS) as u8)
    }
}

/// A probability in 256ths, so a roll is one byte comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Chance(u16);

impl Chance {
    /// Random bits one roll consumes.
    pub(super) const BITS: u32 = 8;
    /// The denominator.
    pub(super) const SCALE: u16 = 1 << Chance::BITS;
    /// Never happens.
    pub(super) const NEVER: Chance = Chance(0);
    /// Always happens.
    pub(super) const ALWAYS: Chance = Chance(Chance::SCALE);

    /// `numerator / 256`; numerators above 256 mean always.
    pub(super) const fn in_256(numerator: u16) -> Chance {
        if numerator > Chance::SCALE {
            Chance::ALWAYS
        } else {
            Chance(numerator)
        }
    }

    /// Whether the event happens for the random byte `roll`.
    #[inline(always)]
    pub(super) const fn hits(self, roll: u8) -> bool {
        (roll as u16) < self.0
    }

    /// Whether this can ever happen.
    pub(super) const fn is_possible(self) -> bool {
        self.0 > 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neighbouring_cells_and_steps_get_different_words() {
        let a = StepRng::new(1, 0, Stream::Rules);
        let b = StepRng::new(1, 1, Stream::Rules);
        let c = StepRng::new(2, 0, Stream::Rules);
        assert_ne!(a.at(0, 0), a.at(1, 0));
        assert_ne!(a.at(0, 0), a.at(0, 1));
        assert_ne!(a.at(5, 5), b.at(5, 5));
        assert_ne!(a.at(5, 5), c.at(5, 5));
    }

    #[test]
    fn bits_are_roughly_fair() {
        let rng = StepRng::new(7, 3, Stream::Test);
        let ones: u32 = (0..4096).map(|x| rng.at(x, 9) & 1).sum();
        assert!((1800..2300).contains(&ones), "{ones}");
    }

    #[test]
    fn chance_extremes() {
        for roll in 0..=u8::MAX {
            assert!(Chance::ALWAYS.hits(roll));
            assert!(!Chance::NEVER.hits(roll));
        }
        assert!(Chance::in_256(1).hits(0));
        assert!(!Chance::in_256(1).hits(1));
    }
}
