// The game page's wiring: the App's state, the renderer (WebGL2 on a GPU,
// else Canvas2D: renderer-choice.js), the toolbar's actions, the pointer,
// and boot. Each job lives in a file of its own, mixed into the App:
// frame-loop.js (one call per displayed frame), edits.js (strokes,
// undo/redo, scenes, new worlds), tools.js (the drawing tools' gestures),
// files.js (save and open),
// restarts.js (engines, faults, the last good state). The page uses the engine only through its methods.
//
// Replays: every session is recorded (replay-recorder.js) from boot; a
// replay opened from a file or a `#replay=` link plays in the live engine
// (replay-player.js) under the replay bar (replay-bar.js). While one
// plays, pointer painting is off and the edits (undo, redo, clear,
// scenes, sizes, steps, threads) say to take over first. "Take over"
// goes on live from the step shown, recording a branch of the replay;
// closing the bar brings back the world from before the replay, and the
// session's own recording goes on from it.

import { threadSupport } from './pkg/loader/quicksand.js';
import { FallbackNotice } from './fallback-notice.js';
import { WebGLRenderer } from './renderer-webgl.js';
import { CanvasRenderer } from './renderer-canvas.js';
import { chooseRenderer } from './renderer-choice.js';
import { PointerPainter } from './input.js';
import { ViewControls } from './navigation.js';
import { StatsOverlay } from './stats.js';
import { Toolbar } from './ui.js';
import { WorldHistory } from './undo.js';
import { clampView, clientToCell, cssPixelsPerCell, fitView, panView, viewRect, zoomViewAt } from './view.js';
import { COMMAND, PAINT_MASK, SCENE } from './pkg/abi.js';
import { installTestHook } from './test-hook.js';
import { Checkpoints } from './checkpoint.js';
import { FrameMeter } from './frame-meter.js';
import { DEFAULT_MATERIAL, MATERIALS } from './materials.js';
import { initialSettings, isFirstVisit, rememberVisit } from './settings.js';
import { BRUSH_DEFAULT, BRUSH_MAX, BRUSH_MIN, CHECKPOINT_INTERVAL_MS, UNDO_DEPTH, ZOOM_KEY_FACTOR } from './config.js';
import { frameLoop } from './frame-loop.js';
import { edits } from './edits.js';
import { explain, files } from './files.js';
import { restarts } from './restarts.js';
import { tools } from './tools.js';
import { ReplayBar } from './replay-bar.js';
import { ReplayPlayer } from './replay-player.js';
import { ReplayRecorder } from './replay-recorder.js';
import { replayFromLocation } from './share-link.js';

const $ = (id) => document.getElementById(id);

/** The renderer `choice` (renderer-choice.js) asks for, else the other one. */
function pickRenderer(canvas, choice) {
  const renderer = (choice.kind === 'webgl2' ? WebGLRenderer.create(canvas) : null) ?? CanvasRenderer.create(canvas);
  if (!renderer) throw new Error('this browser can draw neither WebGL2 nor Canvas2D');
  return renderer;
}

class App {
  constructor() {
    this.canvas = $('view');
    this.stage = this.canvas.parentElement;
    this.brushCursor = $('brush-cursor');
    // The loader's answer (a probe worker), asked once in boot(); null until then.
    this.support = null;
    this.fallbackNotice = new FallbackNotice($('notice'));
    const settings = initialSettings(this.stage);
    this.playing = true;
    this.speed = settings.speed;
    this.brush = BRUSH_DEFAULT;
    this.material = DEFAULT_MATERIAL;
    /** The thermal view: colour by temperature (T). */
    this.thermal = false;
    this.thermalStale = false;
    /** The cell under a hovering pointer, for the readout; null when none. */
    this.hoverCell = null;
    /** The drawing tool (tools.js), what it may paint over (PAINT_MASK), and the gesture in progress. */
    this.tool = 'brush';
    this.paintOver = PAINT_MASK.DEFAULT;
    this.gesture = null;
    this.preview = $('shape-preview');
    this.firstVisit = isFirstVisit();
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
    /** While above 0 the frame loop reads no frames, so the crew renders none (the test hook's `runSteps`). */
    this.framesHeld = 0;
    this.needsDraw = true;
    this.rect = { x: 0, y: 0, width: 1, height: 1, scale: 1 };
    /** Zoom and pan (view.js): `{ zoom, centerX, centerY }`, reset to fit for every new world size. */
    this.view = fitView(1, 1);
    // Worlds a size change or an opened file replaced; the sim undoes the rest.
    this.worlds = new WorldHistory(UNDO_DEPTH);
    this.shownHistory = null;
    this.checkpoints = new Checkpoints(CHECKPOINT_INTERVAL_MS);
    /** The session's recording; empty while a replay plays (see `startPlayer`). */
    this.recorder = new ReplayRecorder();
    /** The replay playing (replay-player.js), or null. */
    this.player = null;
    /** While a replay plays: the session it interrupted, `{ recorder, bytes }`, for `closeReplay`. */
    this.beforeReplay = null;
    /** Why this renderer: `{ kind, wanted, webgl, software }` (renderer-choice.js). */
    this.rendererChoice = chooseRenderer(settings.renderer);
    this.renderer = pickRenderer(this.canvas, this.rendererChoice);
    // A restored WebGL context has lost its textures: set the world up again.
    this.renderer.onRestored = () => {
      this.shownWorld = null;
    };
    this.stats = new StatsOverlay($('stats'));
    this.meter = new FrameMeter();
    this.toolbar = new Toolbar(this.actions());
    this.navigation = new ViewControls(this.canvas, {
      onZoomAt: (x, y, factor) => this.zoomAt(x, y, factor),
      onPan: (dx, dy) => this.panBy(dx, dy),
      onPinchStart: () => this.painter.cancel(),
      onPick: (x, y) => this.pickAt(clientToCell(this.canvas, this.rect, x, y)),
    });
    this.painter = new PointerPainter(this.canvas, {
      toCell: (x, y) => clientToCell(this.canvas, this.rect, x, y),
      // No painting into a replay: take it over first.
      canStart: () => !this.navigation.isNavigating() && !this.player,
      onStrokeStart: (start) => this.gestureStart(start),
      onSegment: (from, to) => this.gestureMove(from, to),
      onStrokeEnd: () => this.gestureEnd(),
      onHover: (event) => this.hover(event),
    });
    this.replayBar = new ReplayBar($('replay-bar'), {
      play: () => this.player?.play(),
      pause: () => this.player?.pause(),
      setSpeed: (speed) => this.player?.setSpeed(speed),
      seek: (step) => this.player?.seek(step),
      takeOver: () => this.guard(() => this.takeOver()),
      close: () => this.guard(() => this.closeReplay()),
    });
    this.frame = this.frame.bind(this);
    this.ready = this.boot();
  }

  actions() {
    // Edits change the world a replay is playing: they wait for a take-over.
    const edit = (fn) => () => this.guard(() => (this.player ? this.toolbar.toast('A replay is playing: take it over to change the world.') : fn()));
    return {
      togglePlay: () => (this.player ? this.toggleReplayPlaying() : this.setPlaying(!this.playing)),
      step: edit(() => this.singleStep()),
      setSpeed: (speed) => this.setSpeed(speed),
      undo: edit(() => this.undoLast()),
      redo: edit(() => this.redoLast()),
      clear: edit(() => this.replaceWithScene(SCENE.EMPTY)),
      setScene: (scene) => edit(() => this.replaceWithScene(scene))(),
      brushSmaller: () => this.setBrush(this.brush - 1),
      brushLarger: () => this.setBrush(this.brush + 1),
      setBrush: (radius) => this.setBrush(radius),
      setMaterial: (id) => this.setMaterial(id),
      setSize: (size) => edit(() => this.resize(size))(),
      setThreads: (threads) => edit(() => this.restart({ threads }))(),
      save: () => this.guard(() => this.saveFile()),
      saveReplay: () => this.guard(() => this.saveReplay()),
      shareReplay: () => this.guard(() => this.shareReplay()),
      open: () => this.toolbar.openFilePicker(),
      load: (file) => this.guard(() => this.loadFile(file)),
      restart: () => this.guard(() => this.restart({ afterFault: true })),
      toggleStats: () => this.stats.toggleHidden(),
      toggleThermal: () => this.setThermal(!this.thermal),
      setTool: (id) => this.setTool(id),
      setPaintOver: (mask) => this.setPaintOver(mask),
      dismissFirstHint: () => this.firstStrokeMade(),
      zoomIn: () => this.zoomCentre(ZOOM_KEY_FACTOR),
      zoomOut: () => this.zoomCentre(1 / ZOOM_KEY_FACTOR),
      fitView: () => this.setView(fitView(this.renderer.width, this.renderer.height)),
      spacePanned: () => this.navigation.spacePanned,
    };
  }

  async boot() {
    const t = this.toolbar;
    t.setPlaying(this.playing);
    t.setSpeed(this.speed);
    t.setScene(this.scene);
    t.setBrush(this.brush);
    t.setTool(this.tool);
    t.firstHint(this.firstVisit);
    this.support = await threadSupport();
    if (!this.support.ok) this.fallbackNotice.show(this.support);
    // A `#replay=` link: a link that cannot be read says why and starts on an empty world.
    const linked = replayFromLocation(location.hash);
    if (linked?.error) this.scene = SCENE.EMPTY;
    const engine = await this.startEngine({ snapshot: null });
    this.adopt(engine);
    this.recorder.beginFresh(null, this.worldSpec());
    t.fillPalette((id, shade) => engine.swatch(engine.palette(), id, shade));
    t.setMaterial(this.material);
    requestAnimationFrame(this.frame);
    if (linked?.error) t.toast(linked.error);
    if (linked?.bytes) await this.openLinkedReplay(linked.bytes);
  }

  /** Plays the replay of a link; one that cannot be played says why, on an empty world. */
  async openLinkedReplay(bytes) {
    const result = await this.openReplay(bytes);
    if (result.ok) return;
    await this.newWorld({ ...this.worldSpec(), scene: SCENE.EMPTY });
    this.toolbar.toast(result.message.replace(' The current world is kept.', ' An empty world is open instead.'));
  }

  /**
   * Opens `replay` (decoded, its rules checked) in the player, paused at
   * its start. The session's recording is set aside with a save of its
   * world (`closeReplay` brings both back); a replay opened over another
   * replaces it.
   */
  async startPlayer(replay, { keyframeSteps } = {}) {
    const engine = this.live();
    if (this.player) {
      await this.player.close();
      this.player = null;
    } else {
      const bytes = await engine.exclusive(() => {
        this.recorder.close(engine);
        return engine.snapshotNow();
      });
      this.beforeReplay = { recorder: this.recorder, bytes };
      this.recorder = new ReplayRecorder();
    }
    this.setPlaying(false);
    engine.dropAllPaints();
    const player = new ReplayPlayer({
      app: this,
      replay,
      keyframeSteps,
      onChange: () => {
        if (this.player === player) this.replayBar.update(player.status());
      },
      onProblem: (message) => this.toolbar.toast(message),
    });
    this.player = player;
    this.replayBar.show({ startStep: player.startPosition, endStep: player.endPosition, recordedHash: replay.finalHash });
    await player.open();
    this.checkpoints.soon();
  }

  toggleReplayPlaying() {
    if (this.player.playing) this.player.pause();
    else this.player.play();
  }

  /**
   * Goes on live from the replay's current step: a new recording that is
   * the replay up to here, then whatever the player does. Undo can bring
   * back the world from before the replay.
   *
   * The world is saved and loaded again first, so its undo history is
   * empty, and the recording goes on with a RELOAD segment that says so.
   * Otherwise live undo would depend on how the player got here: from a
   * keyframe (a save, no history) it could undo nothing where a straight
   * playback of the recording undoes a stroke of the replay.
   */
  async takeOver({ play = true } = {}) {
    const player = this.player;
    if (!player) return;
    await player.close();
    const engine = this.live();
    await engine.exclusive(() => engine.loadNow(engine.snapshotNow()));
    this.recorder = ReplayRecorder.branch(player.replay, { segmentIndex: player.segmentIndex, eventIndex: player.nextEvent, step: player.step, keyframes: player.keyframes });
    this.recorder.beginReload();
    // The next stroke must open an undo entry of its own: an id past every one the replay used.
    for (const segment of player.replay.segments) {
      for (const event of segment.events) if (event.kind === COMMAND.BEGIN_STROKE) this.strokeSerial = Math.max(this.strokeSerial, event.x0);
    }
    if (this.beforeReplay) this.worlds.record(this.beforeReplay.bytes);
    this.beforeReplay = null;
    this.leavePlayer();
    this.setPlaying(play);
  }

  /** Closes the replay: the world from before it comes back, and the session's own recording goes on. */
  closeReplay() {
    return this.withBusy(async () => {
      const player = this.player;
      if (!player) return;
      await player.close();
      this.leavePlayer();
      const before = this.beforeReplay;
      this.beforeReplay = null;
      if (!before) return;
      this.recorder = before.recorder;
      await this.swapToSave(this.live(), before.bytes);
    });
  }

  leavePlayer() {
    this.player = null;
    this.replayBar.hide();
    this.shownHistory = null;
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

  setBrush(radius) {
    this.brush = Math.max(BRUSH_MIN, Math.min(BRUSH_MAX, radius));
    this.toolbar.setBrush(this.brush);
    this.updateCursorSize();
  }

  /** The world's rectangle on the canvas for the current view (the renderer's size: the world on screen). */
  layout() {
    this.rect = viewRect(this.canvas.width, this.canvas.height, this.renderer.width || 1, this.renderer.height || 1, this.view);
    return this.rect;
  }

  /** Sets the view (clamped, view.js) and redraws; no upload, the renderers take it as a rectangle. */
  setView(view) {
    this.view = clampView(view, this.canvas.width, this.canvas.height, this.renderer.width || 1, this.renderer.height || 1);
    this.needsDraw = true;
    this.layout();
    this.updateCursorSize();
  }

  zoomAt(x, y, factor) {
    const w = this.renderer.width || 1;
    const h = this.renderer.height || 1;
    this.setView(zoomViewAt(this.view, this.layout(), factor, x, y, this.canvas.width, this.canvas.height, w, h));
  }

  zoomCentre(factor) {
    this.zoomAt(this.canvas.width / 2, this.canvas.height / 2, factor);
  }

  panBy(dx, dy) {
    const w = this.renderer.width || 1;
    const h = this.renderer.height || 1;
    this.setView(panView(this.view, this.layout(), dx, dy, this.canvas.width, this.canvas.height, w, h));
  }

  /** The first stroke (or the hint's ×) retires the first-visit hint, for good. */
  firstStrokeMade() {
    if (!this.firstVisit) return;
    this.firstVisit = false;
    rememberVisit();
    this.toolbar.firstHint(false);
  }

  setThermal(on) {
    if (this.thermal && !on) this.renderer.leaveThermal();
    this.thermal = on;
    this.thermalStale = true;
    this.needsDraw = true;
    this.toolbar.setThermal(on);
  }

  setMaterial(id) {
    if (!MATERIALS.some((m) => m.id === id)) return;
    this.material = id;
    this.toolbar.setMaterial(id);
  }

  hover(event) {
    const cursor = this.brushCursor;
    this.hoverCell = event ? clientToCell(this.canvas, this.rect, event.clientX, event.clientY) : null;
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

  /** The running engine; actions during a restart are refused with a message. */
  live() {
    if (!this.engine) throw new Error('The engine is restarting; try again in a moment.');
    return this.engine;
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

// Each job lives in a file of its own; the App is their shared state.
Object.assign(App.prototype, frameLoop, edits, files, restarts, tools);

const app = new App();
installTestHook(app);
app.ready.catch((error) => {
  app.toolbar.fault(`quicksand could not start: ${error.message}`);
});
