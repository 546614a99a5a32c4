// The game page: picks an engine (threads when the page is cross-origin
// isolated, else the single-threaded fallback) and a renderer (WebGL2, else
// Canvas2D), then runs one loop per displayed frame: request steps, upload
// a new frame if the sim published one, draw, update the stats.

import { threadSupport } from './pkg/loader/quicksand.js';
import { ThreadedEngine } from './engine.js';
import { SingleEngine } from './engine-single.js';
import { WebGLRenderer } from './renderer-webgl.js';
import { CanvasRenderer } from './renderer-canvas.js';
import { PointerPainter } from './input.js';
import { StatsOverlay } from './stats.js';
import { Toolbar } from './ui.js';
import { WorldHistory } from './undo.js';
import { downloadSave, parseHeader, readSaveFile, SaveError, saveName } from './saves.js';
import { clientToCell, cssPixelsPerCell, fitWorld, syncCanvasSize } from './view.js';
import { ERROR, SCENE } from './pkg/abi.js';
import { describeCode } from './errors.js';
import { installTestHook } from './test-hook.js';
import { Checkpoints } from './checkpoint.js';
import { FrameMeter } from './frame-meter.js';
import { DEFAULT_MATERIAL, ERASER, MATERIALS } from './materials.js';
import { initialSettings, maxThreads } from './settings.js';
import { BRUSH_DEFAULT, BRUSH_MAX, BRUSH_MIN, CHECKPOINT_INTERVAL_MS, UNDO_DEPTH } from './config.js';

const $ = (id) => document.getElementById(id);
const BYTES_PER_KIB = 1024;

function pickRenderer(canvas, wanted) {
  const renderer = (wanted === 'canvas' ? null : WebGLRenderer.create(canvas)) ?? CanvasRenderer.create(canvas);
  if (!renderer) throw new Error('this browser can draw neither WebGL2 nor Canvas2D');
  return renderer;
}

/** The sim's reasons for refusing a save, as sentences for the player. */
const SAVE_REFUSAL = Object.freeze({
  [ERROR.NOT_A_SAVE]: 'This file is not a quicksand save',
  [ERROR.UNSUPPORTED_VERSION]: 'This save is from a format version this page cannot read',
  [ERROR.SIZE_MISMATCH]: 'This save is for a world of another size',
  [ERROR.CORRUPT]: 'This save is damaged: its checksum does not match its contents',
});

/** Words for the player: save-format codes get their own sentence. */
function explain(error) {
  if (error instanceof SaveError) return error.message;
  const refusal = SAVE_REFUSAL[error?.code];
  if (refusal) return `${refusal} (${describeCode(error.code)}).`;
  return error?.message ?? String(error);
}

class App {
  constructor() {
    this.canvas = $('view');
    this.stage = this.canvas.parentElement;
    this.brushCursor = $('brush-cursor');
    this.support = threadSupport();
    const settings = initialSettings(this.stage);
    this.playing = true;
    this.speed = settings.speed;
    this.brush = BRUSH_DEFAULT;
    this.material = DEFAULT_MATERIAL;
    this.scene = settings.scene;
    this.size = settings.size;
    this.seed = settings.seed;
    this.threads = settings.threads;
    this.engine = null;
    this.threadsFailed = false;
    this.busy = false;
    this.rescue = null;
    this.strokeSerial = 0;
    this.currentStroke = 0;
    this.shownWorld = null;
    this.lastSeq = null;
    this.needsDraw = true;
    this.rect = { x: 0, y: 0, width: 1, height: 1, scale: 1 };
    // Worlds a size change or an opened file replaced; the sim undoes the rest.
    this.worlds = new WorldHistory(UNDO_DEPTH);
    this.shownHistory = null;
    this.checkpoints = new Checkpoints(CHECKPOINT_INTERVAL_MS);
    this.renderer = pickRenderer(this.canvas, settings.renderer);
    // A restored WebGL context has lost its textures: set the world up again.
    this.renderer.onRestored = () => {
      this.shownWorld = null;
    };
    this.stats = new StatsOverlay($('stats'));
    this.meter = new FrameMeter();
    this.toolbar = new Toolbar(this.actions());
    this.painter = new PointerPainter(this.canvas, {
      toCell: (x, y) => clientToCell(this.canvas, this.rect, x, y),
      onStrokeStart: () => this.strokeStart(),
      onSegment: (from, to, erase) => this.segment(from, to, erase),
      onStrokeEnd: () => {},
      onHover: (event) => this.hover(event),
    });
    this.frame = this.frame.bind(this);
    this.ready = this.boot();
  }

  actions() {
    return {
      togglePlay: () => this.setPlaying(!this.playing),
      step: () => this.guard(() => this.singleStep()),
      setSpeed: (speed) => this.setSpeed(speed),
      undo: () => this.guard(() => this.undoLast()),
      redo: () => this.guard(() => this.redoLast()),
      clear: () => this.guard(() => this.replaceWithScene(SCENE.EMPTY)),
      setScene: (scene) => this.guard(() => this.replaceWithScene(scene)),
      brushSmaller: () => this.setBrush(this.brush - 1),
      brushLarger: () => this.setBrush(this.brush + 1),
      setBrush: (radius) => this.setBrush(radius),
      setMaterial: (id) => this.setMaterial(id),
      setSize: (size) => this.guard(() => this.resize(size)),
      setThreads: (threads) => this.guard(() => this.restart({ threads })),
      save: () => this.guard(() => this.saveFile()),
      open: () => this.toolbar.openFilePicker(),
      load: (file) => this.guard(() => this.loadFile(file)),
      restart: () => this.guard(() => this.restart({ afterFault: true })),
      toggleStats: () => this.stats.toggleHidden(),
    };
  }

  async boot() {
    const t = this.toolbar;
    t.setPlaying(this.playing);
    t.setSpeed(this.speed);
    t.setScene(this.scene);
    t.setBrush(this.brush);
    if (!this.support.ok) t.notice(this.support.reason);
    const engine = await this.startEngine({ snapshot: null });
    this.adopt(engine);
    t.fillPalette((id, shade) => engine.swatch(engine.palette(), id, shade));
    t.setMaterial(this.material);
    requestAnimationFrame(this.frame);
  }

  /** Threads when possible; the single-threaded build otherwise, with the reason shown. */
  async startEngine({ snapshot }) {
    const world = { width: this.size, height: this.size, seed: this.seed, scene: this.scene };
    const onFault = (error) => this.fault(error);
    if (this.support.ok && !this.threadsFailed) {
      try {
        return await ThreadedEngine.start({ workers: this.threads, world, snapshot, onFault });
      } catch (error) {
        // A module from another build fails the same way single-threaded: say so.
        if (error.code === 'abi-mismatch') throw error;
        this.threadsFailed = true;
        this.toolbar.notice(`Running single-threaded: the worker threads failed to start (${error.message}).`);
      }
    }
    return SingleEngine.start({ world, snapshot, onFault });
  }

  adopt(engine) {
    this.engine = engine;
    this.rescue = null;
    const threaded = engine.kind === 'threads';
    if (threaded) this.threads = engine.workerCount;
    const reason = threaded ? '' : this.support.reason || 'The worker threads failed to start; running single-threaded.';
    this.toolbar.setThreads(threaded ? engine.workerCount : 1, maxThreads(), reason);
    this.toolbar.setSnapshots(engine.canSnapshot, 'Save and open need a sim built with snapshot support (qs_world_snapshot_*).');
    // A new engine's world has a history of its own.
    this.shownHistory = null;
    this.stats.reset(engine.workerCount);
    this.shownWorld = null;
  }

  /** Called when the engine's world is not the one on screen: new size, new palette, fresh upload. */
  showWorld() {
    const engine = this.engine;
    this.renderer.setWorld(engine.width, engine.height, engine.palette());
    this.shownWorld = engine.world;
    this.lastSeq = null;
    this.needsDraw = true;
    this.toolbar.setSize(engine.width, engine.height);
    const who = engine.kind === 'threads' ? `${engine.workerCount} worker thread${engine.workerCount === 1 ? '' : 's'}` : 'single-threaded';
    this.toolbar.setEngineLine(`${engine.width}×${engine.height} · ${who} · ${this.renderer.kind === 'webgl2' ? 'WebGL2' : 'Canvas2D'}`);
  }

  frame(now) {
    requestAnimationFrame(this.frame);
    // The main thread's own time for this frame (frame-meter.js).
    const start = performance.now();
    let uploaded = 0;
    if (syncCanvasSize(this.canvas)) this.needsDraw = true;
    const engine = this.engine;
    if (engine && !engine.fault) {
      if (this.shownWorld !== engine.world) this.showWorld();
      engine.tick(this.playing ? this.speed : 0);
      const seq = engine.frameSeq();
      if (seq !== this.lastSeq) {
        // Only what changed since the frame the renderer holds (engine-base.js).
        const upload = engine.uploadFrame(this.renderer, this.lastSeq);
        uploaded = upload.bytes;
        this.lastSeq = upload.held;
        if (upload.bytes > 0) this.needsDraw = true;
      }
      this.stats.frame(now, engine);
      this.showHistory(engine);
      this.toolbar.pausedHint(!this.playing && engine.queuedPaintCount() > 0);
      if (engine.canSnapshot && this.checkpoints.due(now, engine.stepCount())) this.takeCheckpoint(engine);
    }
    if (this.needsDraw && this.renderer.width) {
      this.rect = fitWorld(this.canvas.width, this.canvas.height, this.renderer.width, this.renderer.height);
      this.renderer.draw(this.rect);
      this.needsDraw = false;
    }
    this.meter.frame(performance.now() - start, uploaded);
  }

  /** Steps per frame (SPEEDS), or SPEED_MAX: the crew runs ahead of the display. */
  setSpeed(speed) {
    this.speed = speed;
    this.toolbar.setSpeed(speed);
  }

  /** Resolves once a pause shows the exact world. */
  setPlaying(playing) {
    this.playing = playing;
    this.toolbar.setPlaying(playing);
    return this.syncView();
  }

  /**
   * While paused, has the sim publish a frame of the exact current world
   * (`qs_world_render_now`), which the loop uploads: after a pause, a step
   * command or an edit. Playing needs nothing: frames flow.
   */
  async syncView() {
    const engine = this.engine;
    if (this.playing || !engine || engine.fault) return;
    try {
      const world = engine.world;
      await engine.exclusive(() => {
        if (!this.playing && this.engine === engine && engine.world === world) engine.renderNow();
      });
    } catch (error) {
      this.report(error);
    }
  }

  setBrush(radius) {
    this.brush = Math.max(BRUSH_MIN, Math.min(BRUSH_MAX, radius));
    this.toolbar.setBrush(this.brush);
    this.updateCursorSize();
  }

  setMaterial(id) {
    if (!MATERIALS.some((m) => m.id === id)) return;
    this.material = id;
    this.toolbar.setMaterial(id);
  }

  // ---- painting ----

  /**
   * A new stroke id: the sim takes the undo checkpoint itself, at the step
   * boundary where the stroke's first segment is applied, so nothing here
   * waits for the crew (docs/ABI.md, "Undo and redo").
   */
  strokeStart() {
    this.currentStroke = ++this.strokeSerial;
    // A new edit: worlds undone stay undone.
    this.worlds.dropRedo();
  }

  segment(from, to, erase) {
    const engine = this.engine;
    if (!engine || engine.fault || this.busy) return;
    const code = engine.paint(from.x, from.y, to.x, to.y, this.brush, erase ? ERASER : this.material, this.currentStroke);
    if (code === ERROR.QUEUE_FULL) this.toolbar.toast('Too many strokes are waiting; press N or Space to apply them.');
  }

  hover(event) {
    const cursor = this.brushCursor;
    if (!event || event.pointerType === 'touch') {
      cursor.hidden = true;
      return;
    }
    const box = this.stage.getBoundingClientRect();
    cursor.hidden = false;
    cursor.style.left = `${event.clientX - box.left}px`;
    cursor.style.top = `${event.clientY - box.top}px`;
    this.updateCursorSize();
  }

  updateCursorSize() {
    const diameter = (2 * this.brush + 1) * cssPixelsPerCell(this.canvas, this.rect);
    this.brushCursor.style.width = `${diameter}px`;
    this.brushCursor.style.height = `${diameter}px`;
  }

  // ---- stepping and world edits ----

  /** The running engine; actions during a restart are refused with a message. */
  live() {
    if (!this.engine) throw new Error('The engine is restarting; try again in a moment.');
    return this.engine;
  }

  async singleStep() {
    this.setPlaying(false);
    await this.live().step(1);
    await this.syncView();
  }

  /** Clear (SCENE.EMPTY) or another scene: a command queued behind the strokes, recorded by the sim for undo. */
  replaceWithScene(scene) {
    if (scene !== SCENE.EMPTY) {
      this.scene = scene;
    }
    this.toolbar.setScene(this.scene);
    const engine = this.live();
    engine.queueScene(scene);
    this.worlds.dropRedo();
    this.checkpoints.soon();
    // Paused: applied (and drawn) now; playing: at the next step boundary.
    if (!this.playing) engine.drawStrokesNow();
  }

  /** Undo: the sim's last stroke, clear or scene; once it has none, the world a size change or a file replaced. */
  undoLast() {
    const engine = this.live();
    if (engine.undoDepth() > 0 || engine.commandsWaiting() > 0) return this.queueHistory(engine, () => engine.undo());
    if (this.worlds.undoSize > 0) return this.restoreWorld('undo');
    this.toolbar.toast('Nothing to undo.');
  }

  redoLast() {
    const engine = this.live();
    if (engine.redoDepth() > 0 || engine.commandsWaiting() > 0) return this.queueHistory(engine, () => engine.redo());
    if (this.worlds.redoSize > 0) return this.restoreWorld('redo');
    this.toolbar.toast('Nothing to redo.');
  }

  /** Queues an undo or redo; the crew applies it at its next step boundary, or, paused, it applies now. */
  queueHistory(engine, queue) {
    queue();
    this.checkpoints.soon();
    if (!this.playing) engine.drawStrokesNow();
  }

  /** Enables Undo and Redo by what the sim's history and the page's world saves hold. */
  showHistory(engine) {
    const undo = engine.undoDepth() + this.worlds.undoSize;
    const redo = engine.redoDepth() + this.worlds.redoSize;
    if (this.shownHistory?.undo === undo && this.shownHistory?.redo === redo) return;
    this.shownHistory = { undo, redo };
    this.toolbar.setHistory(undo, redo);
  }

  /** Undo or redo across a world replacement: swaps in the save the page kept, keeping the world now for the way back. */
  restoreWorld(direction) {
    return this.withBusy(async () => {
      const engine = this.live();
      const current = await engine.exclusive(() => engine.snapshotNow());
      const bytes = direction === 'undo' ? this.worlds.undo(current) : this.worlds.redo(current);
      if (!bytes) return;
      await this.swapToSave(engine, bytes);
    });
  }

  /** Replaces the world with a new one loaded from `bytes` (any size); a bad save keeps the world. */
  async swapToSave(engine, bytes) {
    const header = parseHeader(bytes);
    await engine.swapWorld(() => {
      const handle = engine.createWorld({ width: header.width, height: header.height, seed: header.seed, scene: null });
      try {
        engine.loadNow(bytes, handle);
      } catch (error) {
        engine.freeWorld(handle);
        throw error;
      }
      engine.dropAllPaints();
      return handle;
    });
    this.checkpoints.soon();
    if (header.width === header.height) this.size = header.width;
    await this.syncView();
  }

  /** A fresh world (`size` square, or any size for the test hook's scripted runs). */
  resize(size) {
    return this.newWorld({ width: size, height: size, seed: this.seed, scene: this.scene });
  }

  newWorld({ width, height, seed, scene }) {
    return this.withBusy(async () => {
      const engine = this.live();
      // The world being replaced is gone from the sim's history: the page keeps its save.
      const old = engine.canSnapshot ? await engine.exclusive(() => engine.snapshotNow()) : null;
      engine.dropAllPaints();
      await engine.swapWorld(() => engine.createWorld({ width, height, seed, scene }));
      if (old) this.worlds.record(old);
      this.checkpoints.soon();
      if (width === height) this.size = width;
      this.seed = seed;
      this.scene = scene;
      this.toolbar.setScene(scene);
      await this.syncView();
    });
  }

  // ---- files ----

  async saveFile() {
    const engine = this.live();
    if (!engine.canSnapshot) return;
    const bytes = await engine.exclusive(() => engine.snapshotNow());
    const name = saveName(engine.width, engine.height, engine.stepCount());
    downloadSave(bytes, name);
    this.toolbar.toast(`Saved ${name} (${(bytes.length / BYTES_PER_KIB).toFixed(0)} KiB).`, { ok: true });
  }

  async loadFile(file) {
    let bytes;
    try {
      bytes = await readSaveFile(file);
    } catch (error) {
      this.toolbar.toast(`${explain(error)} The current world is kept.`);
      return;
    }
    const result = await this.loadBytes(bytes);
    if (result.ok) this.toolbar.toast(`Opened ${file.name}.`, { ok: true });
  }

  /** Loads save bytes; a bad file leaves the world as it was. Returns `{ ok, message }`. */
  async loadBytes(bytes) {
    try {
      const engine = this.live();
      if (!engine.canSnapshot) throw new Error('This build of the sim cannot load saves.');
      parseHeader(bytes);
      // A new world from the file (any size), so the sim's history starts
      // afresh; the page keeps the world it replaces for undo.
      await this.withBusy(async () => {
        const old = await engine.exclusive(() => engine.snapshotNow());
        await this.swapToSave(engine, bytes);
        this.worlds.record(old);
      });
      return { ok: true, message: '' };
    } catch (error) {
      const message = `${explain(error)} The current world is kept.`;
      this.toolbar.toast(message);
      return { ok: false, message };
    }
  }

  // ---- engine restarts and faults ----

  /** Saves the idle world as the last good state (see checkpoint.js); the loop calls it when due. */
  takeCheckpoint(engine) {
    this.checkpoints
      .take(() => engine.exclusive(() => (this.engine === engine && !engine.fault ? engine.snapshotNow() : null)))
      // A fault is reported on its own; anything else is worth a message.
      .catch((error) => this.report(error));
  }

  fault(error) {
    if (error?.code === ERROR.STACK_OVERFLOW) {
      this.recoverFromOverflow();
      return;
    }
    const engine = this.engine;
    // If the crew was idle the world is whole: keep it for the restart.
    // Otherwise (a trap in the middle of a step) the last good state is next best.
    try {
      if (engine?.canSnapshot && engine.pending() === 0) {
        const bytes = engine.snapshotNow();
        this.rescue = { bytes, header: parseHeader(bytes) };
      } else {
        this.rescue = this.checkpoints.latest;
      }
    } catch {
      this.rescue = this.checkpoints.latest;
    }
    this.toolbar.fault(`The simulation stopped: ${error.message}. ${this.rescue ? 'Restart keeps the world.' : 'Restart begins a fresh world.'}`);
  }

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
  }

  /** Restarts the engine (new thread count, or after a fault), keeping the world when a save can be taken. */
  restart({ threads = this.threads, afterFault = false, announce = true } = {}) {
    return this.withBusy(async () => {
      const old = this.live();
      let snapshot = afterFault ? this.rescue : null;
      if (!afterFault && !old.fault && old.canSnapshot) {
        const bytes = await old.exclusive(() => old.snapshotNow());
        snapshot = { bytes, header: parseHeader(bytes) };
      }
      const waiting = old.fault ? [] : old.takePaints();
      this.threads = threads;
      this.engine = null;
      await old.terminate();
      const engine = await this.startEngine({ snapshot });
      engine.queuePaints(waiting);
      this.adopt(engine);
      this.checkpoints.soon();
      this.toolbar.fault(null);
      await this.syncView();
      if (afterFault && announce) this.toolbar.toast(snapshot ? 'Restarted; the world was kept.' : 'Restarted with a fresh world.', { ok: true });
    });
  }

  /** Restarts and world swaps run one at a time; painting waits meanwhile. */
  async withBusy(fn) {
    if (this.busy) throw new Error('Still busy with the last change; try again in a moment.');
    this.busy = true;
    this.toolbar.setBusy(true);
    try {
      return await fn();
    } finally {
      this.busy = false;
      this.toolbar.setBusy(false);
    }
  }

  /** Runs a user action; failures become a message instead of an unhandled rejection. */
  async guard(fn) {
    try {
      await fn();
    } catch (error) {
      this.report(error);
    }
  }

  report(error) {
    if (this.engine?.fault) return;
    this.toolbar.toast(explain(error));
  }
}

const app = new App();
installTestHook(app);
app.ready.catch((error) => {
  app.toolbar.fault(`quicksand could not start: ${error.message}`);
});
