//! The command log: every command the sim applied, with the step count of
//! the boundary it was applied at, for replays (docs/REPLAY_FORMAT.md).
//!
//! A single-producer / single-consumer ring in the world's region, like the
//! paint ring but the other way round: the thread that applies commands
//! (`apply_paint_queue`, which holds the world exclusively) appends, the
//! page takes. The log is off until a host turns it on. While it is on and
//! full, the sim applies no further commands: they wait in the paint ring
//! until the host has taken entries, so the log never loses one and always
//! says what the sim did.
//!
//! `take` copies the waiting entries into a second buffer of the region, so
//! a host reads plain words there instead of following the ring's wrap.

use core::sync::atomic::{AtomicU32, Ordering};

use super::error::SimError;
use super::paint::Command;

/// Entries the log holds; a power of two, and at least the paint ring's
/// capacity (so a full ring of commands always fits an empty log).
pub const COMMAND_LOG_CAPACITY: u32 = 1024;
/// 32-bit words per entry: step (low, high), the eight words of the
/// command (`Command::encode`), result.
pub const COMMAND_LOG_ENTRY_WORDS: u32 = 11;
/// Word offsets inside an entry (docs/REPLAY_FORMAT.md, "Where the commands come from").
pub const COMMAND_LOG_STEP_LOW: u32 = 0;
pub const COMMAND_LOG_STEP_HIGH: u32 = 1;
pub const COMMAND_LOG_KIND: u32 = 2;
pub const COMMAND_LOG_RESULT: u32 = 10;

const _: () = assert!(COMMAND_LOG_CAPACITY.is_power_of_two());
const _: () = assert!(COMMAND_LOG_CAPACITY >= super::paint::PAINT_RING_CAPACITY);

/// Words of all entries of one buffer (the ring, or the taken copy).
pub(super) const COMMAND_LOG_BUFFER_WORDS: usize = (COMMAND_LOG_CAPACITY * COMMAND_LOG_ENTRY_WORDS) as usize;

/// One applied command as the log stores it: the step it was applied at,
/// the command's eight ring words, and its result (1 when an undo or redo
/// undid or redid an entry, else 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LogEntry {
    pub(crate) step: u64,
    pub(crate) words: [i32; 8],
    pub(crate) result: u32,
}

impl LogEntry {
    fn to_words(self) -> [u32; COMMAND_LOG_ENTRY_WORDS as usize] {
        let mut out = [0u32; COMMAND_LOG_ENTRY_WORDS as usize];
        out[COMMAND_LOG_STEP_LOW as usize] = self.step as u32;
        out[COMMAND_LOG_STEP_HIGH as usize] = (self.step >> 32) as u32;
        for (slot, word) in out[COMMAND_LOG_KIND as usize..].iter_mut().zip(self.words) {
            *slot = word as u32;
        }
        out[COMMAND_LOG_RESULT as usize] = self.result;
        out
    }
}

/// The log's place in the world header.
#[derive(Debug)]
#[repr(C)]
pub(super) struct CommandLog {
    enabled: AtomicU32,
    /// Next entry to take and next to write; they count up forever
    /// (wrapping) and are reduced modulo the capacity.
    head: AtomicU32,
    tail: AtomicU32,
    /// `COMMAND_LOG_BUFFER_WORDS` words: the ring.
    ring: *const AtomicU32,
    /// `COMMAND_LOG_BUFFER_WORDS` words: where `take` copies entries to.
    taken: *const AtomicU32,
}

impl CommandLog {
    /// An empty, disabled log over two buffers of the region.
    ///
    /// # Safety
    ///
    /// `ring` and `taken` each point to `COMMAND_LOG_BUFFER_WORDS`
    /// initialised words that live as long as the log and are only accessed
    /// through it (and by hosts reading `taken`).
    pub(super) const unsafe fn new(ring: *const AtomicU32, taken: *const AtomicU32) -> CommandLog {
        CommandLog { enabled: AtomicU32::new(0), head: AtomicU32::new(0), tail: AtomicU32::new(0), ring, taken }
    }

    /// Turns the log on (emptied) or off. Called by the consumer.
    pub(super) fn set_enabled(&self, on: bool) {
        // Only the consumer moves `head`: dropping what is waiting is ours to do.
        self.head.store(self.tail.load(Ordering::Acquire), Ordering::Release);
        self.enabled.store(u32::from(on), Ordering::Release);
    }

    fn is_enabled(&self) -> bool {
        self.enabled.load(Ordering::Acquire) != 0
    }

    /// Producer side: whether one more entry can be appended (always, while
    /// the log is off).
    pub(super) fn has_room(&self) -> bool {
        if !self.is_enabled() {
            return true;
        }
        // Acquire: the consumer has finished copying the entries before `head`.
        let head = self.head.load(Ordering::Acquire);
        self.tail.load(Ordering::Relaxed).wrapping_sub(head) < COMMAND_LOG_CAPACITY
    }

    fn ring_word(&self, position: u32, word: usize) -> &AtomicU32 {
        let index = (position % COMMAND_LOG_CAPACITY) as usize * COMMAND_LOG_ENTRY_WORDS as usize + word;
        // SAFETY: `index < COMMAND_LOG_BUFFER_WORDS`; the words live as long
        // as the log (contract of `new`) and are only accessed atomically.
        unsafe { &*self.ring.add(index) }
    }

    /// Producer side: appends `entry` if the log is on. The caller checked
    /// `has_room` (a full log drops nothing: the entry is simply not
    /// written, which `apply_paint_queue` never lets happen).
    pub(super) fn append(&self, entry: LogEntry) {
        if !self.is_enabled() || !self.has_room() {
            return;
        }
        let tail = self.tail.load(Ordering::Relaxed);
        for (word, value) in entry.to_words().into_iter().enumerate() {
            self.ring_word(tail, word).store(value, Ordering::Relaxed);
        }
        // Release: the entry is written before the consumer can see it.
        self.tail.store(tail.wrapping_add(1), Ordering::Release);
    }

    /// Consumer side: copies every waiting entry, oldest first, into the
    /// taken buffer and returns how many.
    pub(super) fn take(&self) -> u32 {
        let head = self.head.load(Ordering::Relaxed);
        // Acquire: the entries before `tail` are fully written.
        let tail = self.tail.load(Ordering::Acquire);
        let count = tail.wrapping_sub(head).min(COMMAND_LOG_CAPACITY);
        for entry in 0..count {
            for word in 0..COMMAND_LOG_ENTRY_WORDS as usize {
                let value = self.ring_word(head.wrapping_add(entry), word).load(Ordering::Relaxed);
                let index = entry as usize * COMMAND_LOG_ENTRY_WORDS as usize + word;
                // SAFETY: `index < COMMAND_LOG_BUFFER_WORDS` (`count` is at
                // most the capacity); the words live as long as the log.
                unsafe { &*self.taken.add(index) }.store(value, Ordering::Relaxed);
            }
        }
        // Release: we are done reading those entries.
        self.head.store(head.wrapping_add(count), Ordering::Release);
        count
    }

    /// Entries waiting to be taken.
    #[cfg(test)]
    pub(super) fn waiting(&self) -> u32 {
        self.tail.load(Ordering::Acquire).wrapping_sub(self.head.load(Ordering::Acquire))
    }

    /// The taken buffer, for hosts: `take`'s entries, `COMMAND_LOG_ENTRY_WORDS` words each.
    pub(super) fn taken_ptr(&self) -> *const AtomicU32 {
        self.taken
    }

    /// Entry `index` of the taken buffer (after `take` returned more than `index`).
    #[cfg_attr(not(test), allow(dead_code, reason = "tests read entries back; hosts read the memory"))]
    pub(crate) fn taken_entry(&self, index: u32) -> LogEntry {
        let word = |word: u32| {
            let at = (index % COMMAND_LOG_CAPACITY * COMMAND_LOG_ENTRY_WORDS + word) as usize;
            // SAFETY: `at < COMMAND_LOG_BUFFER_WORDS`; the words live as long as the log.
            unsafe { &*self.taken.add(at) }.load(Ordering::Relaxed)
        };
        let mut words = [0i32; 8];
        for (i, slot) in words.iter_mut().enumerate() {
            *slot = word(COMMAND_LOG_KIND + i as u32) as i32;
        }
        LogEntry {
            step: u64::from(word(COMMAND_LOG_STEP_LOW)) | (u64::from(word(COMMAND_LOG_STEP_HIGH)) << 32),
            words,
            result: word(COMMAND_LOG_RESULT),
        }
    }
}

impl super::world::World {
    /// Turns the command log on (emptied) or off. Meant for the one thread
    /// that takes entries (the page).
    pub fn set_command_log(&self, on: bool) {
        self.command_log.set_enabled(on);
    }

    /// Moves the waiting log entries into the taken buffer
    /// (`command_log_taken`) and returns how many.
    pub fn take_command_log(&self) -> u32 {
        self.command_log.take()
    }

    /// Where `take_command_log` put its entries: `COMMAND_LOG_ENTRY_WORDS`
    /// words each, for hosts that read memory.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code, reason = "only the wasm exports call it"))]
    pub(crate) fn command_log_taken_ptr(&self) -> *const AtomicU32 {
        self.command_log.taken_ptr()
    }

    /// Entry `index` of the last `take_command_log`.
    pub fn command_log_entry(&self, index: u32) -> ([i32; 8], u64, u32) {
        let entry = self.command_log.taken_entry(index);
        (entry.words, entry.step, entry.result)
    }

    /// Queues a command given as its eight words in slot order (a log
    /// entry's, a replay event's), due at the boundary where the step count
    /// is `due` (`enqueue_due`; 0: the next): `InvalidArgument` for words
    /// that make no command, `QueueFull` when the ring is full.
    pub fn enqueue_command_words(&self, words: [i32; 8], due: u64) -> Result<(), SimError> {
        let command = Command::from_words(words, (self.width, self.height)).ok_or(SimError::InvalidArgument)?;
        self.enqueue_due(command, due)
    }
}
