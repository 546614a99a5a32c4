// World edits: strokes from the pointer, a single step, clear and scenes,
// undo and redo (the sim's own history, then the worlds a size change or
// an opened file replaced, kept by undo.js), and new worlds. Methods of
// the App (main.js), which mixes them in. A world replaced begins a
// replay segment (replay-recorder.js), decided inside the swap, on the
// idle old world, so the old segment ends exactly where that world did:
// FRESH for a new world, SAVE for one loaded from a save.

import { ERROR, SCENE } from './pkg/abi.js';
import { ERASER } from './materials.js';
import { parseHeader } from './saves.js';

export const edits = {
  /**
   * A new stroke id: the sim takes the undo checkpoint itself, at the step
   * boundary where the stroke's first segment is applied, so nothing here
   * waits for the crew (docs/ABI.md, "Undo and redo").
   */
  strokeStart() {
    this.currentStroke = ++this.strokeSerial;
    // A new edit: worlds undone stay undone.
    this.worlds.dropRedo();
  },

  segment(from, to, erase) {
    const engine = this.engine;
    if (!engine || engine.fault || this.busy) return;
    const code = engine.paint(from.x, from.y, to.x, to.y, this.brush, erase ? ERASER : this.material, this.currentStroke);
    if (code === ERROR.QUEUE_FULL) this.toolbar.toast('Too many strokes are waiting; press N or Space to apply them.');
  },

  async singleStep() {
    this.setPlaying(false);
    await this.live().step(1);
    await this.syncView();
  },

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
  },

  /** Undo: the sim's last stroke, clear or scene; once it has none, the world a size change or a file replaced. */
  undoLast() {
    const engine = this.live();
    if (engine.undoDepth() > 0 || engine.commandsWaiting() > 0) return this.queueHistory(engine, () => engine.undo());
    if (this.worlds.undoSize > 0) return this.restoreWorld('undo');
    this.toolbar.toast('Nothing to undo.');
  },

  redoLast() {
    const engine = this.live();
    if (engine.redoDepth() > 0 || engine.commandsWaiting() > 0) return this.queueHistory(engine, () => engine.redo());
    if (this.worlds.redoSize > 0) return this.restoreWorld('redo');
    this.toolbar.toast('Nothing to redo.');
  },

  /** Queues an undo or redo; the crew applies it at its next step boundary, or, paused, it applies now. */
  queueHistory(engine, queue) {
    queue();
    this.checkpoints.soon();
    if (!this.playing) engine.drawStrokesNow();
  },

  /** Enables Undo and Redo by what the sim's history and the page's world saves hold. */
  showHistory(engine) {
    const undo = engine.undoDepth() + this.worlds.undoSize;
    const redo = engine.redoDepth() + this.worlds.redoSize;
    if (this.shownHistory?.undo === undo && this.shownHistory?.redo === redo) return;
    this.shownHistory = { undo, redo };
    this.toolbar.setHistory(undo, redo);
  },

  /** Undo or redo across a world replacement: swaps in the save the page kept, keeping the world now for the way back. */
  restoreWorld(direction) {
    return this.withBusy(async () => {
      const engine = this.live();
      const current = await engine.exclusive(() => engine.snapshotNow());
      const bytes = direction === 'undo' ? this.worlds.undo(current) : this.worlds.redo(current);
      if (!bytes) return;
      await this.swapToSave(engine, bytes);
    });
  },

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
      this.recorder.beginSave(engine, bytes);
      return handle;
    });
    this.checkpoints.soon();
    if (header.width === header.height) this.size = header.width;
    await this.syncView();
  },

  /** A fresh world (`size` square, or any size for the test hook's scripted runs). */
  resize(size) {
    return this.newWorld({ width: size, height: size, seed: this.seed, scene: this.scene });
  },

  newWorld({ width, height, seed, scene }) {
    return this.withBusy(async () => {
      const engine = this.live();
      // The world being replaced is gone from the sim's history: the page keeps its save.
      const old = await engine.exclusive(() => engine.snapshotNow());
      engine.dropAllPaints();
      await engine.swapWorld(() => {
        const handle = engine.createWorld({ width, height, seed, scene });
        this.recorder.beginFresh(engine, { width, height, seed, scene });
        return handle;
      });
      this.worlds.record(old);
      this.checkpoints.soon();
      if (width === height) this.size = width;
      this.seed = seed;
      this.scene = scene;
      this.toolbar.setScene(scene);
      await this.syncView();
    });
  },
};
