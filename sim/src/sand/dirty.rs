//! Dirty rectangles: which cells of a chunk need a look next step.
//!
//! A chunk keeps two rectangles: `current` (what this step processes) and
//! `next` (what changed during this step and must be looked at in the next).
//! `next` grows through atomic `fetch_min` / `fetch_max`, because chunks that
//! are processed in the same phase may both touch a neighbour between them.
//! Min and max commute, so the rectangle at the end of a step is the same
//! whatever order the marks arrived in.

use core::sync::atomic::{AtomicU32, Ordering};

/// A half-open rectangle of world cells: `x0 <= x < x1`, `y0 <= y < y1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rect {
    pub(super) x0: i32,
    pub(super) y0: i32,
    pub(super) x1: i32,
    pub(super) y1: i32,
}

impl Rect {
    /// No cells.
    pub(super) const EMPTY: Rect = Rect { x0: i32::MAX, y0: i32::MAX, x1: i32::MIN, y1: i32::MIN };

    /// Whether it holds no cells.
    #[inline]
    pub(super) const fn is_empty(&self) -> bool {
        self.x0 >= self.x1 || self.y0 >= self.y1
    }

    /// The cells in both.
    #[inline]
    pub(super) fn intersect(&self, other: &Rect) -> Rect {
        Rect {
            x0: self.x0.max(other.x0),
            y0: self.y0.max(other.y0),
            x1: self.x1.min(other.x1),
            y1: self.y1.min(other.y1),
        }
    }

    /// Number of cells.
    #[cfg(test)]
    pub(super) fn area(&self) -> u64 {
        if self.is_empty() {
            0
        } else {
            (self.x1 - self.x0) as u64 * (self.y1 - self.y0) as u64
        }
    }
}

/// The inclusive bounds of the cells changed so far, kept in plain integers
/// while one chunk is updated and published once at the end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct ChangeBounds {
    min_x: i32,
    min_y: i32,
    max_x: i32,
    max_y: i32,
}

impl ChangeBounds {
    /// Nothing changed.
    pub(super) const NONE: ChangeBounds =
        ChangeBounds { min_x: i32::MAX, min_y: i32::MAX, max_x: i32::MIN, max_y: i32::MIN };

    /// Records that cell (x, y) changed.
    #[inline(always)]
    pub(super) fn include(&mut self, x: i32, y: i32) {
        self.min_x = self.min_x.min(x);
        self.min_y = self.min_y.min(y);
        self.max_x = self.max_x.max(x);
        self.max_y = self.max_y.max(y);
    }

    /// Records that every cell of row `y` from `x0` to `x1` (inclusive) changed.
    #[inline]
    pub(super) fn include_span(&mut self, x0: i32, x1: i32, y: i32) {
        self.include(x0, y);
        self.include(x1, y);
    }

    /// Whether nothing was recorded.
    #[inline]
    pub(super) const fn is_empty(&self) -> bool {
        self.min_x > self.max_x
    }

    /// The changed cells grown by `margin_x` / `margin_y` on each side: every
    /// cell whose rule could now decide differently.
    pub(super) fn grown(&self, margin_x: i32, margin_y: i32) -> Rect {
        if self.is_empty() {
            return Rect::EMPTY;
        }
        Rect {
            x0: self.min_x.saturating_sub(margin_x),
            y0: self.min_y.saturating_sub(margin_y),
            x1: self.max_x.saturating_add(margin_x).saturating_add(1),
            y1: self.max_y.saturating_add(margin_y).saturating_add(1),
        }
    }
}

/// A rectangle in atomics, in non-negative world coordinates.
///
/// Empty is stored as `x0 = y0 = u32::MAX`, `x1 = y1 = 0`, so that growing it
/// is a plain min on the start and max on the end.
#[derive(Debug)]
pub(super) struct DirtyRect {
    x0: AtomicU32,
    y0: AtomicU32,
    x1: AtomicU32,
    y1: AtomicU32,
}

/// Relaxed is enough everywhere: the rectangles are only read after the
/// barrier that ends a phase (or inside the exclusive part of a step), and
/// that barrier orders them.
const ORDER: Ordering = Ordering::Relaxed;

impl DirtyRect {
    /// An empty rectangle.
    pub(super) const fn new() -> DirtyRect {
        DirtyRect {
            x0: AtomicU32::new(u32::MAX),
            y0: AtomicU32::new(u32::MAX),
            x1: AtomicU32::new(0),
            y1: AtomicU32::new(0),
        }
    }

    /// Grows it to cover `rect` (which must lie in non-negative coordinates).
    #[inline]
    pub(super) fn grow(&self, rect: &Rect) {
        if rect.is_empty() {
            return;
        }
        debug_assert!(rect.x0 >= 0 && rect.y0 >= 0);
        self.x0.fetch_min(rect.x0 as u32, ORDER);
        self.y0.fetch_min(rect.y0 as u32, ORDER);
        self.x1.fetch_max(rect.x1 as u32, ORDER);
        self.y1.fetch_max(rect.y1 as u32, ORDER);
    }

    /// The rectangle.
    #[inline]
    pub(super) fn load(&self) -> Rect {
        let x0 = self.x0.load(ORDER);
        let y0 = self.y0.load(ORDER);
        let x1 = self.x1.load(ORDER);
        let y1 = self.y1.load(ORDER);
        if x0 >= x1 || y0 >= y1 {
            return Rect::EMPTY;
        }
        Rect { x0: x0 as i32, y0: y0 as i32, x1: x1 as i32, y1: y1 as i32 }
    }

    /// Replaces it with `rect`.
    pub(super) fn store(&self, rect: &Rect) {
        if rect.is_empty() {
            self.clear();
            return;
        }
        self.x0.store(rect.x0 as u32, ORDER);
        self.y0.store(rect.y0 as u32, ORDER);
        self.x1.store(rect.x1 as u32, ORDER);
        self.y1.store(rect.y1 as u32, ORDER);
    }

    /// Empties it.
    pub(super) fn clear(&self) {
        // Every wasm atomic store is sequentially consistent (an `xchg` on
        // x86), and in a settled world nearly every rectangle is already
        // clear at each step: loads are cheap, so skip the stores then.
        let already_clear = self.x0.load(ORDER) == u32::MAX
            && self.y0.load(ORDER) == u32::MAX
            && self.x1.load(ORDER) == 0
            && self.y1.load(ORDER) == 0;
        if already_clear {
            return;
        }
        self.x0.store(u32::MAX, ORDER);
        self.y0.store(u32::MAX, ORDER);
        self.x1.store(0, ORDER);
        self.y1.store(0, ORDER);
    }

    /// Empties it and returns what it held.
    pub(super) fn take(&self) -> Rect {
        let rect = self.load();
        self.clear();
        rect
    }
}

impl Default for DirtyRect {
    fn default() -> Self {
        DirtyRect::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn growing_is_order_independent() {
        let a = Rect { x0: 3, y0: 4, x1: 10, y1: 6 };
        let b = Rect { x0: 1, y0: 5, x1: 4, y1: 20 };
        let first = DirtyRect::new();
        first.grow(&a);
        first.grow(&b);
        let second = DirtyRect::new();
        second.grow(&b);
        second.grow(&a);
        assert_eq!(first.load(), second.load());
        assert_eq!(first.load(), Rect { x0: 1, y0: 4, x1: 10, y1: 20 });
        assert!(first.take().area() > 0);
        assert!(first.load().is_empty());
    }

    #[test]
    fn bounds_grow_by_margins() {
        let mut bounds = ChangeBounds::NONE;
        assert!(bounds.grown(2, 1).is_empty());
        bounds.include(5, 5);
        assert_eq!(bounds.grown(2, 1), Rect { x0: 3, y0: 4, x1: 8, y1: 7 });
    }
}
