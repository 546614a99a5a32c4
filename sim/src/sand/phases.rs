//! Which phase of a step updates which chunk.
//!
//! A falling block of powder or liquid falls as a block only if its cells
//! take their turns bottom to top over its whole height: then every cell
//! finds the cell below it already moved away. Inside a chunk the rows go
//! bottom to top; across chunks, every chunk must run after the chunk
//! below it. The four checkerboard phases of old ran the even chunk rows
//! before the odd ones, so at every other chunk border the upper chunk ran
//! first, its bottom row found the lower chunk's top row still full, and a
//! block crossing that border striped ("venetian blinds").
//!
//! Chunks that touch (also diagonally) must never run in the same phase (a
//! rule reaches `MAX_REACH` cells, less than half a chunk, beyond its own
//! chunk). With `r` the chunk row counted from the bottom:
//!
//! ```text
//! phase(cx, r) = r + 2 * (cx % 2)        phases: chunks_y + 2
//! ```
//!
//! * the chunk below runs first: phase(cx, r - 1) < phase(cx, r);
//! * chunks side by side differ by 2, and the even column runs first, as
//!   before;
//! * diagonal neighbours differ by 1 or 3;
//! * one phase holds the even chunks of row `r` and the odd chunks of row
//!   `r - 2`, which never touch: up to a whole row's worth of chunks at once.
//!
//! The price: an even chunk runs before the odd chunk diagonally below it
//! (phase r + 1 against r), so a grain sliding down through that corner
//! finds the cell there not yet moved; straight falls (and so falling
//! blocks) are unaffected. Running strictly row after row instead
//! (`2 * r + cx % 2`) has no such corner but needs `2 * chunks_y` phases
//! and runs at most half a row at once.
//!
//! Phases without a dirty chunk cost nothing: the crew skips them without
//! a barrier (every worker sees the same lengths after `begin_step`).

/// Phases per step of a world `chunks_y` chunks high.
#[inline]
pub(super) const fn phase_count(chunks_y: u32) -> u32 {
    chunks_y + 2
}

/// The chunk rows (top-down index `cy`) and column parities that phase
/// `phase` updates, in row-major order: at most two.
#[inline]
pub(super) fn rows_of_phase(phase: u32, chunks_y: u32) -> impl Iterator<Item = (u32, u32)> {
    // Row `r` from the bottom is `cy = chunks_y - 1 - r`. Odd columns run
    // in phase r + 2, even ones in phase r; the odd row lies higher up, so
    // it comes first in row-major order.
    let odd = phase.checked_sub(2).filter(|&r| r < chunks_y).map(|r| (chunks_y - 1 - r, 1));
    let even = (phase < chunks_y).then(|| (chunks_y - 1 - phase, 0));
    odd.into_iter().chain(even)
}

/// The phase that updates chunk (cx, cy).
#[inline]
pub(super) const fn phase_of(cx: u32, cy: u32, chunks_y: u32) -> u32 {
    (chunks_y - 1 - cy) + 2 * (cx % 2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    #[test]
    fn every_chunk_is_in_exactly_one_phase_the_one_phase_of_names() {
        for chunks_y in [1, 2, 3, 16, 64] {
            let chunks_x = 5;
            let mut seen = Vec::new();
            for phase in 0..phase_count(chunks_y) {
                for (cy, parity) in rows_of_phase(phase, chunks_y) {
                    for cx in (parity..chunks_x).step_by(2) {
                        assert_eq!(phase_of(cx, cy, chunks_y), phase);
                        seen.push((cy, cx));
                    }
                }
            }
            seen.sort_unstable();
            let all: Vec<(u32, u32)> = (0..chunks_y).flat_map(|cy| (0..chunks_x).map(move |cx| (cy, cx))).collect();
            assert_eq!(seen, all, "{chunks_y} chunk rows");
        }
    }

    #[test]
    fn neighbours_never_share_a_phase_and_the_lower_chunk_runs_first() {
        let (chunks_x, chunks_y) = (6, 7);
        for cy in 0..chunks_y {
            for cx in 0..chunks_x {
                let here = phase_of(cx, cy, chunks_y);
                for (dx, dy) in [(-1, -1), (0, -1), (1, -1), (-1, 0), (1, 0), (-1, 1), (0, 1), (1, 1)] {
                    let (nx, ny) = (cx as i32 + dx, cy as i32 + dy);
                    if nx < 0 || ny < 0 || nx >= chunks_x as i32 || ny >= chunks_y as i32 {
                        continue;
                    }
                    let there = phase_of(nx as u32, ny as u32, chunks_y);
                    assert_ne!(here, there, "({cx}, {cy}) and its neighbour ({nx}, {ny})");
                    if dx == 0 && dy == 1 {
                        assert!(there < here, "({cx}, {cy}) runs before the chunk below it");
                    }
                }
            }
        }
    }
}
