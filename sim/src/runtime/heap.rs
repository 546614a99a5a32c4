//! The allocator over linear memory: first-fit over freed blocks, with
//! coalescing, on top of a bump pointer that grows memory on demand.
//!
//! Thread stacks live for the session; worlds and their snapshot buffers
//! are freed and their memory reused by a later block of any size that
//! fits. A freed block that touches the top lowers the top, so the next
//! bump can extend into it. Memory pages themselves are never returned:
//! wasm memory cannot shrink.
//!
//! Allocation is rare (a world, a thread), so a spin lock guards it. Its
//! critical sections never panic and never wait on anything, so spinning
//! is bounded even on the browser's main thread, which may not block.

use core::sync::atomic::{AtomicU32, AtomicUsize, Ordering};

use super::error::RuntimeError;

/// The size of one wasm page.
pub const PAGE_SIZE: usize = 64 * 1024;
/// How many separate free ranges the allocator remembers. Free ranges lie
/// between live blocks, so there are at most one more than live blocks:
/// 256 thread blocks plus 16 worlds and their 16 snapshot buffers need at
/// most 289. A free that would still need more is dropped (its memory is
/// lost for the session) rather than failing.
pub const MAX_FREE_RANGES: usize = 512;

/// Where pages come from: `memory.size`/`memory.grow` on wasm, a fake in tests.
pub trait PageSource {
    /// The current size in pages.
    fn size_pages(&self) -> usize;
    /// Grows by `delta` pages; returns the old size, or `None` at the maximum.
    fn grow(&self, delta: usize) -> Option<usize>;
}

/// Memory 0 of this module.
#[cfg(target_arch = "wasm32")]
#[derive(Debug, Clone, Copy, Default)]
pub struct LinearMemory;

#[cfg(target_arch = "wasm32")]
impl PageSource for LinearMemory {
    fn size_pages(&self) -> usize {
        core::arch::wasm32::memory_size::<0>()
    }

    fn grow(&self, delta: usize) -> Option<usize> {
        let old = core::arch::wasm32::memory_grow::<0>(delta);
        (old != usize::MAX).then_some(old)
    }
}

/// A free range `[start, start + len)`.
struct FreeRange {
    start: AtomicUsize,
    len: AtomicUsize,
}

/// The allocator. Every field is only written with `lock` held; the
/// atomics make the lock-free readers (`top`) well defined.
pub struct Heap {
    lock: AtomicU32,
    /// One past the highest byte handed out; 0 before the first allocation.
    top: AtomicUsize,
    /// Free ranges sorted by address, never touching each other or the top.
    ranges: [FreeRange; MAX_FREE_RANGES],
    range_count: AtomicUsize,
}

/// Holds the heap's lock until dropped.
struct Locked<'a>(&'a Heap);

impl Drop for Locked<'_> {
    fn drop(&mut self) {
        self.0.lock.store(0, Ordering::Release);
    }
}

const fn align_up(address: usize, align: usize) -> Option<usize> {
    match address.checked_add(align - 1) {
        Some(padded) => Some(padded & !(align - 1)),
        None => None,
    }
}

impl Heap {
    /// An allocator that has handed out nothing yet.
    pub const fn new() -> Self {
        Heap {
            lock: AtomicU32::new(0),
            top: AtomicUsize::new(0),
            ranges: [const { FreeRange { start: AtomicUsize::new(0), len: AtomicUsize::new(0) } }; MAX_FREE_RANGES],
            range_count: AtomicUsize::new(0),
        }
    }

    fn locked(&self) -> Locked<'_> {
        while self.lock.compare_exchange_weak(0, 1, Ordering::Acquire, Ordering::Relaxed).is_err() {
            core::hint::spin_loop();
        }
        Locked(self)
    }

    /// Reserves `size` bytes aligned to `align` (a power of two) and returns
    /// their address. The bytes hold whatever was there before; callers
    /// initialise what they use. On any error nothing is reserved and
    /// memory has not grown.
    pub fn alloc<P: PageSource>(
        &self,
        pages: &P,
        heap_base: usize,
        size: usize,
        align: usize,
    ) -> Result<usize, RuntimeError> {
        if size == 0 || !align.is_power_of_two() {
            return Err(RuntimeError::InvalidArgument);
        }
        let _locked = self.locked();
        if let Some(address) = self.take_first_fit(size, align) {
            return Ok(address);
        }
        self.bump(pages, heap_base, size, align)
    }

    /// Returns `[address, address + size)` (a block `alloc` handed out) for
    /// reuse. The caller must not touch it afterwards.
    pub fn free(&self, address: usize, size: usize) {
        if size == 0 {
            return;
        }
        let _locked = self.locked();
        self.insert_free(address, size);
        self.trim_top();
    }

    /// The first address not yet handed out by the bump pointer (0 before
    /// the first allocation).
    pub fn top(&self) -> usize {
        self.top.load(Ordering::Acquire)
    }

    /// Bytes in free ranges below the top.
    pub fn free_bytes(&self) -> usize {
        let _locked = self.locked();
        (0..self.count()).map(|i| self.range(i).1).sum()
    }

    fn count(&self) -> usize {
        self.range_count.load(Ordering::Relaxed)
    }

    fn range(&self, index: usize) -> (usize, usize) {
        let range = &self.ranges[index];
        (range.start.load(Ordering::Relaxed), range.len.load(Ordering::Relaxed))
    }

    fn set_range(&self, index: usize, start: usize, len: usize) {
        self.ranges[index].start.store(start, Ordering::Relaxed);
        self.ranges[index].len.store(len, Ordering::Relaxed);
    }

    fn remove_range(&self, index: usize) {
        let count = self.count();
        for i in index..count - 1 {
            let (start, len) = self.range(i + 1);
            self.set_range(i, start, len);
        }
        self.range_count.store(count - 1, Ordering::Relaxed);
    }

    /// Inserts a range at `index`; false when the list is full.
    fn insert_range(&self, index: usize, start: usize, len: usize) -> bool {
        let count = self.count();
        if count == MAX_FREE_RANGES {
            return false;
        }
        for i in (index..count).rev() {
            let (s, l) = self.range(i);
            self.set_range(i + 1, s, l);
        }
        self.set_range(index, start, len);
        self.range_count.store(count + 1, Ordering::Relaxed);
        true
    }

    /// First fit among the free ranges. A range is only split if its
    /// leftovers can be recorded, so no byte is ever lost by a split.
    fn take_first_fit(&self, size: usize, align: usize) -> Option<usize> {
        for index in 0..self.count() {
            let (start, len) = self.range(index);
            let end = start + len;
            let Some(aligned) = align_up(start, align) else { continue };
            let Some(block_end) = aligned.checked_add(size) else { continue };
            if block_end > end {
                continue;
            }
            let (before, after) = (aligned - start, end - block_end);
            let extra_slots = usize::from(before > 0) + usize::from(after > 0);
            if extra_slots == 2 && self.count() == MAX_FREE_RANGES {
                continue;
            }
            self.remove_range(index);
            let mut at = index;
            if before > 0 {
                self.insert_range(at, start, before);
                at += 1;
            }
            if after > 0 {
                self.insert_range(at, block_end, after);
            }
            return Some(aligned);
        }
        None
    }

    /// Allocates at the top, reusing a free range that ends there.
    fn bump<P: PageSource>(
        &self,
        pages: &P,
        heap_base: usize,
        size: usize,
        align: usize,
    ) -> Result<usize, RuntimeError> {
        let top = match self.top() {
            0 => heap_base,
            top => top,
        };
        let aligned = align_up(top, align).ok_or(RuntimeError::OutOfMemory)?;
        let end = aligned.checked_add(size).ok_or(RuntimeError::OutOfMemory)?;
        ensure_capacity(pages, end)?;
        // The alignment gap below the block stays usable by smaller blocks.
        if aligned > top {
            let count = self.count();
            let merged = count > 0 && {
                let (start, len) = self.range(count - 1);
                start + len == top && {
                    self.set_range(count - 1, start, len + aligned - top);
                    true
                }
            };
            if !merged {
                self.insert_range(count, top, aligned - top);
            }
        }
        self.top.store(end, Ordering::Release);
        Ok(aligned)
    }

    /// Adds a range, merging it with the neighbours it touches.
    fn insert_free(&self, start: usize, len: usize) {
        let end = start + len;
        let count = self.count();
        let index = (0..count).find(|&i| self.range(i).0 > start).unwrap_or(count);
        let touches_before = index > 0 && {
            let (s, l) = self.range(index - 1);
            s + l == start
        };
        let touches_after = index < count && self.range(index).0 == end;
        match (touches_before, touches_after) {
            (true, true) => {
                let (s, l) = self.range(index - 1);
                let (_, next_len) = self.range(index);
                self.set_range(index - 1, s, l + len + next_len);
                self.remove_range(index);
            }
            (true, false) => {
                let (s, l) = self.range(index - 1);
                self.set_range(index - 1, s, l + len);
            }
            (false, true) => {
                let (_, next_len) = self.range(index);
                self.set_range(index, start, len + next_len);
            }
            (false, false) => {
                // A full list drops the range; see MAX_FREE_RANGES.
                self.insert_range(index, start, len);
            }
        }
    }

    /// A free range that ends at the top becomes part of the unclaimed space.
    fn trim_top(&self) {
        let count = self.count();
        if count == 0 {
            return;
        }
        let (start, len) = self.range(count - 1);
        if start + len == self.top() {
            self.remove_range(count - 1);
            self.top.store(start, Ordering::Release);
        }
    }
}

impl Default for Heap {
    fn default() -> Self {
        Self::new()
    }
}

fn ensure_capacity<P: PageSource>(pages: &P, end: usize) -> Result<(), RuntimeError> {
    let needed_pages = end.div_ceil(PAGE_SIZE);
    loop {
        let have = pages.size_pages();
        if have >= needed_pages {
            return Ok(());
        }
        pages.grow(needed_pages - have).ok_or(RuntimeError::OutOfMemory)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    struct FakePages {
        size: AtomicUsize,
        max: usize,
    }

    impl PageSource for FakePages {
        fn size_pages(&self) -> usize {
            self.size.load(Ordering::SeqCst)
        }
        fn grow(&self, delta: usize) -> Option<usize> {
            let old = self.size.load(Ordering::SeqCst);
            (old + delta <= self.max).then(|| self.size.fetch_add(delta, Ordering::SeqCst))
        }
    }

    const HEAP_BASE: usize = 70_000;

    fn pages(max: usize) -> FakePages {
        FakePages { size: AtomicUsize::new(2), max }
    }

    #[test]
    fn starts_at_heap_base_aligns_and_grows_memory_first() {
        let pages = pages(10);
        let heap = Heap::new();
        let first = heap.alloc(&pages, HEAP_BASE, 100, 16).unwrap();
        assert_eq!(first, HEAP_BASE.next_multiple_of(16));
        let second = heap.alloc(&pages, HEAP_BASE, 3 * PAGE_SIZE, 4096).unwrap();
        assert_eq!(second % 4096, 0);
        assert!(second >= first + 100);
        assert!(pages.size_pages() * PAGE_SIZE >= second + 3 * PAGE_SIZE);
    }

    #[test]
    fn refuses_bad_arguments_and_reports_exhaustion_without_claiming_anything() {
        let pages = pages(3);
        let heap = Heap::new();
        assert_eq!(heap.alloc(&pages, HEAP_BASE, 0, 16), Err(RuntimeError::InvalidArgument));
        assert_eq!(heap.alloc(&pages, HEAP_BASE, 8, 3), Err(RuntimeError::InvalidArgument));
        assert_eq!(heap.alloc(&pages, HEAP_BASE, 4 * PAGE_SIZE, 16), Err(RuntimeError::OutOfMemory));
        assert_eq!(heap.alloc(&pages, HEAP_BASE, usize::MAX - 8, 16), Err(RuntimeError::OutOfMemory));
        assert_eq!(heap.top(), 0);
        assert_eq!(pages.size_pages(), 2, "a refused allocation grows nothing");
    }

    #[test]
    fn a_freed_block_is_reused_by_a_smaller_one_and_the_rest_stays_free() {
        let pages = pages(100);
        let heap = Heap::new();
        let big = heap.alloc(&pages, HEAP_BASE, 8 * PAGE_SIZE, 64).unwrap();
        let _guard = heap.alloc(&pages, HEAP_BASE, 64, 64).unwrap();
        let top = heap.top();
        heap.free(big, 8 * PAGE_SIZE);
        let small = heap.alloc(&pages, HEAP_BASE, 3 * PAGE_SIZE, 64).unwrap();
        assert_eq!(small, big, "first fit");
        assert_eq!(heap.top(), top, "no growth");
        let second = heap.alloc(&pages, HEAP_BASE, 5 * PAGE_SIZE, 64).unwrap();
        assert_eq!(second, big + 3 * PAGE_SIZE, "the remainder is reused too");
        assert_eq!(heap.top(), top);
    }

    #[test]
    fn neighbours_coalesce_so_a_larger_block_fits_where_two_were() {
        let pages = pages(100);
        let heap = Heap::new();
        let a = heap.alloc(&pages, HEAP_BASE, 4 * PAGE_SIZE, 64).unwrap();
        let b = heap.alloc(&pages, HEAP_BASE, 4 * PAGE_SIZE, 64).unwrap();
        let _pin = heap.alloc(&pages, HEAP_BASE, 64, 64).unwrap();
        let top = heap.top();
        let alignment_gap = heap.free_bytes();
        heap.free(b, 4 * PAGE_SIZE);
        heap.free(a, 4 * PAGE_SIZE);
        let both = heap.alloc(&pages, HEAP_BASE, 8 * PAGE_SIZE, 64).unwrap();
        assert_eq!(both, a);
        assert_eq!(heap.top(), top);
        assert_eq!(heap.free_bytes(), alignment_gap, "nothing left over from a and b");
    }

    #[test]
    fn a_freed_block_at_the_top_lowers_it_so_a_larger_block_extends_it() {
        let pages = pages(100);
        let heap = Heap::new();
        let _stack = heap.alloc(&pages, HEAP_BASE, 1000, 16).unwrap();
        let world = heap.alloc(&pages, HEAP_BASE, 4 * PAGE_SIZE, 64).unwrap();
        heap.free(world, 4 * PAGE_SIZE);
        assert!(heap.top() <= world);
        let bigger = heap.alloc(&pages, HEAP_BASE, 16 * PAGE_SIZE, 64).unwrap();
        assert_eq!(bigger, world, "grows from where the freed block began");
    }

    #[test]
    fn random_alloc_free_never_overlaps_and_frees_everything() {
        let pages = pages(4096);
        let heap = Heap::new();
        let mut live: Vec<(usize, usize)> = Vec::new();
        let mut state = 0x1234_5678u32;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state as usize
        };
        for _ in 0..5000 {
            if live.len() < 40 && next() % 3 != 0 {
                let size = 1 + next() % (3 * PAGE_SIZE);
                let align = 1 << (next() % 13);
                let address = heap.alloc(&pages, HEAP_BASE, size, align).unwrap();
                assert_eq!(address % align, 0);
                assert!(address >= HEAP_BASE && address + size <= heap.top());
                for &(other, other_size) in &live {
                    assert!(address + size <= other || other + other_size <= address, "overlap");
                }
                live.push((address, size));
            } else if !live.is_empty() {
                let (address, size) = live.swap_remove(next() % live.len());
                heap.free(address, size);
            }
        }
        for (address, size) in live.drain(..) {
            heap.free(address, size);
        }
        assert_eq!(heap.free_bytes(), 0, "everything coalesced into the top");
        assert!(heap.top() <= HEAP_BASE.next_multiple_of(4096));
    }

    #[test]
    fn concurrent_allocations_never_overlap() {
        let pages = std::sync::Arc::new(pages(1000));
        let heap = std::sync::Arc::new(Heap::new());
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let (pages, heap) = (pages.clone(), heap.clone());
                std::thread::spawn(move || {
                    (0..500).map(|i| (heap.alloc(&*pages, HEAP_BASE, 64 + i, 16).unwrap(), 64 + i)).collect::<Vec<_>>()
                })
            })
            .collect();
        let mut blocks: Vec<(usize, usize)> = handles.into_iter().flat_map(|h| h.join().unwrap()).collect();
        blocks.sort_unstable();
        for pair in blocks.windows(2) {
            assert!(pair[0].0 + pair[0].1 <= pair[1].0, "overlap: {pair:?}");
        }
    }
}
