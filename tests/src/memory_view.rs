//! Reading and writing words of the shared memory from the host.

use anyhow::{Context, Result};
use wasmtime::SharedMemory;

fn cells(memory: &SharedMemory, address: u32, len: usize) -> Result<&[std::cell::UnsafeCell<u8>]> {
    let start = address as usize;
    memory.data().get(start..start + len).with_context(|| format!("address {address:#x}+{len} is outside memory"))
}

/// Reads a little-endian u32. Other threads may be writing: the read is
/// volatile byte by byte, so it is never torn into UB, only stale.
pub fn read_u32(memory: &SharedMemory, address: u32) -> Result<u32> {
    let mut bytes = [0u8; 4];
    for (byte, cell) in bytes.iter_mut().zip(cells(memory, address, 4)?) {
        // SAFETY: the cell is inside the memory's current length; a volatile
        // read of a byte shared with wasm threads is how wasmtime documents
        // host access to shared memory.
        *byte = unsafe { std::ptr::read_volatile(cell.get()) };
    }
    Ok(u32::from_le_bytes(bytes))
}

/// Writes a little-endian u32 (tests use it to simulate a broken loader).
pub fn write_u32(memory: &SharedMemory, address: u32, value: u32) -> Result<()> {
    for (byte, cell) in value.to_le_bytes().into_iter().zip(cells(memory, address, 4)?) {
        // SAFETY: as in `read_u32`; callers only write while no wasm thread runs.
        unsafe { std::ptr::write_volatile(cell.get(), byte) };
    }
    Ok(())
}

/// Copies `len` bytes out of shared memory.
pub fn read_bytes(memory: &SharedMemory, address: u32, len: usize) -> Result<Vec<u8>> {
    Ok(cells(memory, address, len)?
        .iter()
        // SAFETY: as in `read_u32`.
        .map(|cell| unsafe { std::ptr::read_volatile(cell.get()) })
        .collect())
}

/// Copies `bytes` into shared memory.
pub fn write_bytes(memory: &SharedMemory, address: u32, bytes: &[u8]) -> Result<()> {
    for (cell, &byte) in cells(memory, address, bytes.len())?.iter().zip(bytes) {
        // SAFETY: as in `write_u32`.
        unsafe { std::ptr::write_volatile(cell.get(), byte) };
    }
    Ok(())
}
