// Engines starting and restarting: threads when possible, else the
// single-threaded fallback; a new thread count; faults (a trapped worker:
// Restart; an overflowed stack: restored at once, paused); and the last
// good state (checkpoint.js) they restore. Methods of the App (main.js),
// which mixes them in. Each restart begins a replay segment
// (replay-recorder.js): RELOAD when the world is kept exactly (a new
// thread count), SAVE when it comes from a save (a fault's rescue or the
// last good state), FRESH when there was none.

import { ThreadedEngine } from './engine.js';
import { SingleEngine } from './engine-single.js';
import { ERROR } from './pkg/abi.js';
import { THREAD_SUPPORT } from './pkg/loader/quicksand.js';
import { parseHeader } from './saves.js';
import { maxThreads } from './settings.js';

export const restarts = {
  /** The fresh world the settings describe: `{ width, height, seed, scene }`. */
  worldSpec() {
    return { width: this.size, height: this.size, seed: this.seed, scene: this.scene };
  },

  /** Threads when possible; the single-threaded build otherwise, with the reason shown. */
  async startEngine({ snapshot }) {
    const world = this.worldSpec();
    const onFault = (error) => this.fault(error);
    if (this.support.ok && !this.threadsFailed) {
      try {
        return await ThreadedEngine.start({ workers: this.threads, world, snapshot, onFault });
      } catch (error) {
        // A module from another build fails the same way single-threaded: say so.
        if (error.code === 'abi-mismatch') throw error;
        this.threadsFailed = true;
        this.fallbackNotice.show({ code: THREAD_SUPPORT.WORKER_START, reason: error.message }, error.message);
      }
    }
    return SingleEngine.start({ world, snapshot, onFault });
  },

  adopt(engine) {
    this.engine = engine;
    this.rescue = null;
    const threaded = engine.kind === 'threads';
    if (threaded) this.threads = engine.workerCount;
    const reason = threaded ? '' : this.support.reason || 'The worker threads failed to start; running single-threaded.';
    this.toolbar.setThreads(threaded ? engine.workerCount : 1, maxThreads(), reason);
    // A new engine's world has a history of its own.
    this.shownHistory = null;
    this.stats.reset(engine.workerCount);
    this.shownWorld = null;
  },

  /** Saves the idle world as the last good state (see checkpoint.js); the loop calls it when due. */
  takeCheckpoint(engine) {
    const snapshot = () => {
      if (this.engine !== engine || engine.fault) return null;
      const bytes = engine.snapshotNow();
      // The same save is the replay's keyframe: no second stop of the crew.
      if (!this.player) this.recorder.keyframe(engine, bytes);
      return bytes;
    };
    this.checkpoints
      .take(() => engine.exclusive(snapshot))
      // A fault is reported on its own; anything else is worth a message.
      .catch((error) => this.report(error));
  },

  fault(error) {
    // A replay cannot go on in a faulted engine; the restart records afresh from what it restores.
    if (this.player) {
      this.player.close().catch(() => {});
      this.leavePlayer();
      if (this.beforeReplay) this.worlds.record(this.beforeReplay.bytes);
      this.beforeReplay = null;
    }
    if (error?.code === ERROR.STACK_OVERFLOW) {
      this.recoverFromOverflow();
      return;
    }
    const engine = this.engine;
    // If the crew was idle the world is whole: keep it for the restart.
    // Otherwise (a trap in the middle of a step) the last good state is next best.
    try {
      if (engine && engine.pending() === 0) {
        const bytes = engine.snapshotNow();
        this.rescue = { bytes, header: parseHeader(bytes) };
      } else {
        this.rescue = this.checkpoints.latest;
      }
    } catch {
      this.rescue = this.checkpoints.latest;
    }
    this.toolbar.fault(`The simulation stopped: ${error.message}. ${this.rescue ? 'Restart keeps the world.' : 'Restart begins a fresh world.'}`);
  },

  /**
   * A worker's stack overflowed (the crew's canary check, -12): it may have
   * written anywhere below its stack, so the world in memory is not used
   * again, not even saved. The page restarts the engine at once from the
   * last good state, paused, because replaying the same steps would
   * overflow the same way.
   */
  recoverFromOverflow() {
    this.rescue = this.checkpoints.latest;
    this.playing = false;
    this.toolbar.setPlaying(false);
    this.toolbar.fault("A worker's stack overflowed. Restart restores the last good state.");
    // Not from inside the poll that found the fault.
    setTimeout(async () => {
      try {
        const restored = this.rescue;
        await this.restart({ afterFault: true, announce: false });
        const where = restored ? `its last good state (step ${restored.header.step})` : 'a fresh world (no good state was saved yet)';
        this.toolbar.toast(`A worker's stack overflowed; the world was restored to ${where}. Paused.`);
      } catch (error) {
        // Busy with another change, or the restart failed: Restart stays offered.
        console.warn(`quicksand: restoring after a stack overflow failed: ${error.message}`);
      }
    }, 0);
  },

  /** Restarts the engine (new thread count, or after a fault), keeping the world when a save can be taken. */
  restart({ threads = this.threads, afterFault = false, announce = true } = {}) {
    return this.withBusy(async () => {
      const old = this.live();
      let snapshot = afterFault ? this.rescue : null;
      const keepsWorld = !afterFault && !old.fault;
      if (keepsWorld) {
        const bytes = await old.exclusive(() => {
          // The segment ends on this idle world; the new engine's world goes on from it.
          this.recorder.close(old);
          return old.snapshotNow();
        });
        snapshot = { bytes, header: parseHeader(bytes) };
      } else {
        this.recorder.close(null);
      }
      const waiting = old.fault ? [] : old.takePaints();
      this.threads = threads;
      this.engine = null;
      await old.terminate();
      const engine = await this.startEngine({ snapshot });
      if (keepsWorld) this.recorder.beginReload();
      else if (snapshot) this.recorder.beginSave(null, snapshot.bytes);
      else this.recorder.beginFresh(null, this.worldSpec());
      engine.queuePaints(waiting);
      this.adopt(engine);
      this.checkpoints.soon();
      this.toolbar.fault(null);
      await this.syncView();
      if (afterFault && announce) this.toolbar.toast(snapshot ? 'Restarted; the world was kept.' : 'Restarted with a fresh world.', { ok: true });
    });
  },
};
