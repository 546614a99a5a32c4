//! Fixed tables of threads, barriers and counters, addressed by handle.
//!
//! Exports hand out handles (`abi::handle`) instead of raw pointers: a
//! handle carries its kind and its slot's generation, so a wrong, foreign or
//! stale number from the host is refused with `InvalidArgument` instead of
//! being dereferenced.
//!
//! A slot is taken in two steps, `reserve` then `commit`, so that a call
//! which fails half-way (a refused argument, an allocation that does not
//! fit) gives its slot back and leaves no trace.

use core::sync::atomic::{AtomicU32, Ordering};

use super::barrier::Barrier;
use super::error::RuntimeError;
use super::thread_slot::ThreadSlot;
use super::work_counter::WorkCounter;
use crate::abi::handle::{self, HandleKind};

/// How many threads one module instance family can create.
pub const MAX_THREADS: usize = 256;
/// How many barriers can exist.
pub const MAX_BARRIERS: usize = 64;
/// How many work counters can exist.
pub const MAX_COUNTERS: usize = 64;
/// How many worlds can exist at once (freed ones are reused).
pub const MAX_WORLDS: usize = 16;
/// How many crews can exist.
pub const MAX_CREWS: usize = 8;

/// A slot's state word: `generation << 8 | state`.
const STATE_MASK: u32 = 0xFF;
const FREE: u32 = 0;
/// Taken by a call that has not finished creating its object.
const RESERVED: u32 = 1;
const LIVE: u32 = 2;

const fn state_word(generation: u32, state: u32) -> u32 {
    (generation << 8) | state
}

/// A table of `N` objects of one kind with typed, generation-checked handles.
pub struct Table<T, const N: usize> {
    kind: HandleKind,
    items: [T; N],
    states: [AtomicU32; N],
}

/// A slot taken by `Table::reserve`: `commit` makes it live; dropping it
/// gives the slot back.
#[must_use = "a reservation is released when dropped; commit it"]
pub struct Reservation<'a, T, const N: usize> {
    table: &'a Table<T, N>,
    index: usize,
    committed: bool,
}

impl<'a, T, const N: usize> Reservation<'a, T, N> {
    /// The object in the reserved slot, for the caller to set up.
    pub fn item(&self) -> &'a T {
        &self.table.items[self.index]
    }

    /// The generation the slot gets when committed: each use of a slot has
    /// a new one, so handles from its earlier uses stay refused.
    fn next_generation(&self) -> u32 {
        handle::next_generation(self.table.states[self.index].load(Ordering::Acquire) >> 8)
    }

    /// The handle the slot will have once committed.
    pub fn handle(&self) -> i32 {
        handle::encode(self.table.kind, self.next_generation(), self.index as u32)
    }

    /// Makes the slot live under its new generation and returns its handle.
    pub fn commit(mut self) -> (i32, &'a T) {
        let generation = self.next_generation();
        self.table.states[self.index].store(state_word(generation, LIVE), Ordering::Release);
        self.committed = true;
        (handle::encode(self.table.kind, generation, self.index as u32), self.item())
    }
}

impl<T, const N: usize> Drop for Reservation<'_, T, N> {
    fn drop(&mut self) {
        if !self.committed {
            let word = &self.table.states[self.index];
            word.store(word.load(Ordering::Acquire) & !STATE_MASK | FREE, Ordering::Release);
        }
    }
}

impl<T, const N: usize> Table<T, N> {
    /// A table of `kind` whose entries start as `items`.
    pub const fn new(kind: HandleKind, items: [T; N]) -> Self {
        assert!(N <= handle::INDEX_MASK as usize + 1);
        Table { kind, items, states: [const { AtomicU32::new(state_word(0, FREE)) }; N] }
    }

    /// Takes the lowest free slot. `TableFull` when there is none.
    pub fn reserve(&self) -> Result<Reservation<'_, T, N>, RuntimeError> {
        for (index, word) in self.states.iter().enumerate() {
            let current = word.load(Ordering::Acquire);
            if current & STATE_MASK != FREE {
                continue;
            }
            let reserved = current & !STATE_MASK | RESERVED;
            if word.compare_exchange(current, reserved, Ordering::AcqRel, Ordering::Acquire).is_ok() {
                return Ok(Reservation { table: self, index, committed: false });
            }
        }
        Err(RuntimeError::TableFull)
    }

    /// The live entry for `handle`: `InvalidArgument` for a number that is
    /// not a handle of this table's kind, or whose slot was freed since.
    pub fn get(&self, handle: i32) -> Result<&T, RuntimeError> {
        self.index_of(handle).map(|index| &self.items[index])
    }

    fn index_of(&self, handle: i32) -> Result<usize, RuntimeError> {
        let (generation, index) = handle::decode(self.kind, handle).ok_or(RuntimeError::InvalidArgument)?;
        let word = self.states.get(index as usize).ok_or(RuntimeError::InvalidArgument)?;
        if word.load(Ordering::Acquire) != state_word(generation, LIVE) {
            return Err(RuntimeError::InvalidArgument);
        }
        Ok(index as usize)
    }

    /// Takes live entry `handle` out of service: from now on its handle is
    /// refused. Returns the entry so the caller can release what it holds,
    /// then drop the reservation to make the slot free for reuse.
    pub fn retire(&self, handle: i32) -> Result<Reservation<'_, T, N>, RuntimeError> {
        let index = self.index_of(handle)?;
        let word = &self.states[index];
        let live = word.load(Ordering::Acquire);
        let retiring = live & !STATE_MASK | RESERVED;
        word.compare_exchange(live, retiring, Ordering::AcqRel, Ordering::Acquire)
            .map_err(|_| RuntimeError::InvalidArgument)?;
        Ok(Reservation { table: self, index, committed: false })
    }

    /// Every live entry.
    pub fn live(&self) -> impl Iterator<Item = &T> {
        self.items
            .iter()
            .zip(&self.states)
            .filter(|(_, word)| word.load(Ordering::Acquire) & STATE_MASK == LIVE)
            .map(|(item, _)| item)
    }

    /// How many entries are live.
    pub fn len(&self) -> usize {
        self.live().count()
    }

    /// Whether no entry is live.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Every thread created with `qs_thread_new`.
pub static THREADS: Table<ThreadSlot, MAX_THREADS> =
    Table::new(HandleKind::Thread, [const { ThreadSlot::new() }; MAX_THREADS]);
/// Every barrier created with `qs_barrier_new`.
pub static BARRIERS: Table<Barrier, MAX_BARRIERS> =
    Table::new(HandleKind::Barrier, [const { Barrier::new() }; MAX_BARRIERS]);
/// Every counter created with `qs_counter_new`.
pub static COUNTERS: Table<WorkCounter, MAX_COUNTERS> =
    Table::new(HandleKind::Counter, [const { WorkCounter::new() }; MAX_COUNTERS]);

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table<AtomicU32, 2> {
        Table::new(HandleKind::World, [const { AtomicU32::new(0) }; 2])
    }

    #[test]
    fn handles_are_checked_and_the_table_fills_up() {
        let table = table();
        let (first, _) = table.reserve().unwrap().commit();
        assert!(table.get(first).is_ok());
        for wrong in [0, 1, -1, first + 1, first ^ (1 << 24)] {
            assert_eq!(table.get(wrong).err(), Some(RuntimeError::InvalidArgument), "{wrong:#x}");
        }
        table.reserve().unwrap().commit();
        assert_eq!(table.reserve().err(), Some(RuntimeError::TableFull));
        assert_eq!(table.len(), 2);
    }

    #[test]
    fn a_handle_of_another_kind_is_refused() {
        let worlds = table();
        let crews: Table<AtomicU32, 2> = Table::new(HandleKind::Crew, [const { AtomicU32::new(0) }; 2]);
        let (world, _) = worlds.reserve().unwrap().commit();
        let (crew, _) = crews.reserve().unwrap().commit();
        assert_eq!(crews.get(world).err(), Some(RuntimeError::InvalidArgument));
        assert_eq!(worlds.get(crew).err(), Some(RuntimeError::InvalidArgument));
    }

    #[test]
    fn a_dropped_reservation_leaves_no_trace() {
        let table = table();
        drop(table.reserve().unwrap());
        drop(table.reserve().unwrap());
        assert!(table.is_empty());
        table.reserve().unwrap().commit();
        table.reserve().unwrap().commit();
        assert_eq!(table.len(), 2);
    }

    #[test]
    fn a_retired_handle_is_stale_and_its_slot_is_reused_under_a_new_generation() {
        let table = table();
        let (old, _) = table.reserve().unwrap().commit();
        let retiring = table.retire(old).unwrap();
        assert_eq!(table.get(old).err(), Some(RuntimeError::InvalidArgument), "refused while retiring");
        assert_eq!(table.retire(old).err(), Some(RuntimeError::InvalidArgument), "retired twice");
        drop(retiring);
        let (new, _) = table.reserve().unwrap().commit();
        assert_eq!(new & 0xFFFF, old & 0xFFFF, "same slot");
        assert_ne!(new, old);
        assert_eq!(table.get(old).err(), Some(RuntimeError::InvalidArgument), "stale");
        assert!(table.get(new).is_ok());
    }

    #[test]
    fn generations_wrap_without_reviving_old_handles_of_the_last_cycle() {
        let table = table();
        let (mut handle, _) = table.reserve().unwrap().commit();
        let first = handle;
        for _ in 0..300 {
            drop(table.retire(handle).unwrap());
            let (next, _) = table.reserve().unwrap().commit();
            assert_ne!(next, handle);
            assert!(next > 0);
            handle = next;
        }
        assert!(table.get(handle).is_ok());
        assert_ne!(handle, first, "300 is not a multiple of the 255 generations");
    }
}
