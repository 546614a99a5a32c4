//! Handles: the numbers exports hand out for threads, barriers, counters,
//! worlds and crews.
//!
//! A handle names its table slot, the kind of object and the slot's
//! generation, so a host that mixes two handles up, or keeps one after
//! `qs_world_free`, is refused with -1 instead of reaching another object:
//!
//! ```text
//!  bit 31   30..24   23..16       15..0
//!  [ 0 ] [  kind  ] [ generation ] [ index ]
//! ```
//!
//! Handles are always positive. Generations count from 1 and skip 0 when
//! they wrap, so 0 and every small integer are never valid handles.

/// What a handle refers to. The numbers are ABI (docs/ABI.md, abi.js).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum HandleKind {
    Thread = 1,
    Barrier = 2,
    Counter = 3,
    World = 4,
    Crew = 5,
}

impl HandleKind {
    /// Every kind, for abi.js and tests.
    pub const ALL: [HandleKind; 5] =
        [HandleKind::Thread, HandleKind::Barrier, HandleKind::Counter, HandleKind::World, HandleKind::Crew];

    /// The name hosts use for it (`HANDLE_KIND.WORLD` in abi.js).
    pub const fn name(self) -> &'static str {
        match self {
            HandleKind::Thread => "THREAD",
            HandleKind::Barrier => "BARRIER",
            HandleKind::Counter => "COUNTER",
            HandleKind::World => "WORLD",
            HandleKind::Crew => "CREW",
        }
    }
}

/// Where the kind starts.
pub const KIND_SHIFT: u32 = 24;
/// Where the generation starts.
pub const GENERATION_SHIFT: u32 = 16;
/// The index field: tables hold at most this many slots plus one.
pub const INDEX_MASK: u32 = 0xFFFF;
/// The generation field, after shifting.
pub const GENERATION_MASK: u32 = 0xFF;
/// The kind field, after shifting (bit 31 stays clear).
pub const KIND_MASK: u32 = 0x7F;

/// The generation after `generation`: 1..=255, then 1 again.
pub const fn next_generation(generation: u32) -> u32 {
    if generation >= GENERATION_MASK {
        1
    } else {
        generation + 1
    }
}

/// The handle of slot `index` in generation `generation` (1..=255).
pub const fn encode(kind: HandleKind, generation: u32, index: u32) -> i32 {
    (((kind as u32) << KIND_SHIFT) | ((generation & GENERATION_MASK) << GENERATION_SHIFT) | (index & INDEX_MASK)) as i32
}

/// A handle taken apart; `None` unless it is positive and of `kind`.
/// Whether the slot and generation are current is the table's question.
pub const fn decode(kind: HandleKind, handle: i32) -> Option<(u32, u32)> {
    if handle <= 0 {
        return None;
    }
    let bits = handle as u32;
    if (bits >> KIND_SHIFT) & KIND_MASK != kind as u32 {
        return None;
    }
    Some(((bits >> GENERATION_SHIFT) & GENERATION_MASK, bits & INDEX_MASK))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_round_trip_and_never_collide_across_kinds() {
        for kind in HandleKind::ALL {
            for generation in [1, 2, 254, 255] {
                for index in [0, 1, 255, INDEX_MASK] {
                    let handle = encode(kind, generation, index);
                    assert!(handle > 0);
                    assert_eq!(decode(kind, handle), Some((generation, index)));
                    for other in HandleKind::ALL.into_iter().filter(|&other| other != kind) {
                        assert_eq!(decode(other, handle), None, "{kind:?} handle read as {other:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn small_and_negative_numbers_are_no_handles() {
        for kind in HandleKind::ALL {
            for number in [i32::MIN, -1, 0, 1, 7, 255, 65_535] {
                assert_eq!(decode(kind, number), None, "{number}");
            }
        }
    }

    #[test]
    fn generations_skip_zero_when_they_wrap() {
        assert_eq!(next_generation(1), 2);
        assert_eq!(next_generation(255), 1);
        let mut generation = 1;
        for _ in 0..1000 {
            generation = next_generation(generation);
            assert!((1..=255).contains(&generation));
        }
    }
}
