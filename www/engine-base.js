// What both engines share: one world in wasm memory, the page-side paint
// queue, frames, hashes and snapshots. Subclasses decide how steps run
// (a crew of workers, or the calling thread).
//
// The paint invariant: strokes wait in `this.paints` and go into the sim's
// ring only right before steps are requested, so the ring is empty whenever
// no steps are pending. Everything still in `this.paints` is not yet part of
// the world, which is what makes undo exact (a snapshot plus the strokes
// queued after it).

import { CELL, ERROR, LIMITS } from './pkg/abi.js';
import { check, EngineError } from './errors.js';
import { IDLE_POLL_MS, IDLE_TIMEOUT_MS, PAINT_BACKLOG_LIMIT } from './config.js';
import { MAX_MATERIAL_ID } from './materials.js';

/** `qs_world_hash` returns an i64. */
const HASH_BITS = 64;
const HASH_HEX_DIGITS = HASH_BITS / 4;

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class EngineBase {
  constructor(exports, memory) {
    this.exports = exports;
    this.memory = memory;
    this.world = -1;
    this.width = 0;
    this.height = 0;
    /** Strokes not yet handed to the sim: `{ args, stroke }`. */
    this.paints = [];
    /** While > 0 no steps are requested (someone waits for an idle world). */
    this.holds = 0;
    /** The first fault; once set the engine is unusable. */
    this.fault = null;
    this.onFault = () => {};
  }

  /** Whether this sim build has the snapshot exports (save, load, undo). */
  get canSnapshot() {
    const e = this.exports;
    return ['qs_world_snapshot_save', 'qs_world_snapshot_load', 'qs_world_snapshot_ptr', 'qs_world_snapshot_capacity'].every(
      (name) => typeof e[name] === 'function',
    );
  }

  /** Creates a world (without adopting it) and renders its first frame. */
  createWorld({ width, height, seed, scene }) {
    const handle = check('qs_world_new', this.exports.qs_world_new(width, height, seed | 0));
    if (scene !== null && scene !== undefined) check('qs_world_scene', this.exports.qs_world_scene(handle, scene));
    this.exports.qs_world_request_frame(handle);
    return handle;
  }

  adoptWorld(handle) {
    this.world = handle;
    this.width = this.exports.qs_world_width(handle);
    this.height = this.exports.qs_world_height(handle);
  }

  freeWorld(handle) {
    check('qs_world_free', this.exports.qs_world_free(handle));
  }

  /** Replaces every cell with scene `scene` (a `SCENE` id). Only on an idle world. */
  loadScene(scene) {
    check('qs_world_scene', this.exports.qs_world_scene(this.world, scene));
  }

  /**
   * Queues a stroke for the next step; returns 0 or a negative code
   * (checked here, because the ring only sees it later).
   */
  paint(x0, y0, x1, y1, radius, material, stroke = 0) {
    if (!Number.isInteger(radius) || radius < 0 || radius > LIMITS.MAX_BRUSH_RADIUS) return ERROR.INVALID_ARGUMENT;
    if (!Number.isInteger(material) || material < 0 || material > MAX_MATERIAL_ID) return ERROR.UNKNOWN_MATERIAL;
    if (this.paints.length >= PAINT_BACKLOG_LIMIT) return ERROR.QUEUE_FULL;
    const reach = LIMITS.PAINT_COORD_MARGIN;
    const clampX = (x) => Math.max(-reach, Math.min(this.width + reach, Math.round(x)));
    const clampY = (y) => Math.max(-reach, Math.min(this.height + reach, Math.round(y)));
    this.paints.push({ args: [clampX(x0), clampY(y0), clampX(x1), clampY(y1), radius, material], stroke });
    return 0;
  }

  /** Hands queued strokes to the sim's ring until it is full; callers request steps right after. */
  flushPaints() {
    let sent = 0;
    while (sent < this.paints.length) {
      const code = this.exports.qs_world_paint(this.world, ...this.paints[sent].args);
      if (code === ERROR.QUEUE_FULL) break;
      sent++;
      // Arguments were checked in `paint`; anything else is dropped, not retried forever.
      if (code < 0) console.warn(`quicksand: a stroke was refused: ${code}`);
    }
    this.paints.splice(0, sent);
  }

  /** Forgets queued strokes of stroke `stroke` and later ones (undo). */
  dropPaintsFrom(stroke) {
    this.paints = this.paints.filter((p) => p.stroke < stroke);
  }

  dropAllPaints() {
    this.paints = [];
  }

  /** Strokes waiting for the next step. */
  queuedPaintCount() {
    return this.paints.length;
  }

  /** Hands the waiting strokes over (to a restarted engine) and forgets them. */
  takePaints() {
    const paints = this.paints;
    this.paints = [];
    return paints;
  }

  /** Queues strokes another engine had waiting, after any already queued. */
  queuePaints(paints) {
    this.paints.push(...paints);
  }

  /** Steps requested and not finished; 0 for the single-threaded engine. */
  pending() {
    return 0;
  }

  /** Resolves once no steps are pending; rejects on a fault or after IDLE_TIMEOUT_MS. */
  async whenIdle() {
    const deadline = performance.now() + IDLE_TIMEOUT_MS;
    for (;;) {
      // `pending` may itself find a fault (a crew that stopped), so look after it.
      const pending = this.pending();
      if (this.fault) throw this.fault;
      if (pending === 0) return;
      if (performance.now() > deadline) throw new EngineError(`the workers did not finish their steps within ${IDLE_TIMEOUT_MS} ms`);
      await sleep(IDLE_POLL_MS);
    }
  }

  /**
   * Runs `fn` on an idle world: no steps are requested from the call on,
   * and `fn` runs once every pending step has finished. The main thread
   * only polls; it never waits inside wasm.
   */
  async exclusive(fn) {
    this.holds++;
    try {
      await this.whenIdle();
      return await fn();
    } finally {
      this.holds--;
    }
  }

  stepCount() {
    return this.exports.qs_world_step_count(this.world) >>> 0;
  }

  frameSeq() {
    return this.exports.qs_world_frame_seq(this.world);
  }

  /** A view of the front frame in wasm memory (made fresh: memory may have grown). */
  frameView() {
    const pointer = this.exports.qs_world_frame_ptr(this.world);
    return new Uint8Array(this.memory.buffer, pointer, this.width * this.height);
  }

  /** Tells the sim the front frame has been read, so the next step may flip. */
  requestFrame() {
    this.exports.qs_world_request_frame(this.world);
  }

  /** A copy of the palette: `palette_len` RGBA entries. */
  palette() {
    const pointer = this.exports.qs_world_palette_ptr(this.world);
    const length = this.exports.qs_world_palette_len(this.world);
    return new Uint8Array(this.memory.buffer, pointer, length * CELL.PALETTE_ENTRY_BYTES).slice();
  }

  /** The colour of a material's shade as CSS, for the swatches. */
  swatch(palette, material, shade) {
    const at = (material * CELL.SHADE_COUNT + shade) * CELL.PALETTE_ENTRY_BYTES;
    return `rgb(${palette[at]} ${palette[at + 1]} ${palette[at + 2]})`;
  }

  /** The state hash as 16 hex digits. Only on an idle world (see `exclusive`). */
  hashNow() {
    const value = this.exports.qs_world_hash(this.world);
    return BigInt.asUintN(HASH_BITS, BigInt(value)).toString(16).padStart(HASH_HEX_DIGITS, '0');
  }

  /** A copy of the world's save bytes. Only on an idle world. */
  snapshotNow(handle = this.world) {
    if (!this.canSnapshot) throw new EngineError('this build of the sim cannot save (qs_world_snapshot_save is missing)');
    const length = check('qs_world_snapshot_save', this.exports.qs_world_snapshot_save(handle));
    const pointer = check('qs_world_snapshot_ptr', this.exports.qs_world_snapshot_ptr(handle));
    return new Uint8Array(this.memory.buffer, pointer, length).slice();
  }

  /**
   * Loads save bytes into world `handle` (same size). Only on an idle
   * world; on any error the world is untouched and an EngineError says why.
   */
  loadNow(bytes, handle = this.world) {
    if (!this.canSnapshot) throw new EngineError('this build of the sim cannot load (qs_world_snapshot_load is missing)');
    const capacity = check('qs_world_snapshot_capacity', this.exports.qs_world_snapshot_capacity(handle));
    if (bytes.length > capacity) throw new EngineError(`the save (${bytes.length} bytes) does not fit this world's buffer (${capacity} bytes)`, ERROR.SIZE_MISMATCH);
    const pointer = check('qs_world_snapshot_ptr', this.exports.qs_world_snapshot_ptr(handle));
    new Uint8Array(this.memory.buffer, pointer, bytes.length).set(bytes);
    check('qs_world_snapshot_load', this.exports.qs_world_snapshot_load(handle, bytes.length));
  }

  /** Records the first fault and tells the page. */
  reportFault(error) {
    if (this.fault) return;
    this.fault = error instanceof Error ? error : new EngineError(String(error));
    this.onFault(this.fault);
  }
}
