//! The fuzzers' one source of randomness. A run must replay from its seed
//! alone, so nothing here depends on time, the platform or a crate's
//! version.

/// SplitMix64 (Steele, Lea and Flood, 2014): a 64-bit state, full period,
/// and well mixed output; plenty for choosing arguments.
#[derive(Debug, Clone)]
pub struct FuzzRng {
    state: u64,
}

impl FuzzRng {
    pub fn new(seed: u64) -> Self {
        FuzzRng { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A generator for a sub-task (an epoch), independent of this one's
    /// later draws, so adding a draw in one epoch does not reshuffle the
    /// next.
    pub fn fork(&mut self) -> FuzzRng {
        FuzzRng::new(self.next_u64())
    }

    /// Uniform in `0..n`; `n` must be positive.
    pub fn below(&mut self, n: u64) -> u64 {
        debug_assert!(n > 0);
        // Multiply-shift: unbiased enough for test input, and branch-free.
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `low..=high`.
    pub fn range(&mut self, low: i64, high: i64) -> i64 {
        debug_assert!(low <= high);
        low + self.below((high - low) as u64 + 1) as i64
    }

    /// Uniform i32 in `low..=high`.
    pub fn range_i32(&mut self, low: i32, high: i32) -> i32 {
        self.range(i64::from(low), i64::from(high)) as i32
    }

    /// True with probability `percent` / 100.
    pub fn percent(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// Any i32, every bit pattern equally likely.
    pub fn any_i32(&mut self) -> i32 {
        self.next_u64() as i32
    }

    /// One of `items`, which must not be empty.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }

    /// An index chosen with probability proportional to `weights[i]`.
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
        let mut ticket = self.below(total.max(1));
        for (index, &weight) in weights.iter().enumerate() {
            if ticket < u64::from(weight) {
                return index;
            }
            ticket -= u64::from(weight);
        }
        weights.len() - 1
    }
}

/// A seed from the environment variable `name` (decimal or `0x` hex), or a
/// fresh one from the clock, which the caller prints so the run can be
/// replayed.
pub fn seed_from_env(name: &str) -> anyhow::Result<u64> {
    match std::env::var(name) {
        Ok(text) => parse_seed(&text).ok_or_else(|| anyhow::anyhow!("{name}={text:?} is not a number")),
        Err(_) => Ok(fresh_seed()),
    }
}

/// Parses a decimal or `0x`-prefixed hexadecimal seed.
pub fn parse_seed(text: &str) -> Option<u64> {
    let text = text.trim().replace('_', "");
    match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}

/// A seed that differs from run to run.
pub fn fresh_seed() -> u64 {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
    // Mix in the process id so two runs started in the same tick differ.
    FuzzRng::new(nanos ^ (u64::from(std::process::id()) << 32)).next_u64()
}

/// A count from the environment variable `name`, or `default`.
pub fn count_from_env(name: &str, default: u64) -> anyhow::Result<u64> {
    match std::env::var(name) {
        Ok(text) => parse_seed(&text).ok_or_else(|| anyhow::anyhow!("{name}={text:?} is not a number")),
        Err(_) => Ok(default),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_stream() {
        let (mut a, mut b) = (FuzzRng::new(7), FuzzRng::new(7));
        assert!((0..100).all(|_| a.next_u64() == b.next_u64()));
        assert_ne!(FuzzRng::new(7).next_u64(), FuzzRng::new(8).next_u64());
    }

    #[test]
    fn ranges_stay_inside_and_reach_both_ends() {
        let mut rng = FuzzRng::new(1);
        let draws: Vec<i64> = (0..1000).map(|_| rng.range(-2, 2)).collect();
        assert!(draws.iter().all(|d| (-2..=2).contains(d)));
        assert!(draws.contains(&-2) && draws.contains(&2));
        assert_eq!(parse_seed("0x10"), Some(16));
        assert_eq!(parse_seed("1_000"), Some(1000));
        assert_eq!(parse_seed("x"), None);
    }
}
