// `window.quicksand`: a small, documented hook for the browser tests (and
// the curious) to script exact sequences. See www/README.md for the list.
// Everything that reads or replaces the world first waits, without
// blocking, until no steps are pending, so it is safe while playing.

import { cellToClient, worldClientRect } from './view.js';
import { MATERIAL, MATERIAL_KIND, MATERIAL_NAME } from './pkg/abi.js';
import { unitsToCelsius } from './thermal-colours.js';

/** measurePlay's stroke: a zigzag over the middle of the world, this far in from each side. */
const STROKE_INSET = 0.2;
const STROKE_CELLS_PER_FRAME = 24;
const STROKE_ROW_STEP = 8;

export function installTestHook(app) {
  const live = () => app.live();
  const threaded = () => {
    const engine = live();
    if (engine.kind !== 'threads') throw new Error('needs the threaded engine');
    return engine;
  };
  window.quicksand = {
    /** Resolves once the engine runs and the first frame is scheduled. */
    ready: app.ready.then(() => undefined),
    /** Whether the page is cross-origin isolated (threads may still be refused: see `threadSupport`). */
    get isolated() {
      return globalThis.crossOriginIsolated === true;
    },
    /** The loader's answer at start-up: `{ ok, code, reason }` (code 'ok', 'not-isolated', 'no-shared-memory', 'worker-start'). */
    get threadSupport() {
      return app.support && { ...app.support };
    },
    /** 'threads' or 'single'. */
    get mode() {
      return app.engine?.kind ?? null;
    },
    /** 'webgl2' or 'canvas2d'. */
    get renderer() {
      return app.renderer.kind;
    },
    /** Why that renderer: `{ kind, wanted, webgl, software }` (renderer-choice.js). */
    get rendererChoice() {
      return { ...app.rendererChoice };
    },
    get workers() {
      return app.engine?.workerCount ?? 0;
    },
    get world() {
      const engine = app.engine;
      return engine ? { width: engine.width, height: engine.height } : null;
    },
    get playing() {
      return app.playing;
    },
    /** Steps per frame, or 'max' (settings.js). */
    get speed() {
      return app.speed;
    },
    /** As the speed picker does: 1..4 or 'max'. */
    setSpeed(speed) {
      app.setSpeed(speed);
    },
    /** How the main thread waits for steps: 'waitAsync' (asleep until a worker notifies) or 'poll'. */
    get waitStrategy() {
      return app.engine?.waitStrategy ?? null;
    },
    /** Steps requested or running (0 for the single-threaded engine). */
    pendingSteps() {
      return live().pending();
    },
    /**
     * The crew alone: pauses, then runs exactly `steps` steps without
     * drawing and resolves with `{ steps, ms }`, timed in the page. The
     * frame loop reads no frames meanwhile, so the crew renders none and
     * the page uploads and draws nothing (on a software renderer that
     * work would take cores from the crew); the world it ends on is shown
     * after.
     */
    async runSteps(steps) {
      await app.setPlaying(false);
      const engine = live();
      app.framesHeld++;
      try {
        const start = performance.now();
        await engine.step(steps);
        return { steps, ms: performance.now() - start };
      } finally {
        app.framesHeld--;
        await app.syncView();
      }
    },
    /** The main thread's cost per frame since the last call with `reset` (frame-meter.js). */
    frameStats({ reset = false } = {}) {
      const summary = app.meter.summary();
      if (reset) app.meter.reset();
      return summary;
    },
    /**
     * The renderer's uploads so far: `{ frames, bytes, lastBytes }` (frames
     * it was handed, bytes it sent: only each frame's changed rectangle).
     */
    uploads() {
      return { ...app.renderer.uploads };
    },
    /**
     * The crew's step timing since its last reset, `{ steps, stepMs,
     * serialMs }` (sums that only grow), where the engine reports it, else null.
     */
    stepTimes() {
      const engine = live();
      return typeof engine.timing === 'function' ? engine.timing() : null;
    },
    /**
     * For the bench: plays from the current world, skips `warmup` steps,
     * then times the next `steps` steps (or as many as run in `maxMs`),
     * reading the step count once per displayed frame. With `paint`, a
     * stroke through the page's own painting path gets a segment every
     * frame meanwhile. Resolves with `{ steps, ms, frames }`: `frames` is
     * frameStats over the timed window.
     */
    measurePlay({ warmup, steps, paint = false, maxMs = Infinity, timeoutMs = 60_000 }) {
      const engine = live();
      const first = engine.stepCount();
      const { width, height } = engine;
      const left = Math.round(width * STROKE_INSET);
      const span = Math.max(1, Math.round(width * (1 - 2 * STROKE_INSET)));
      const top = Math.round(height * STROKE_INSET);
      const rows = Math.max(1, Math.round(height * (1 - 2 * STROKE_INSET)));
      let along = 0;
      const point = (i) => {
        const lap = Math.floor(i / span);
        const x = lap % 2 === 0 ? i % span : span - 1 - (i % span);
        return { x: left + x, y: top + ((lap * STROKE_ROW_STEP) % rows) };
      };
      if (paint) app.strokeStart();
      app.setPlaying(true);
      return new Promise((resolve, reject) => {
        const deadline = performance.now() + timeoutMs;
        let start = null;
        const frame = (now) => {
          if (engine.fault) return reject(engine.fault);
          if (performance.now() > deadline) return reject(new Error(`measurePlay: ${steps} steps did not run within ${timeoutMs} ms`));
          const done = engine.stepCount() - first;
          if (start === null && done >= warmup) {
            start = { now, done };
            app.meter.reset();
          } else if (start !== null && (done - start.done >= steps || now - start.now >= maxMs)) {
            return resolve({ steps: done - start.done, ms: now - start.now, frames: app.meter.summary() });
          }
          if (paint) {
            app.segment(point(along), point(along + STROKE_CELLS_PER_FRAME), false);
            along += STROKE_CELLS_PER_FRAME;
          }
          requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
      });
    },
    /** Every material of the sim's table: `[{ id, name, kind }]` (lower-case names, as in docs/CELLS.md). */
    materials() {
      return Object.values(MATERIAL).map((id) => ({ id, name: MATERIAL_NAME[id], kind: MATERIAL_KIND[id] }));
    },
    /**
     * `{ material: name, temperature: °C }` at cell (x, y), read once no
     * steps are pending (exact); null outside the world.
     */
    async cellAt(x, y) {
      const engine = live();
      const cell = await engine.exclusive(() => engine.cellAt(x, y));
      return cell && { material: MATERIAL_NAME[cell.material] ?? `material ${cell.material}`, temperature: unitsToCelsius(cell.temperature) };
    },
    /** How many cells of each material the world holds, `{ name: count }`, read once no steps are pending. */
    counts() {
      const engine = live();
      return engine.exclusive(() => Object.fromEntries(Object.values(MATERIAL).map((id) => [MATERIAL_NAME[id], engine.count(id)])));
    },
    /** The view: `{ zoom, centerX, centerY }` (zoom 1 fits the world; the centre in cells). */
    view() {
      return { ...app.view };
    },
    /** Sets the view as the wheel and drags do (clamped: the world cannot be lost); resolves once it is drawn. */
    setView({ zoom = app.view.zoom, centerX = app.view.centerX, centerY = app.view.centerY } = {}) {
      app.setView({ zoom, centerX, centerY });
      return this.drawn();
    },
    /** Whether the thermal view (T) is on; `setThermal(on)` as the button does. */
    get thermal() {
      return app.thermal;
    },
    setThermal(on) {
      app.setThermal(Boolean(on));
    },
    /** The fault message shown to the player, or null. */
    get fault() {
      return app.engine?.fault?.message ?? null;
    },
    /** Resolves after the page has drawn two more frames (so a screenshot shows the latest upload). */
    drawn() {
      return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    },
    /** Where cell (x, y) is drawn, in client (CSS) pixels: for real pointer events. */
    cellToClient(x, y) {
      return cellToClient(app.canvas, app.rect, x, y);
    },
    /** The world's rectangle on the page in client (CSS) pixels. */
    worldRect() {
      return worldClientRect(app.canvas, app.rect);
    },
    /** Pauses; resolves once the exact world is on screen (no steps pending). */
    pause() {
      return app.setPlaying(false);
    },
    play() {
      app.setPlaying(true);
    },
    /** Queues a stroke: for the next step, or, while paused, shown (and applied) at the next frame. 0 or a negative code. */
    paint(x0, y0, x1, y1, radius, material) {
      return live().paint(x0, y0, x1, y1, radius, material, ++app.strokeSerial);
    },
    /** Undo as the Z key does: the sim's last stroke, clear or scene (applied at the next step boundary, or now while paused). */
    undo() {
      return app.undoLast();
    },
    /** Redo as Ctrl+Shift+Z does. */
    redo() {
      return app.redoLast();
    },
    /** `{ undo, redo, waiting }`: entries the sim can undo and redo, and strokes and commands not yet applied. */
    history() {
      const engine = live();
      return { undo: engine.undoDepth(), redo: engine.redoDepth(), waiting: engine.commandsWaiting() };
    },
    /** Pauses, runs exactly `steps` steps (queued strokes go into the first) and resolves with the step count. */
    async stepAndWait(steps) {
      await app.setPlaying(false);
      await live().step(steps);
      await app.syncView();
      return live().stepCount();
    },
    /** The state hash as 16 hex digits, read when no steps are pending. */
    hash() {
      const engine = live();
      return engine.exclusive(() => engine.hashNow());
    },
    stepCount() {
      return live().stepCount();
    },
    frameSeq() {
      return live().frameSeq();
    },
    /** Pauses and replaces the world: `{ width, height, seed, scene }`. */
    async newWorld(spec) {
      await app.setPlaying(false);
      return app.newWorld(spec);
    },
    /** The world as save bytes (a Uint8Array). */
    save() {
      const engine = live();
      return engine.exclusive(() => engine.snapshotNow());
    },
    /** Loads save bytes; resolves with `{ ok, message }` (the world is kept when not ok). */
    load(bytes) {
      return app.loadBytes(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes));
    },
    /** Restarts the engine with `threads` workers, keeping the world. */
    setThreads(threads) {
      return app.restart({ threads });
    },
    /**
     * Makes worker 0 trap for real (the sim's `qs_probe_panic` through the
     * loader), after taking the crew down cleanly so the world stays whole:
     * the page must show the fault and offer a restart.
     */
    injectWorkerTrap() {
      return threaded().injectWorkerTrap();
    },
    /**
     * Overflows worker 0's stack for real (`qs_probe_recurse`) into its
     * canary, or with `{ intoCanary: false }` to just above it, then
     * runs one step: the crew's canary check must fault on the first (-12,
     * and the page restores the last good state) and not on the second.
     * Resolves with how far above the stack's low end the recursion reached.
     */
    overflowWorkerStack(options) {
      return threaded().overflowWorkerStack(options);
    },
    /**
     * The session's replay as `.qsreplay` bytes (a Uint8Array): every
     * segment and command so far, its final hash taken on the idle world.
     */
    replay() {
      return app.sessionReplay();
    },
    /**
     * Opens replay bytes in the player, paused at its start; resolves
     * `{ ok, message }` (the world is kept when not ok). `keyframeSteps`
     * spaces the player's keyframes (replay-player.js, KEYFRAME_STEPS).
     */
    loadReplay(bytes, { keyframeSteps } = {}) {
      return app.openReplay(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), { autoplay: false, keyframeSteps });
    },
    /** Seeks the open replay to timeline step `step` (paused); resolves with `replayState()` once the world is there. */
    async seek(step) {
      if (!app.player) throw new Error('no replay is open');
      await app.player.seek(step);
      return this.replayState();
    },
    /**
     * The open replay: `{ step, start, end, playing, hash, matches,
     * keyframes, restarts, mismatches }` (hash and matches once at the
     * end; restarts: runs that went back to an earlier keyframe, or to
     * the segment's start, after an undo or redo came out otherwise than
     * recorded), or null.
     */
    replayState() {
      const player = app.player;
      if (!player) return null;
      const { step, playing, hash, matches } = player.status();
      const keyframes = [...player.keyframes.bySegment.values()].reduce((n, list) => n + list.length, 0);
      return { step, start: player.startPosition, end: player.endPosition, playing, hash, matches, keyframes, restarts: player.restarts, mismatches: player.mismatches };
    },
    /**
     * For the seek bench: queues logged commands (`{ step, kind, x0, y0,
     * x1, y1, radius, material, mask }`, docs/REPLAY_FORMAT.md) due at
     * their steps (`pushCommandAt`), for `stepAndWait` to run through: a
     * scripted session recorded without a round trip per step. At most
     * LIMITS.PAINT_RING_CAPACITY per run, or the later ones come late.
     */
    queueCommandsAt(entries) {
      const engine = live();
      for (const entry of entries) engine.pushCommandAt(entry);
    },
    /** The open replay's keyframes once all are packed: `{ count, packed, bytes, spacing }` (replay-keyframes.js), or null. */
    async replayKeyframes() {
      const player = app.player;
      if (!player) return null;
      await player.keyframes.whenPacked();
      return player.keyframes.summary();
    },
    /** Plays the open replay; `replaySpeed` as the bar's speed picker (steps per frame or 'max'). */
    playReplay(replaySpeed = 1) {
      app.player?.setSpeed(replaySpeed);
      app.player?.play();
    },
    /** Take over (continue live from the replay's step) or close (back to the world before it), as the bar's buttons. */
    takeOver() {
      return app.takeOver();
    },
    closeReplay() {
      return app.closeReplay();
    },
    /** Records the current world as the last good state now; resolves with its step. */
    async checkpoint() {
      const engine = live();
      await app.checkpoints.take(() => engine.exclusive(() => engine.snapshotNow()));
      return Number(app.checkpoints.latest.header.step);
    },
  };
}
