//! Mutations of a real save: truncations at every boundary, header fields
//! changed or swapped, bit flips with and without a new checksum, forged
//! activity rectangles and planes, garbage, and saves of other sizes.

use quicksand_sim::sand::{Rect, MATERIAL_COUNT, SNAPSHOT_HEADER_BYTES};

use super::rng::FuzzRng;
use super::save_format::{put_u32, reseal, u32_at, SaveLayout};

/// One mutated save.
#[derive(Debug, Clone)]
pub struct Mutation {
    pub what: String,
    pub bytes: Vec<u8>,
    /// Load this many bytes instead of `bytes.len()` (past the buffer).
    pub len: Option<usize>,
    /// Load it into the world of swapped width and height.
    pub into_swapped: bool,
}

impl Mutation {
    fn new(what: impl Into<String>, bytes: Vec<u8>) -> Mutation {
        Mutation { what: what.into(), bytes, len: None, into_swapped: false }
    }
}

/// The fixed mutations of one save: every boundary truncation, and each
/// header field changed on its own.
pub fn boundary_mutations(save: &[u8], layout: &SaveLayout, swapped_differs: bool) -> Vec<Mutation> {
    let mut out = Vec::new();
    for at in layout.boundaries() {
        for len in [at.saturating_sub(1), at, at + 1] {
            if len < save.len() {
                out.push(Mutation::new(format!("truncated to {len} bytes"), save[..len].to_vec()));
            }
        }
    }
    for extra in [1, 8, 64] {
        let mut long = save.to_vec();
        long.resize(save.len() + extra, 0);
        out.push(Mutation {
            len: Some(save.len() + extra),
            ..Mutation::new(format!("{extra} bytes past the end"), long)
        });
    }
    let field = |what: &str, at: usize, value: &[u8], seal: bool| {
        let mut bytes = save.to_vec();
        bytes[at..at + value.len()].copy_from_slice(value);
        if seal {
            reseal(&mut bytes);
        }
        Mutation::new(format!("{what}{}", if seal { " (resealed)" } else { "" }), bytes)
    };
    let (width, height) = (u32_at(save, layout.width), u32_at(save, layout.height));
    for seal in [true, false] {
        out.push(field("magic QSNE", 0, b"QSNE", seal));
        out.push(field("magic qsnd", 0, b"qsnd", seal));
        for version in [0u16, 2, 0xFFFF] {
            out.push(field(&format!("version {version}"), layout.version, &version.to_le_bytes(), seal));
        }
        for flags in [1u16, 0x8000] {
            out.push(field(&format!("flags {flags:#x}"), layout.flags, &flags.to_le_bytes(), seal));
        }
        for w in [0, width - 1, width + 1, u32::MAX, height] {
            out.push(field(&format!("width {w}"), layout.width, &w.to_le_bytes(), seal));
        }
        for h in [0, height - 1, height + 1, u32::MAX, width] {
            out.push(field(&format!("height {h}"), layout.height, &h.to_le_bytes(), seal));
        }
        for step in [0u64, 1 << 31, u64::MAX] {
            out.push(field(&format!("step {step}"), layout.step, &step.to_le_bytes(), seal));
        }
        out.push(field("seed u64::MAX", layout.seed, &u64::MAX.to_le_bytes(), seal));
    }
    let mut swapped = save.to_vec();
    put_u32(&mut swapped, layout.width, height);
    put_u32(&mut swapped, layout.height, width);
    reseal(&mut swapped);
    out.push(Mutation::new("width and height swapped (resealed)", swapped.clone()));
    if swapped_differs {
        out.push(Mutation {
            into_swapped: true,
            ..Mutation::new("width and height swapped, into a world of that size", swapped)
        });
    }
    let mut sum = save.to_vec();
    sum[layout.checksum] ^= 1;
    out.push(Mutation::new("checksum bit flipped", sum));
    out
}

/// A random mutation of `save`.
pub fn random_mutation(
    rng: &mut FuzzRng,
    save: &[u8],
    layout: &SaveLayout,
    others: &[Vec<u8>],
    swapped_differs: bool,
) -> Mutation {
    let mut bytes = save.to_vec();
    let body = SNAPSHOT_HEADER_BYTES..layout.checksum;
    let flip = |rng: &mut FuzzRng, bytes: &mut [u8], range: std::ops::Range<usize>| {
        let at = rng.range(range.start as i64, range.end as i64 - 1) as usize;
        bytes[at] ^= 1 << rng.below(8);
        at
    };
    match rng.below(100) {
        0..=9 => {
            let len = rng.below(save.len() as u64) as usize;
            Mutation::new(format!("truncated to {len} bytes"), bytes[..len].to_vec())
        }
        10..=39 => {
            let flips = rng.range(1, 8);
            let spots: Vec<usize> = (0..flips).map(|_| flip(rng, &mut bytes, body.clone())).collect();
            reseal(&mut bytes);
            Mutation::new(format!("{flips} bits flipped in the body at {spots:?} (resealed)"), bytes)
        }
        40..=49 => {
            let at = flip(rng, &mut bytes, body.clone());
            Mutation::new(format!("a bit flipped at {at}, not resealed"), bytes)
        }
        50..=59 => {
            let at = flip(rng, &mut bytes, 0..SNAPSHOT_HEADER_BYTES);
            let seal = rng.percent(50);
            if seal {
                reseal(&mut bytes);
            }
            Mutation::new(format!("a header bit flipped at {at}{}", if seal { " (resealed)" } else { "" }), bytes)
        }
        60..=69 => {
            // Activity rectangles a save could never hold: far outside,
            // inverted, the extremes. Loading must clip them.
            let rect_bytes = std::mem::size_of::<Rect>();
            for chunk in 0..layout.chunks {
                if rng.percent(50) {
                    for field in 0..4 {
                        let any = rng.any_i32();
                        let value = rng.pick(&[i32::MIN, -1, 0, 1, 63, 64, 65, i32::MAX, any]);
                        put_u32(&mut bytes, layout.rects + chunk * rect_bytes + field * 4, value as u32);
                    }
                }
            }
            reseal(&mut bytes);
            Mutation::new("forged activity rectangles (resealed)", bytes)
        }
        70..=77 => {
            // Planes of random bytes: unknown materials must behave as wall.
            // (Temperatures stay as saved: a load clamps out-of-range ones,
            // which the resave check would rightly see as a difference.)
            let known = rng.percent(50);
            for byte in &mut bytes[SNAPSHOT_HEADER_BYTES..layout.temperatures] {
                *byte = if known { rng.below(MATERIAL_COUNT as u64) as u8 } else { rng.below(256) as u8 };
            }
            reseal(&mut bytes);
            Mutation::new(format!("random planes, {} materials (resealed)", if known { "known" } else { "any" }), bytes)
        }
        78..=85 => {
            let len = rng.below(2 * save.len() as u64 + 1) as usize;
            let mut garbage: Vec<u8> = (0..len).map(|_| rng.below(256) as u8).collect();
            let headed = rng.percent(50) && len >= SNAPSHOT_HEADER_BYTES;
            if headed {
                garbage[..SNAPSHOT_HEADER_BYTES].copy_from_slice(&save[..SNAPSHOT_HEADER_BYTES]);
                reseal(&mut garbage);
            }
            Mutation {
                len: (len > save.len()).then_some(len),
                ..Mutation::new(
                    format!("{len} random bytes{}", if headed { " after a real header" } else { "" }),
                    garbage,
                )
            }
        }
        86..=93 if !others.is_empty() => {
            let other = rng.pick(&(0..others.len()).collect::<Vec<_>>());
            let mut bytes = others[other].clone();
            if rng.percent(50) {
                bytes.resize(save.len(), 0);
            }
            Mutation::new(format!("a save of another size, {} bytes", bytes.len()), bytes)
        }
        _ => {
            let into_swapped = swapped_differs && rng.percent(50);
            let (width, height) = (u32_at(save, layout.width), u32_at(save, layout.height));
            put_u32(&mut bytes, layout.width, height);
            put_u32(&mut bytes, layout.height, width);
            let at = flip(rng, &mut bytes, body);
            reseal(&mut bytes);
            Mutation {
                into_swapped,
                ..Mutation::new(format!("width and height swapped, bit {at} flipped (resealed)"), bytes)
            }
        }
    }
}
