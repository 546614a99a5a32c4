//! Items a worker has claimed but set aside because an earlier item they
//! depend on is still running.
//!
//! Without a barrier between phases, a worker that claims an item whose
//! earlier neighbour is still running used to wait for it right there. On
//! an oversubscribed machine that neighbour's worker may have lost its core
//! for a whole time slice (milliseconds), and the waiter idled with the
//! rest of the step still unclaimed. So a worker sets such an item aside
//! and claims on; each time it comes back for more it first runs whatever
//! it set aside that has become ready, and once nothing is left to claim
//! it waits for the rest, oldest first.
//!
//! The list is kept in claim order, which is phase order (a worker takes
//! the phases in order). That is what keeps the crew free of deadlock: a
//! worker only ever blocks on the oldest item it set aside, and the
//! unfinished item of the lowest phase anywhere is either running, or
//! unclaimed (and every worker that blocks holds items of that phase at
//! most, whose earlier items have all finished), or set aside as some
//! worker's oldest, and then its earlier items have all finished too.

/// Most items one worker sets aside at once; with more it waits for the
/// oldest. A step's blocked items are the later neighbours of the few
/// running ones (at most 8 per phase after it), so a short list suffices.
pub const MAX_DEFERRED_ITEMS: usize = 32;

/// A worker's set-aside items as (phase, item), oldest first. Lives on the
/// worker's stack, one step at a time.
pub struct DeferredItems {
    items: [(u32, u32); MAX_DEFERRED_ITEMS],
    len: usize,
}

impl DeferredItems {
    pub const fn new() -> Self {
        DeferredItems { items: [(0, 0); MAX_DEFERRED_ITEMS], len: 0 }
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn is_full(&self) -> bool {
        self.len == MAX_DEFERRED_ITEMS
    }

    /// Sets an item aside, after every item already set aside. A full list
    /// first makes room by taking out its oldest item and returns it: the
    /// caller must then wait for that one and run it.
    #[must_use = "an item taken out to make room must still run"]
    pub fn push(&mut self, phase: u32, item: u32) -> Option<(u32, u32)> {
        let evicted = if self.is_full() { self.take_oldest() } else { None };
        self.items[self.len] = (phase, item);
        self.len += 1;
        evicted
    }

    /// The item set aside first, removed from the list.
    pub fn take_oldest(&mut self) -> Option<(u32, u32)> {
        if self.len == 0 {
            return None;
        }
        let oldest = self.items[0];
        self.items.copy_within(1..self.len, 0);
        self.len -= 1;
        Some(oldest)
    }

    /// Removes and returns the oldest item for which `ready` holds, keeping
    /// the others in order.
    pub fn take_first_ready(&mut self, mut ready: impl FnMut(u32, u32) -> bool) -> Option<(u32, u32)> {
        let at = self.items[..self.len].iter().position(|&(phase, item)| ready(phase, item))?;
        let found = self.items[at];
        self.items.copy_within(at + 1..self.len, at);
        self.len -= 1;
        Some(found)
    }
}

impl Default for DeferredItems {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    fn drain(list: &mut DeferredItems) -> Vec<(u32, u32)> {
        core::iter::from_fn(|| list.take_oldest()).collect()
    }

    #[test]
    fn items_come_back_oldest_first_and_a_ready_one_leaves_the_rest_in_order() {
        let mut list = DeferredItems::new();
        assert!(list.is_empty());
        assert_eq!(list.take_oldest(), None);
        for item in 0..5 {
            assert_eq!(list.push(item / 2, item), None);
        }
        assert_eq!(list.take_first_ready(|_, item| item % 2 == 1), Some((0, 1)));
        assert_eq!(list.take_first_ready(|_, item| item == 4), Some((2, 4)));
        assert_eq!(list.take_first_ready(|_, _| false), None);
        assert_eq!(drain(&mut list), vec![(0, 0), (1, 2), (1, 3)]);
        assert!(list.is_empty());
    }

    #[test]
    fn a_full_list_says_so_and_pushing_gives_back_the_oldest() {
        let mut list = DeferredItems::new();
        for item in 0..MAX_DEFERRED_ITEMS as u32 {
            assert!(!list.is_full());
            assert_eq!(list.push(0, item), None);
        }
        assert!(list.is_full());
        assert_eq!(list.push(1, 99), Some((0, 0)), "a full list gives back its oldest");
        let all = drain(&mut list);
        assert_eq!(all.len(), MAX_DEFERRED_ITEMS);
        assert_eq!(all.last(), Some(&(1, 99)));
    }
}
