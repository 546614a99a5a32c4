//! Spawning OS threads and joining them with a deadline, so a deadlock
//! fails the test with a message instead of hanging it.

use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Result};

/// Spawns a named thread whose result (including a wasm trap, as an
/// `Err`) comes back through its `JoinHandle`.
pub fn spawn_named<T, F>(name: String, body: F) -> Result<JoinHandle<Result<T>>>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T> + Send + 'static,
{
    Ok(std::thread::Builder::new().name(name).spawn(body)?)
}

/// Joins every handle, failing if any is still running after `timeout`.
/// Returns each thread's own result, in order.
pub fn join_all<T>(handles: Vec<JoinHandle<Result<T>>>, timeout: Duration) -> Result<Vec<Result<T>>> {
    let deadline = Instant::now() + timeout;
    while handles.iter().any(|handle| !handle.is_finished()) {
        if Instant::now() >= deadline {
            let stuck: Vec<String> = handles
                .iter()
                .filter(|handle| !handle.is_finished())
                .map(|handle| handle.thread().name().unwrap_or("?").to_owned())
                .collect();
            bail!("threads still running after {timeout:?}: {}", stuck.join(", "));
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    handles
        .into_iter()
        .map(|handle| {
            let name = handle.thread().name().unwrap_or("?").to_owned();
            handle.join().map_err(|_| anyhow!("thread {name} panicked"))
        })
        .collect()
}
