//! Undo and redo, taken by the sim itself at step boundaries.
//!
//! The page sends "the strokes from here on are stroke N" (`BeginStroke`),
//! the strokes, `Undo`, `Redo` and scenes through the paint ring
//! (`paint.rs`), so they apply in order at the start of a step while a crew
//! keeps stepping, or at once on an idle world (`World::apply_pending`).
//!
//! **What is saved.** Right before a stroke changes a chunk for the first
//! time, the chunk is saved: its material, state and temperature planes and its `next`
//! dirty rectangle (what the coming step looks at), which is everything of
//! a chunk that the hash and the future depend on. A stroke that moves on
//! to new chunks saves them as it reaches them, at whichever boundary that
//! is; the first command of a stroke with a new id opens a new entry. A
//! scene saves every chunk. Frame stale bits are not saved: a restored
//! chunk is marked stale in both frame buffers, so it is drawn again.
//!
//! **Undo and redo swap.** An entry's records hold the chunks as they were
//! before it; undo swaps them with the world's bytes, so afterwards the
//! records hold the world as it was at the undo, and redo swaps back. No
//! second copy is ever kept. Undoing at the boundary the stroke was applied
//! at (a paused world: `apply_pending`, undo, `apply_pending`) restores the
//! hash exactly, and the future too, because the dirty rectangles come
//! back as well. If steps ran in between, the rest of the world kept
//! running (only the entry's chunks go back), and the restored chunks and
//! their margins are marked dirty, so the next step settles their edges.
//! The step count is kept: undo is an edit at a step boundary, like a
//! stroke, and time does not go back.
//!
//! **Memory.** One heap block per world (allocated by the exports on the
//! first history command, freed with the world): a ledger, one mark per
//! chunk, and a ring of records of `HISTORY_BUDGET_MIB` MiB at most, and
//! for small worlds no more than `HISTORY_WHOLE_WORLDS` saves of every
//! chunk. When a record does not fit, the oldest entries are dropped; an
//! entry that alone does not fit clears the history and is not recorded.
//! A new edit drops the redo entries; a loaded save clears the history
//! (`clear_history`).

use core::mem::size_of;
use core::sync::atomic::{AtomicU32, AtomicUsize, Ordering};

use super::dirty::Rect;
use super::error::SimError;
use super::layout::{CHUNK_SHIFT, CHUNK_SIZE};
use super::neighborhood::{DIRTY_MARGIN_X, DIRTY_MARGIN_Y};
use super::scene::Scene;
use super::world::World;

/// The most memory one world's history uses, in MiB.
pub const HISTORY_BUDGET_MIB: u32 = 64;
/// For small worlds the history holds at most this many saves of every
/// chunk (so a 64² world does not take 64 MiB).
pub const HISTORY_WHOLE_WORLDS: u32 = 16;
/// Alignment of the history block and of every record in it.
pub(crate) const HISTORY_ALIGN: usize = 8;

#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code, reason = "only the wasm exports use it"))]
const HISTORY_BUDGET_BYTES: usize = (HISTORY_BUDGET_MIB as usize) << 20;
/// No record (links), no chunk.
const NONE: u32 = u32::MAX;
/// `open`: the current stroke has no entry yet.
const NO_ENTRY: u32 = 0;
/// `open`: the current stroke did not fit and is not recorded.
const NOT_RECORDED: u32 = u32::MAX;

/// The history's place in the world header: the block, and the numbers
/// other threads may read while a step applies commands.
#[derive(Debug)]
pub(super) struct HistoryArena {
    base: AtomicUsize,
    undo_depth: AtomicU32,
    redo_depth: AtomicU32,
    bytes: AtomicU32,
}

impl HistoryArena {
    /// No history block yet.
    pub(super) const fn new() -> HistoryArena {
        HistoryArena {
            base: AtomicUsize::new(0),
            undo_depth: AtomicU32::new(0),
            redo_depth: AtomicU32::new(0),
            bytes: AtomicU32::new(0),
        }
    }
}

/// The start of the history block. Only touched with the world's
/// exclusive access.
#[repr(C)]
struct Ledger {
    chunk_count: u32,
    ring_len: u32,
    /// Records in the ring, oldest at `tail`, newest at `last`; the next
    /// one goes at or after `head`.
    records: u32,
    tail: u32,
    head: u32,
    last: u32,
    /// Entries `oldest..=newest` are in the ring (none if `oldest >
    /// newest`); `done` is the newest one not undone.
    oldest: u32,
    done: u32,
    newest: u32,
    /// Bumped for each new entry; `marks[chunk] == epoch` means the chunk
    /// is saved in the open entry.
    epoch: u32,
    /// The current stroke id (0: strokes are not recorded).
    stroke: u32,
    /// The entry the current stroke records into, `NO_ENTRY` or
    /// `NOT_RECORDED`.
    open: u32,
    /// Bytes of records held.
    bytes: u32,
}

/// Bytes of one cell's temperature in a record.
const TEMPERATURE_ROW_BYTES: usize = core::mem::size_of::<super::temperature::Temperature>();
/// Bytes a record keeps per cell: material, state, temperature.
const BYTES_PER_CELL: usize = 2 + TEMPERATURE_ROW_BYTES;

/// One saved chunk; its material bytes, then its state bytes, then its
/// temperatures (native `i16`s: they only ever go back into this memory)
/// follow, row by row.
#[repr(C)]
struct RecordHeader {
    serial: u32,
    chunk: u32,
    /// Bytes of the whole record, a multiple of `HISTORY_ALIGN`.
    size: u32,
    prev: u32,
    next: u32,
    /// Low bits of the step count when the record was last written: if
    /// steps ran since, a swap wakes the chunk's surroundings.
    step: u32,
    /// The chunk's `next` dirty rectangle.
    rect: [i32; 4],
}

const fn align(value: usize) -> usize {
    (value + HISTORY_ALIGN - 1) & !(HISTORY_ALIGN - 1)
}

const LEDGER_BYTES: usize = align(size_of::<Ledger>());
const RECORD_HEADER_BYTES: usize = size_of::<RecordHeader>();
const _: () = assert!(RECORD_HEADER_BYTES.is_multiple_of(HISTORY_ALIGN));
const _: () = assert!(core::mem::align_of::<Ledger>() <= HISTORY_ALIGN);
const _: () = assert!(core::mem::align_of::<RecordHeader>() <= HISTORY_ALIGN);

/// The history block of a world, borrowed with exclusive access.
struct Book<'a> {
    world: &'a World,
    ledger: &'a mut Ledger,
    marks: *mut u32,
    ring: *mut u8,
}

impl World {
    /// Bytes of the history block of this world.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code, reason = "only the wasm exports call it"))]
    pub(crate) fn history_bytes_needed(&self) -> usize {
        let cells = self.width as usize * self.height as usize;
        // Every chunk once, each record padded by less than the alignment.
        let whole_world = self.chunk_count * (RECORD_HEADER_BYTES + HISTORY_ALIGN) + BYTES_PER_CELL * cells;
        let ring = align(HISTORY_BUDGET_BYTES.min(HISTORY_WHOLE_WORLDS as usize * whole_world));
        self.ring_offset() + ring
    }

    fn ring_offset(&self) -> usize {
        LEDGER_BYTES + align(self.chunk_count * size_of::<u32>())
    }

    /// Whether a history block is attached.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code, reason = "only the wasm exports call it"))]
    pub(crate) fn has_history(&self) -> bool {
        self.history.base.load(Ordering::Acquire) != 0
    }

    /// Makes the `len` bytes at `block` this world's history. `OutOfMemory`
    /// if `len` is below `history_bytes_needed`, `InvalidArgument` for a
    /// misaligned block or when the world already has one (the caller
    /// keeps its block then).
    ///
    /// # Safety
    ///
    /// `block` is valid for reads and writes of `len` bytes for as long as
    /// the world lives, and nothing else touches them.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code, reason = "only the wasm exports call it"))]
    pub(crate) unsafe fn attach_history(&self, block: *mut u8, len: usize) -> Result<(), SimError> {
        if len < self.history_bytes_needed() {
            return Err(SimError::OutOfMemory);
        }
        if block.is_null() || !(block as usize).is_multiple_of(HISTORY_ALIGN) || self.has_history() {
            return Err(SimError::InvalidArgument);
        }
        let ring_len = (self.history_bytes_needed() - self.ring_offset()) as u32;
        let ledger = Ledger {
            chunk_count: self.chunk_count as u32,
            ring_len,
            records: 0,
            tail: 0,
            head: 0,
            last: NONE,
            oldest: 1,
            done: 0,
            newest: 0,
            epoch: 0,
            stroke: 0,
            open: NO_ENTRY,
            bytes: 0,
        };
        // SAFETY: the block is ours, long enough and aligned (checked), and
        // not yet published, so nobody else reads it.
        unsafe {
            block.cast::<Ledger>().write(ledger);
            core::ptr::write_bytes(block.add(LEDGER_BYTES).cast::<u32>(), 0, self.chunk_count);
        }
        // Release: the ledger is written before a step can see the block.
        if self.history.base.compare_exchange(0, block as usize, Ordering::Release, Ordering::Relaxed).is_err() {
            return Err(SimError::InvalidArgument);
        }
        Ok(())
    }

    /// Entries that undo can take back (as of the last applied command).
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code, reason = "only the wasm exports call it"))]
    pub(crate) fn undo_depth(&self) -> u32 {
        self.history.undo_depth.load(Ordering::Relaxed)
    }

    /// Entries that redo can bring back.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code, reason = "only the wasm exports call it"))]
    pub(crate) fn redo_depth(&self) -> u32 {
        self.history.redo_depth.load(Ordering::Relaxed)
    }

    /// Bytes of saved chunks the history holds.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code, reason = "only the wasm exports call it"))]
    pub(crate) fn history_bytes(&self) -> u32 {
        self.history.bytes.load(Ordering::Relaxed)
    }

    /// The history block, if any.
    ///
    /// # Safety
    ///
    /// The caller has exclusive access to the world (which covers its
    /// history block), for as long as the book lives.
    unsafe fn book(&self) -> Option<Book<'_>> {
        // Acquire: pairs with the release in `attach_history`.
        let base = self.history.base.load(Ordering::Acquire) as *mut u8;
        if base.is_null() {
            return None;
        }
        // SAFETY: an attached block starts with an initialised ledger and
        // holds the marks and the ring after it (`attach_history`); the
        // caller's exclusive access keeps everyone else away.
        unsafe {
            Some(Book {
                world: self,
                ledger: &mut *base.cast::<Ledger>(),
                marks: base.add(LEDGER_BYTES).cast::<u32>(),
                ring: base.add(self.ring_offset()),
            })
        }
    }

    /// Applies a `BeginStroke`: strokes from here on belong to stroke `id`.
    /// The same id again continues the stroke's entry.
    ///
    /// # Safety
    ///
    /// The caller has exclusive access to the world.
    pub(super) unsafe fn history_begin_stroke(&self, id: u32) {
        // SAFETY: exclusive access (caller).
        if let Some(book) = unsafe { self.book() } {
            if book.ledger.stroke != id {
                book.ledger.stroke = id;
                book.ledger.open = NO_ENTRY;
            }
        }
    }

    /// Called by a stroke before it changes the cells or the activity of
    /// `rect`: saves each chunk there that the open entry does not hold yet.
    /// A stroke of no stroke id is not recorded, but it is a new edit, so
    /// it drops the redo entries.
    ///
    /// # Safety
    ///
    /// The caller has exclusive access to the world.
    pub(super) unsafe fn history_before_change(&self, rect: &Rect) {
        let rect = rect.intersect(&self.bounds());
        if rect.is_empty() {
            return;
        }
        // SAFETY: exclusive access (caller).
        let Some(mut book) = (unsafe { self.book() }) else {
            return;
        };
        if book.ledger.stroke == 0 {
            book.drop_redo();
        } else if book.ledger.open != NOT_RECORDED {
            if book.ledger.open == NO_ENTRY {
                book.open_entry();
            }
            let (cx0, cx1) = (rect.x0 as u32 >> CHUNK_SHIFT, (rect.x1 - 1) as u32 >> CHUNK_SHIFT);
            let (cy0, cy1) = (rect.y0 as u32 >> CHUNK_SHIFT, (rect.y1 - 1) as u32 >> CHUNK_SHIFT);
            'rows: for cy in cy0..=cy1 {
                for cx in cx0..=cx1 {
                    if !book.save_once((cy * self.chunks_x + cx) as usize) {
                        break 'rows;
                    }
                }
            }
        }
        book.publish();
    }

    /// Applies an `Undo`: the newest entry not undone goes back. Returns
    /// whether there was one (the command log's result word).
    ///
    /// # Safety
    ///
    /// The caller has exclusive access to the world.
    pub(super) unsafe fn history_undo(&self) -> bool {
        // SAFETY: exclusive access (caller).
        let Some(mut book) = (unsafe { self.book() }) else { return false };
        book.ledger.open = NO_ENTRY;
        let done = book.ledger.done;
        let undone = done >= book.ledger.oldest;
        if undone {
            book.swap_entry(done);
            book.ledger.done = done - 1;
        }
        book.publish();
        undone
    }

    /// Applies a `Redo`: the oldest undone entry comes back. Returns
    /// whether there was one.
    ///
    /// # Safety
    ///
    /// The caller has exclusive access to the world.
    pub(super) unsafe fn history_redo(&self) -> bool {
        // SAFETY: exclusive access (caller).
        let Some(mut book) = (unsafe { self.book() }) else { return false };
        book.ledger.open = NO_ENTRY;
        let next = book.ledger.done + 1;
        let redone = next <= book.ledger.newest;
        if redone {
            book.swap_entry(next);
            book.ledger.done = next;
        }
        book.publish();
        redone
    }

    /// Replaces every cell with `scene`, recorded as an entry of its own
    /// when the world has a history.
    ///
    /// # Safety
    ///
    /// The caller has exclusive access to the world.
    pub(super) unsafe fn load_scene_recorded(&self, scene: Scene) {
        // SAFETY: exclusive access (caller).
        if let Some(mut book) = unsafe { self.book() } {
            book.open_entry();
            for chunk in 0..self.chunk_count {
                if !book.save_once(chunk) {
                    break;
                }
            }
            // The stroke that goes on after a scene starts an entry of its own.
            book.ledger.open = NO_ENTRY;
            book.publish();
        }
        // SAFETY: exclusive access (caller).
        unsafe { self.load_scene_exclusive(scene) };
    }

    /// `qs_world_scene`: the scene now, recorded like a queued one.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code, reason = "only the wasm exports call it"))]
    pub(crate) fn replace_with_scene(&self, scene: Scene) {
        let _exclusive = self.exclusive.lock();
        // SAFETY: the lock is held.
        unsafe { self.load_scene_recorded(scene) };
    }

    /// Forgets every entry (a loaded save replaced the world wholesale).
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code, reason = "only the wasm exports call it"))]
    pub(crate) fn clear_history(&self) {
        let _exclusive = self.exclusive.lock();
        // SAFETY: the lock is held.
        if let Some(mut book) = unsafe { self.book() } {
            book.clear();
            book.publish();
        }
    }
}

impl Book<'_> {
    /// The header of the record at `at`.
    fn record(&mut self, at: u32) -> &mut RecordHeader {
        assert!(at as usize + RECORD_HEADER_BYTES <= self.ledger.ring_len as usize);
        // SAFETY: `at` is the offset of a record inside the ring (checked
        // against its length), 8-aligned like the ring; exclusive access.
        unsafe { &mut *self.ring.add(at as usize).cast::<RecordHeader>() }
    }

    /// Copies the depths for other threads to read.
    fn publish(&self) {
        let l = &self.ledger;
        let undo = if l.done >= l.oldest { l.done - l.oldest + 1 } else { 0 };
        let arena = &self.world.history;
        arena.undo_depth.store(undo, Ordering::Relaxed);
        arena.redo_depth.store(l.newest - l.done, Ordering::Relaxed);
        arena.bytes.store(l.bytes, Ordering::Relaxed);
    }

    /// Empties the ring; no entry is left to undo or redo.
    fn clear(&mut self) {
        let l = &mut *self.ledger;
        (l.records, l.tail, l.head, l.last, l.bytes) = (0, 0, 0, NONE, 0);
        l.oldest = l.newest + 1;
        l.done = l.newest;
        l.open = NO_ENTRY;
    }

    /// Starts a new entry for the current stroke (or a scene), dropping the
    /// redo entries first.
    fn open_entry(&mut self) {
        self.drop_redo();
        let l = &mut *self.ledger;
        l.newest += 1;
        l.done = l.newest;
        l.open = l.newest;
        // 0 is what fresh marks hold; skip it when the epoch wraps.
        l.epoch = l.epoch.wrapping_add(1).max(1);
    }

    /// Removes the entries newer than `done` (they are at the ring's end).
    fn drop_redo(&mut self) {
        while self.ledger.last != NONE {
            let last = self.ledger.last;
            let (serial, size, prev) = {
                let record = self.record(last);
                (record.serial, record.size, record.prev)
            };
            if serial <= self.ledger.done {
                break;
            }
            let l = &mut *self.ledger;
            (l.head, l.last, l.records, l.bytes) = (last, prev, l.records - 1, l.bytes - size);
        }
        if self.ledger.last != NONE {
            let last = self.ledger.last;
            self.record(last).next = NONE;
        } else {
            self.reset_if_empty();
        }
        self.ledger.newest = self.ledger.done;
    }

    /// Drops the oldest entry.
    fn drop_oldest(&mut self) {
        let serial = self.ledger.oldest;
        while self.ledger.records > 0 {
            let tail = self.ledger.tail;
            let (record_serial, size, next) = {
                let record = self.record(tail);
                (record.serial, record.size, record.next)
            };
            if record_serial != serial {
                break;
            }
            let l = &mut *self.ledger;
            (l.tail, l.records, l.bytes) = (next, l.records - 1, l.bytes - size);
            if next != NONE {
                self.record(next).prev = NONE;
            }
        }
        self.reset_if_empty();
        self.ledger.oldest = serial + 1;
    }

    fn reset_if_empty(&mut self) {
        if self.ledger.records == 0 {
            let l = &mut *self.ledger;
            (l.tail, l.head, l.last) = (0, 0, NONE);
        }
    }

    /// Where `size` bytes fit in the free part of the ring, if they do.
    fn free_place(&self, size: u32) -> Option<u32> {
        let l = &*self.ledger;
        let (head, tail, len) = (l.head as u64, l.tail as u64, l.ring_len as u64);
        let size = size as u64;
        let place = if l.records == 0 || head > tail {
            // Live records in tail..head; free: head..len, then 0..tail.
            if head + size <= len {
                Some(head)
            } else if size <= tail {
                Some(0)
            } else {
                None
            }
        } else if head < tail && head + size <= tail {
            // Wrapped: live in tail..len and 0..head; free: head..tail.
            Some(head)
        } else {
            None
        };
        place.map(|at| at as u32)
    }

    /// Saves chunk `chunk` into the open entry unless it holds it already.
    /// False when the entry no longer fits (the history is then cleared
    /// and the rest of the stroke is not recorded).
    fn save_once(&mut self, chunk: usize) -> bool {
        let epoch = self.ledger.epoch;
        // SAFETY: `chunk < chunk_count`, the marks' length; exclusive access.
        let mark = unsafe { &mut *self.marks.add(chunk) };
        if *mark == epoch {
            return true;
        }
        let rect = self.world.chunk_rect(chunk as u32 % self.world.chunks_x, chunk as u32 / self.world.chunks_x);
        let (w, h) = ((rect.x1 - rect.x0) as usize, (rect.y1 - rect.y0) as usize);
        let size = align(RECORD_HEADER_BYTES + BYTES_PER_CELL * w * h) as u32;
        let at = loop {
            if let Some(at) = self.free_place(size) {
                break at;
            }
            if self.ledger.oldest < self.ledger.open {
                self.drop_oldest();
                continue;
            }
            self.clear();
            self.ledger.open = NOT_RECORDED;
            return false;
        };
        // SAFETY: as above.
        unsafe { *self.marks.add(chunk) = epoch };
        let saved = self.world.chunk(chunk).next.load();
        let step = self.world.step_count() as u32;
        let (serial, last) = (self.ledger.open, self.ledger.last);
        *self.record(at) = RecordHeader {
            serial,
            chunk: chunk as u32,
            size,
            prev: last,
            next: NONE,
            step,
            rect: [saved.x0, saved.y0, saved.x1, saved.y1],
        };
        // SAFETY: the record's `size` bytes lie in the free part of the
        // ring (`free_place`), the data after the header holds
        // `BYTES_PER_CELL * w * h` bytes; the rows are world rows of this chunk; exclusive access.
        unsafe {
            let data = self.ring.add(at as usize + RECORD_HEADER_BYTES);
            for (row, y) in (rect.y0..rect.y1).enumerate() {
                let index = self.world.cell_index(rect.x0, y);
                core::ptr::copy_nonoverlapping(self.world.material.offset(index), data.add(row * w), w);
                core::ptr::copy_nonoverlapping(self.world.state.offset(index), data.add((h + row) * w), w);
                core::ptr::copy_nonoverlapping(
                    self.world.temperature.offset(index).cast::<u8>(),
                    data.add(2 * h * w + row * TEMPERATURE_ROW_BYTES * w),
                    TEMPERATURE_ROW_BYTES * w,
                );
            }
        }
        if last != NONE {
            self.record(last).next = at;
        } else {
            self.ledger.tail = at;
        }
        let l = &mut *self.ledger;
        (l.last, l.head, l.records, l.bytes) = (at, at + size, l.records + 1, l.bytes + size);
        true
    }

    /// Swaps every record of entry `serial` with the world (undo or redo).
    fn swap_entry(&mut self, serial: u32) {
        let mut at = self.ledger.last;
        while at != NONE {
            let (record_serial, prev) = {
                let record = self.record(at);
                (record.serial, record.prev)
            };
            if record_serial < serial {
                break;
            }
            if record_serial == serial {
                self.swap_record(at);
            }
            at = prev;
        }
    }

    /// Swaps one saved chunk with the world's: cells and `next` rectangle.
    fn swap_record(&mut self, at: u32) {
        let world = self.world;
        let step = world.step_count() as u32;
        let record = self.record(at);
        let chunk = record.chunk as usize;
        let rect = world.chunk_rect(chunk as u32 % world.chunks_x, chunk as u32 / world.chunks_x);
        let (w, h) = ((rect.x1 - rect.x0) as usize, (rect.y1 - rect.y0) as usize);
        let [x0, y0, x1, y1] = record.rect;
        let state = world.chunk(chunk);
        let now = state.next.load();
        state.next.store(&Rect { x0, y0, x1, y1 });
        record.rect = [now.x0, now.y0, now.x1, now.y1];
        let woken = record.step != step;
        record.step = step;
        // SAFETY: the record's data holds `BYTES_PER_CELL * w * h` bytes after its
        // header (it was written for this chunk by `save_once`); the rows
        // are world rows of the chunk; exclusive access.
        unsafe {
            let data = self.ring.add(at as usize + RECORD_HEADER_BYTES);
            for (row, y) in (rect.y0..rect.y1).enumerate() {
                let index = world.cell_index(rect.x0, y);
                core::ptr::swap_nonoverlapping(world.material.offset(index), data.add(row * w), w);
                core::ptr::swap_nonoverlapping(world.state.offset(index), data.add((h + row) * w), w);
                core::ptr::swap_nonoverlapping(
                    world.temperature.offset(index).cast::<u8>(),
                    data.add(2 * h * w + row * TEMPERATURE_ROW_BYTES * w),
                    TEMPERATURE_ROW_BYTES * w,
                );
            }
        }
        state.mark_stale();
        if woken {
            // Steps ran since: what lies around the restored cells moved on,
            // so the next step must look at the chunk and its margins.
            let grown = Rect {
                x0: rect.x0 - DIRTY_MARGIN_X,
                y0: rect.y0 - DIRTY_MARGIN_Y,
                x1: rect.x1 + DIRTY_MARGIN_X,
                y1: rect.y1 + DIRTY_MARGIN_Y,
            };
            world.mark_rect(&grown);
        }
    }
}

const _: () =
    assert!(CHUNK_SIZE as usize * CHUNK_SIZE as usize * BYTES_PER_CELL + RECORD_HEADER_BYTES <= u32::MAX as usize);
