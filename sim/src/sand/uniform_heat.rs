//! The heat shortcut: a chunk whose reach is all at one temperature.
//!
//! Conduction moves heat only across a difference, and a swap carries each
//! cell's temperature along, so where every cell that a chunk's update may
//! read or write (its dirty rectangle widened by `MAX_REACH`) is at one
//! temperature `t`, both are no-ops: the update can skip them and only
//! check each cell's transition points against `t`. That stays true until
//! the first temperature is written (a heat source, a transition, a cell
//! that vanishes into ambient empty space while `t` is not ambient), and
//! the cursor drops the shortcut at that write (`Neighborhood`): before
//! it, every skipped exchange was an exchange of equal values. So a step
//! gives bit for bit the same world with or without the shortcut (the test
//! `heat::the_heat_shortcut_changes_nothing` compares the two).
//!
//! Where it pays: a falling or flowing world at one temperature (the
//! `active` scene, anything at ambient) spends no time on heat beyond this
//! scan and the transition check. The scan reads the temperature plane
//! four cells to a word and stops at the first difference.

use super::dirty::Rect;
use super::neighborhood::MAX_REACH;
use super::temperature::Temperature;
use super::world::World;

#[cfg(test)]
std::thread_local! {
    /// Tests turn the shortcut off on their own thread, to compare.
    static SHORTCUT_OFF: core::cell::Cell<bool> = const { core::cell::Cell::new(false) };
    /// Chunk updates on this thread that took the shortcut, so a test can
    /// show that it compared something.
    static SHORTCUTS_TAKEN: core::cell::Cell<u64> = const { core::cell::Cell::new(0) };
}

/// Runs `f` with the heat shortcut off on this thread (tests only).
#[cfg(test)]
pub(super) fn without_heat_shortcut<R>(f: impl FnOnce() -> R) -> R {
    SHORTCUT_OFF.with(|off| off.set(true));
    let result = f();
    SHORTCUT_OFF.with(|off| off.set(false));
    result
}

/// Chunk updates on this thread that took the shortcut so far (tests only).
#[cfg(test)]
pub(super) fn heat_shortcuts_taken() -> u64 {
    SHORTCUTS_TAKEN.with(|taken| taken.get())
}

impl World {
    /// The temperature of every cell within `MAX_REACH` of `rect`, if they
    /// are all at one.
    ///
    /// # Safety
    ///
    /// `rect` lies inside the world, and no other thread writes the cells
    /// within `MAX_REACH` of it meanwhile (`update_chunk`'s contract).
    pub(super) unsafe fn uniform_temperature(&self, rect: &Rect) -> Option<Temperature> {
        #[cfg(test)]
        if SHORTCUT_OFF.with(|off| off.get()) {
            return None;
        }
        let (x0, x1) = (rect.x0 - MAX_REACH, rect.x1 + MAX_REACH);
        let (y0, y1) = (rect.y0 - MAX_REACH, rect.y1 + MAX_REACH);
        let len = (x1 - x0) as usize;
        // SAFETY: `MAX_REACH <= BORDER`, so every cell within reach of the
        // world lies inside the plane; the caller keeps writers away.
        let first = unsafe { *self.temperature.offset(self.cell_index(x0, y0)) };
        for y in y0..y1 {
            // SAFETY: as above, for each row of the widened rectangle.
            let at_first = unsafe { row_is_at(self.temperature.offset(self.cell_index(x0, y)), len, first) };
            if !at_first {
                return None;
            }
        }
        #[cfg(test)]
        SHORTCUTS_TAKEN.with(|taken| taken.set(taken.get() + 1));
        Some(first)
    }
}

/// Whether the `len` temperatures from `row` on all equal `temperature`.
///
/// # Safety
///
/// `row .. row + len` is readable and nobody writes it meanwhile.
#[inline]
unsafe fn row_is_at(row: *const Temperature, len: usize, temperature: Temperature) -> bool {
    // Four `i16`s to a word: equal lanes XOR to zero whatever the byte order.
    let pattern = u64::from(temperature as u16) * 0x0001_0001_0001_0001;
    let words = len / 4;
    let mut differs = 0u64;
    for word in 0..words {
        // SAFETY: the word lies inside the row (caller); unaligned reads
        // are allowed.
        differs |= unsafe { row.add(word * 4).cast::<u64>().read_unaligned() } ^ pattern;
    }
    for cell in words * 4..len {
        // SAFETY: inside the row (caller).
        differs |= u64::from(unsafe { *row.add(cell) } as u16 ^ temperature as u16);
    }
    differs == 0
}
