//! A lock-free bump allocator over linear memory that grows it on demand.
//!
//! Everything quicksand allocates (thread stacks, TLS blocks, worlds) lives
//! for the whole session, so a bump pointer is enough. It starts at
//! `__heap_base` and never assumes memory beyond the current size exists:
//! it calls `memory.grow` first.

use core::sync::atomic::{AtomicUsize, Ordering};

use super::error::RuntimeError;

/// The size of one wasm page.
pub const PAGE_SIZE: usize = 64 * 1024;

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

/// The bump pointer. Zero means "not started": the first allocation begins
/// at the heap base the caller passes.
pub struct BumpHeap {
    top: AtomicUsize,
}

impl BumpHeap {
    /// An allocator that has handed out nothing yet.
    pub const fn new() -> Self {
        BumpHeap { top: AtomicUsize::new(0) }
    }

    /// Reserves `size` bytes aligned to `align` (a power of two) and returns
    /// their address. The bytes are zero only if memory was never written
    /// there; callers initialise what they use.
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
        let mut current = self.top.load(Ordering::Acquire);
        loop {
            let start = if current == 0 { heap_base } else { current };
            let aligned = start.checked_add(align - 1).ok_or(RuntimeError::OutOfMemory)? & !(align - 1);
            let end = aligned.checked_add(size).ok_or(RuntimeError::OutOfMemory)?;
            // Grow before claiming: a racing thread may over-grow a little,
            // which is harmless, but nobody ever gets memory that isn't there.
            ensure_capacity(pages, end)?;
            match self.top.compare_exchange_weak(current, end, Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) => return Ok(aligned),
                Err(observed) => current = observed,
            }
        }
    }

    /// The first address not yet handed out (0 before the first allocation).
    pub fn top(&self) -> usize {
        self.top.load(Ordering::Acquire)
    }
}

impl Default for BumpHeap {
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

    #[test]
    fn starts_at_heap_base_aligns_and_grows_memory_first() {
        let pages = FakePages { size: AtomicUsize::new(2), max: 10 };
        let heap = BumpHeap::new();
        let first = heap.alloc(&pages, HEAP_BASE, 100, 16).unwrap();
        assert_eq!(first, HEAP_BASE.next_multiple_of(16));
        let second = heap.alloc(&pages, HEAP_BASE, 3 * PAGE_SIZE, 4096).unwrap();
        assert_eq!(second % 4096, 0);
        assert!(second >= first + 100);
        assert!(pages.size_pages() * PAGE_SIZE >= second + 3 * PAGE_SIZE);
    }

    #[test]
    fn refuses_bad_arguments_and_reports_exhaustion() {
        let pages = FakePages { size: AtomicUsize::new(2), max: 3 };
        let heap = BumpHeap::new();
        assert_eq!(heap.alloc(&pages, HEAP_BASE, 0, 16), Err(RuntimeError::InvalidArgument));
        assert_eq!(heap.alloc(&pages, HEAP_BASE, 8, 3), Err(RuntimeError::InvalidArgument));
        assert_eq!(heap.alloc(&pages, HEAP_BASE, 4 * PAGE_SIZE, 16), Err(RuntimeError::OutOfMemory));
        assert_eq!(heap.alloc(&pages, HEAP_BASE, usize::MAX - 8, 16), Err(RuntimeError::OutOfMemory));
        // A failed allocation claims nothing.
        assert_eq!(heap.top(), 0);
    }

    #[test]
    fn concurrent_allocations_never_overlap() {
        let pages = std::sync::Arc::new(FakePages { size: AtomicUsize::new(2), max: 1000 });
        let heap = std::sync::Arc::new(BumpHeap::new());
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
