// `window.quicksand`: a small, documented hook for the browser tests (and
// the curious) to script exact sequences. See www/README.md for the list.
// Everything that reads or replaces the world first waits, without
// blocking, until no steps are pending, so it is safe while playing.

import { cellToClient, worldClientRect } from './view.js';

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
    get isolated() {
      return app.support.ok;
    },
    /** 'threads' or 'single'. */
    get mode() {
      return app.engine?.kind ?? null;
    },
    /** 'webgl2' or 'canvas2d'. */
    get renderer() {
      return app.renderer.kind;
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
    /** Queues a stroke for the next step; 0 or a negative code. */
    paint(x0, y0, x1, y1, radius, material) {
      return live().paint(x0, y0, x1, y1, radius, material, ++app.strokeSerial);
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
    /** Records the current world as the last good state now; resolves with its step. */
    async checkpoint() {
      const engine = live();
      await app.checkpoints.take(() => engine.exclusive(() => engine.snapshotNow()));
      return Number(app.checkpoints.latest.header.step);
    },
  };
}
