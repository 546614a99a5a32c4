//! A crew of OS threads that step one world together, as the page's Web
//! Workers do: each thread has its own instance attached to its own stack,
//! made once, and runs `qs_crew_run_steps` for every batch it is given.
//! Persistent threads matter here: a replay steps a few steps between
//! commands, tens of thousands of times.

use std::sync::mpsc::{channel, Receiver, Sender};
use std::thread::JoinHandle;

use anyhow::{anyhow, bail, Context, Result};

use super::wasm_host::{SharedModule, SimInstance};

/// Every in-wasm barrier wait gives up after this, so a lost worker fails
/// the batch instead of hanging it.
const WAIT_MS: i32 = 60_000;

struct Worker {
    jobs: Sender<(i32, i32)>,
    thread: JoinHandle<()>,
}

/// `threads` workers of one `qs_crew_new` crew.
pub struct Crew {
    crew: i32,
    workers: Vec<Worker>,
    done: Receiver<Result<()>>,
}

impl Crew {
    /// Makes the crew and its threads; `main` allocates their stacks.
    pub fn new(module: &SharedModule, main: &mut SimInstance, threads: u32) -> Result<Crew> {
        if threads == 0 {
            bail!("a crew needs at least one thread");
        }
        let crew = main.call_ok("qs_crew_new", threads as i32)?;
        let (report, done) = channel();
        let mut workers = Vec::new();
        for worker in 0..threads {
            let slot = main.create_thread()?;
            let (jobs, inbox) = channel::<(i32, i32)>();
            let (module, report) = (module.clone(), report.clone());
            let thread = std::thread::Builder::new()
                .name(format!("replay-crew-{worker}"))
                .spawn(move || {
                    let mut instance = match module.worker_instance(&slot) {
                        Ok(instance) => {
                            let _ = report.send(Ok(()));
                            instance
                        }
                        Err(error) => {
                            let _ = report.send(Err(error.context(format!("worker {worker}"))));
                            return;
                        }
                    };
                    for (world, steps) in inbox {
                        let outcome = instance
                            .call_ok("qs_crew_run_steps", (crew, world, worker as i32, steps, WAIT_MS))
                            .map(|_| ())
                            .with_context(|| format!("worker {worker}"));
                        if report.send(outcome).is_err() {
                            return;
                        }
                    }
                })
                .context("starting a crew thread")?;
            workers.push(Worker { jobs, thread });
        }
        let mut crew = Crew { crew, workers, done };
        crew.collect()?;
        Ok(crew)
    }

    pub fn threads(&self) -> u32 {
        self.workers.len() as u32
    }

    /// One report from every worker.
    fn collect(&mut self) -> Result<()> {
        let mut first_error = None;
        for _ in 0..self.workers.len() {
            match self.done.recv() {
                Ok(Ok(())) => {}
                Ok(Err(error)) => {
                    first_error.get_or_insert(error);
                }
                Err(_) => {
                    first_error.get_or_insert(anyhow!("a crew thread ended"));
                    break;
                }
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    /// Runs `steps` steps of `world` on every worker together.
    pub fn run(&mut self, world: i32, mut steps: u64) -> Result<()> {
        while steps > 0 {
            let batch = steps.min(i32::MAX as u64) as i32;
            for worker in &self.workers {
                worker.jobs.send((world, batch)).map_err(|_| anyhow!("a crew thread ended"))?;
            }
            self.collect()?;
            steps -= batch as u64;
        }
        Ok(())
    }

    /// The crew's handle, for `qs_crew_*` calls on the main instance.
    pub fn handle(&self) -> i32 {
        self.crew
    }
}

impl Drop for Crew {
    fn drop(&mut self) {
        for worker in self.workers.drain(..) {
            // Closing the channel ends the thread's loop.
            drop(worker.jobs);
            let _ = worker.thread.join();
        }
    }
}
