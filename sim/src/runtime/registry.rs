//! Fixed tables of threads, barriers and counters, addressed by handle.
//!
//! Exports hand out small integer handles instead of raw pointers, so a
//! wrong number from the host is refused with `InvalidArgument` instead of
//! being dereferenced.

use core::sync::atomic::{AtomicU32, Ordering};

use super::barrier::Barrier;
use super::error::RuntimeError;
use super::thread_slot::ThreadSlot;
use super::work_counter::WorkCounter;

/// How many threads one module instance family can create.
pub const MAX_THREADS: usize = 256;
/// How many barriers can exist.
pub const MAX_BARRIERS: usize = 64;
/// How many work counters can exist.
pub const MAX_COUNTERS: usize = 64;

/// An append-only table; entries are never removed, so a handle stays valid.
pub struct Table<T, const N: usize> {
    items: [T; N],
    len: AtomicU32,
}

impl<T, const N: usize> Table<T, N> {
    /// A table whose entries start as `items`.
    pub const fn new(items: [T; N]) -> Self {
        Table { items, len: AtomicU32::new(0) }
    }

    /// Takes the next free entry and returns its handle.
    pub fn push(&self) -> Result<(u32, &T), RuntimeError> {
        let mut len = self.len.load(Ordering::Acquire);
        loop {
            if len as usize >= N {
                return Err(RuntimeError::TableFull);
            }
            match self.len.compare_exchange_weak(len, len + 1, Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) => return Ok((len, &self.items[len as usize])),
                Err(observed) => len = observed,
            }
        }
    }

    /// The entry for `handle`, if it was ever handed out.
    pub fn get(&self, handle: i32) -> Result<&T, RuntimeError> {
        let index = usize::try_from(handle).map_err(|_| RuntimeError::InvalidArgument)?;
        if index >= self.len.load(Ordering::Acquire) as usize {
            return Err(RuntimeError::InvalidArgument);
        }
        self.items.get(index).ok_or(RuntimeError::InvalidArgument)
    }

    /// How many entries are in use.
    pub fn len(&self) -> usize {
        self.len.load(Ordering::Acquire) as usize
    }

    /// Whether no entry is in use.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Every thread created with `qs_thread_new`.
pub static THREADS: Table<ThreadSlot, MAX_THREADS> = Table::new([const { ThreadSlot::new() }; MAX_THREADS]);
/// Every barrier created with `qs_barrier_new`.
pub static BARRIERS: Table<Barrier, MAX_BARRIERS> = Table::new([const { Barrier::new() }; MAX_BARRIERS]);
/// Every counter created with `qs_counter_new`.
pub static COUNTERS: Table<WorkCounter, MAX_COUNTERS> = Table::new([const { WorkCounter::new() }; MAX_COUNTERS]);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_are_checked_and_the_table_fills_up() {
        let table: Table<AtomicU32, 2> = Table::new([const { AtomicU32::new(0) }; 2]);
        assert_eq!(table.get(0).err(), Some(RuntimeError::InvalidArgument));
        let (first, _) = table.push().unwrap();
        assert_eq!(first, 0);
        assert!(table.get(0).is_ok());
        assert_eq!(table.get(-1).err(), Some(RuntimeError::InvalidArgument));
        assert_eq!(table.get(1).err(), Some(RuntimeError::InvalidArgument));
        table.push().unwrap();
        assert_eq!(table.push().err(), Some(RuntimeError::TableFull));
    }
}
