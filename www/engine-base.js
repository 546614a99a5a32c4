// What both engines share: one world in wasm memory, the page-side command
// queue, frames, hashes, snapshots and the start world (fresh or from a save). Subclasses decide how steps run
// (a crew of workers, or the calling thread).
//
// Strokes and history commands (undo, redo, a scene) wait in `this.paints`,
// in the order the player made them, and go into the sim's ring right
// before steps are requested, while the crew keeps stepping; the sim
// applies them at the next step boundary and takes its own undo
// checkpoints there (docs/ABI.md, "Undo and redo"). Nothing here waits for
// an idle world to paint or undo. A stroke of a new id is announced with
// `qs_world_begin_stroke` as its first segment is handed over.
//
// Every world an engine makes keeps the sim's command log on from its
// first command (docs/REPLAY_FORMAT.md): what the sim applied, with the
// step it applied it at. `takeLog` drains it (the page does every frame:
// while the log is full the sim applies nothing more), and `pushCommand`
// queues a logged command again, which is how a replay plays.

import { CELL, COMMAND, COMMAND_LOG, ERROR, LIMITS, PAINT_MASK } from './pkg/abi.js';
import { check, EngineError } from './errors.js';
import { IDLE_POLL_MS, IDLE_TIMEOUT_MS, PAINT_BACKLOG_LIMIT } from './config.js';
import { isPaintable, MAX_MATERIAL_ID } from './materials.js';

/** `qs_world_hash` returns an i64. */
const HASH_BITS = 64;
const HASH_HEX_DIGITS = HASH_BITS / 4;
/** A log entry's step is two u32 words. */
const STEP_HIGH_SCALE = 2 ** 32;
/** The eight command words of a log entry, after its step, in `qs_world_command`'s order. */
const COMMAND_FIELDS = ['kind', 'x0', 'y0', 'x1', 'y1', 'radius', 'material', 'mask'];

/** A 64-bit value the sim returns (an i64, a BigInt in JS) as 16 hex digits. */
export function hex64(value) {
  return BigInt.asUintN(HASH_BITS, BigInt(value)).toString(16).padStart(HASH_HEX_DIGITS, '0');
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class EngineBase {
  constructor(exports, memory) {
    this.exports = exports;
    this.memory = memory;
    this.world = -1;
    this.width = 0;
    this.height = 0;
    /** Strokes and commands not yet handed to the sim: `{ call, args, stroke? }`, in order. */
    this.paints = [];
    /** The stroke id last announced to the sim (`qs_world_begin_stroke`). */
    this.sentStroke = undefined;
    /** While > 0 no steps are requested (someone waits for an idle world). */
    this.holds = 0;
    /** The first fault; once set the engine is unusable. */
    this.fault = null;
    this.onFault = () => {};
  }

  /** Creates a world (without adopting it) and renders its first frame. */
  createWorld({ width, height, seed, scene }) {
    const handle = check('qs_world_new', this.exports.qs_world_new(width, height, seed | 0));
    // Before any command: a replay must hold every one the world applies.
    check('qs_world_log_enable', this.exports.qs_world_log_enable(handle, 1));
    if (scene !== null && scene !== undefined) check('qs_world_scene', this.exports.qs_world_scene(handle, scene));
    this.exports.qs_world_request_frame(handle);
    return handle;
  }

  /**
   * The world an engine starts with: from `snapshot` (`{ bytes, header }`,
   * its own size) when given, else a fresh one from `world`
   * ({ width, height, seed, scene }). Returns the handle, not adopted.
   */
  createStartWorld(world, snapshot) {
    if (!snapshot) return this.createWorld(world);
    const { width, height, seed } = snapshot.header;
    const handle = this.createWorld({ width, height, seed, scene: null });
    this.loadNow(snapshot.bytes, handle);
    this.exports.qs_world_request_frame(handle);
    return handle;
  }

  /** How both engines begin: the fault callback, then the start world (`createStartWorld`), adopted. */
  begin({ world, snapshot = null, onFault = () => {} }) {
    this.onFault = onFault;
    this.adoptWorld(this.createStartWorld(world, snapshot));
  }

  adoptWorld(handle) {
    this.world = handle;
    // The new world has heard of no stroke yet.
    this.sentStroke = undefined;
    this.width = this.exports.qs_world_width(handle);
    this.height = this.exports.qs_world_height(handle);
  }

  freeWorld(handle) {
    check('qs_world_free', this.exports.qs_world_free(handle));
  }

  /**
   * Queues a stroke for the next step; returns 0 or a negative code
   * (checked here, because the ring only sees it later).
   */
  paint(x0, y0, x1, y1, radius, material, stroke = 0, mask = PAINT_MASK.DEFAULT) {
    const refused = this.refusePaint(radius, material, mask);
    if (refused) return refused;
    const ends = this.clampEnds(x0, y0, x1, y1);
    if (mask === PAINT_MASK.DEFAULT) this.paints.push({ call: 'qs_world_paint', args: [...ends, radius, material], stroke });
    else this.paints.push({ call: 'qs_world_paint_masked', args: [...ends, radius, material, mask], stroke });
    return 0;
  }

  /**
   * Queues a rectangle with corners (x0, y0) and (x1, y1): filled, or its
   * outline drawn with a brush of `radius`. Only over what `mask` allows
   * (PAINT_MASK). 0 or a negative code, as `paint`.
   */
  paintRect(x0, y0, x1, y1, radius, material, { filled, mask = PAINT_MASK.DEFAULT, stroke = 0 }) {
    const refused = this.refusePaint(radius, material, mask);
    if (refused) return refused;
    this.paints.push({ call: 'qs_world_paint_rect', args: [...this.clampEnds(x0, y0, x1, y1), radius, material, mask, filled ? 1 : 0], stroke });
    return 0;
  }

  /**
   * Queues a flood fill from cell (x, y): its connected region of one
   * material becomes `material`, up to LIMITS.FILL_MAX_CELLS cells
   * (docs/ABI.md, "Tools"). 0 or a negative code.
   */
  fill(x, y, material, stroke = 0) {
    const refused = this.refusePaint(0, material, PAINT_MASK.DEFAULT);
    if (refused) return refused;
    if (!Number.isInteger(x) || !Number.isInteger(y) || x < 0 || y < 0 || x >= this.width || y >= this.height) return ERROR.INVALID_ARGUMENT;
    this.paints.push({ call: 'qs_world_fill', args: [x, y, material], stroke });
    return 0;
  }

  /** The code a paint command with these arguments would be refused with, or 0 (checked here: the ring sees it only later). */
  refusePaint(radius, material, mask) {
    if (!Number.isInteger(radius) || radius < 0 || radius > LIMITS.MAX_BRUSH_RADIUS) return ERROR.INVALID_ARGUMENT;
    if (!isPaintable(material)) return ERROR.UNKNOWN_MATERIAL;
    const maskOk = mask === PAINT_MASK.DEFAULT || mask === PAINT_MASK.NON_EMPTY || (Number.isInteger(mask) && mask >= 0 && mask <= MAX_MATERIAL_ID);
    if (!maskOk) return ERROR.INVALID_ARGUMENT;
    if (this.paints.length >= PAINT_BACKLOG_LIMIT) return ERROR.QUEUE_FULL;
    return 0;
  }

  /** End points clamped to where the sim accepts them (LIMITS.PAINT_COORD_MARGIN around the world). */
  clampEnds(x0, y0, x1, y1) {
    const reach = LIMITS.PAINT_COORD_MARGIN;
    const clampX = (x) => Math.max(-reach, Math.min(this.width + reach, Math.round(x)));
    const clampY = (y) => Math.max(-reach, Math.min(this.height + reach, Math.round(y)));
    return [clampX(x0), clampY(y0), clampX(x1), clampY(y1)];
  }

  /** Queues an undo of the last stroke, clear or scene (applied at the next step boundary, or at once while paused). */
  undo() {
    this.paints.push({ call: 'qs_world_undo', args: [] });
  }

  /** Queues a redo of the last undone entry. */
  redo() {
    this.paints.push({ call: 'qs_world_redo', args: [] });
  }

  /**
   * Queues a command as the sim logged it (`{ kind, x0, y0, x1, y1,
   * radius, material, mask }`, a `takeLog` entry or a replay event), for
   * the next step boundary like a stroke; the sim checks it again when it
   * is handed over (`qs_world_command`). A BEGIN_STROKE counts as the
   * stroke announced, so the page's next own stroke id is announced anew.
   */
  pushCommand(entry) {
    const args = COMMAND_FIELDS.map((field) => entry[field] | 0);
    this.paints.push({ call: 'qs_world_command', args, announces: entry.kind === COMMAND.BEGIN_STROKE ? entry.x0 >>> 0 : undefined });
  }

  /**
   * Queues a logged command (`pushCommand`'s entry) due at the boundary
   * where the world's step count is `entry.step` (`qs_world_command_at`):
   * in the sim's ring it and every command behind it wait until then, so
   * a replay's commands can be queued ahead while the crew runs many steps
   * at once. A step already past applies at the next boundary.
   */
  pushCommandAt(entry) {
    const args = COMMAND_FIELDS.map((field) => entry[field] | 0);
    const low = entry.step % STEP_HIGH_SCALE;
    const high = Math.floor(entry.step / STEP_HIGH_SCALE);
    this.paints.push({ call: 'qs_world_command_at', args: [low | 0, high | 0, ...args], announces: entry.kind === COMMAND.BEGIN_STROKE ? entry.x0 >>> 0 : undefined });
  }

  /**
   * Every command the sim applied since the last call, oldest first, as
   * plain entries `{ step, kind, x0, y0, x1, y1, radius, material, mask,
   * result }` (`qs_world_log_take`, docs/REPLAY_FORMAT.md). Safe while
   * steps run: the log is a ring the sim appends to and this end takes from.
   */
  takeLog(handle = this.world) {
    const e = this.exports;
    const entries = [];
    for (;;) {
      const count = check('qs_world_log_take', e.qs_world_log_take(handle));
      if (count === 0) break;
      const pointer = check('qs_world_log_ptr', e.qs_world_log_ptr(handle));
      const words = new Int32Array(this.memory.buffer, pointer, count * COMMAND_LOG.ENTRY_WORDS);
      for (let i = 0; i < count; i++) {
        const at = i * COMMAND_LOG.ENTRY_WORDS;
        const entry = { step: (words[at + COMMAND_LOG.STEP_LOW] >>> 0) + (words[at + COMMAND_LOG.STEP_HIGH] >>> 0) * STEP_HIGH_SCALE };
        COMMAND_FIELDS.forEach((field, k) => {
          entry[field] = words[at + COMMAND_LOG.KIND + k];
        });
        entry.result = words[at + COMMAND_LOG.RESULT];
        entries.push(entry);
      }
      // A full take may have left more behind.
      if (count < COMMAND_LOG.CAPACITY) break;
    }
    return entries;
  }

  /** The rules this module simulates by (`qs_rules_id`), as 16 hex digits: a replay records it. */
  rulesId() {
    return hex64(this.exports.qs_rules_id());
  }

  /**
   * Hands the queued strokes and commands to the sim, as many as its ring
   * takes, and applies them now, as the next step would
   * (`qs_world_apply_pending`), without a step. Returns how many are still
   * queued: take the log before calling again (a full log applies
   * nothing). Only on an idle world (inside `exclusive`).
   */
  applyNow() {
    this.flushPaints();
    check('qs_world_apply_pending', this.exports.qs_world_apply_pending(this.world));
    return this.paints.length;
  }

  /** Queues a scene (a `SCENE` id; EMPTY clears) that replaces the world, recorded for undo. */
  queueScene(scene) {
    this.paints.push({ call: 'qs_world_queue_scene', args: [scene] });
  }

  /** Entries the sim can undo / redo, as of the last applied command. */
  undoDepth() {
    return Math.max(0, this.exports.qs_world_undo_depth(this.world));
  }

  redoDepth() {
    return Math.max(0, this.exports.qs_world_redo_depth(this.world));
  }

  /** Strokes and commands not yet applied: in the page's queue or in the sim's ring. */
  commandsWaiting() {
    return this.paints.length + Math.max(0, this.exports.qs_world_queued_paint(this.world));
  }

  /**
   * Hands one queued entry to the sim's ring: a stroke whose id differs
   * from the last one handed over is announced first. Returns the code.
   */
  send(entry) {
    if (entry.stroke !== undefined && entry.stroke !== this.sentStroke) {
      const code = this.exports.qs_world_begin_stroke(this.world, entry.stroke);
      if (code === ERROR.QUEUE_FULL) return code;
      // No memory for the history: the stroke is painted, only not undoable.
      if (code < 0) console.warn(`quicksand: a stroke could not be recorded for undo: ${code}`);
      this.sentStroke = entry.stroke;
    }
    const code = this.exports[entry.call](this.world, ...entry.args);
    if (code >= 0 && entry.announces !== undefined) this.sentStroke = entry.announces;
    return code;
  }

  /**
   * Hands the first `limit` queued strokes to the sim's ring, fewer if it
   * fills; callers request steps (or render now) right after. Returns how
   * many it handed over.
   */
  flushPaints(limit = this.paints.length) {
    let sent = 0;
    while (sent < Math.min(limit, this.paints.length)) {
      const code = this.send(this.paints[sent]);
      if (code === ERROR.QUEUE_FULL) break;
      sent++;
      // Arguments were checked in `paint`; anything else is dropped, not retried forever.
      if (code < 0) console.warn(`quicksand: a stroke was refused: ${code}`);
    }
    this.paints.splice(0, sent);
    return sent;
  }

  /**
   * While paused (no steps requested): hands the waiting strokes to the sim
   * and shows them at once with `qs_world_render_now`, which applies them
   * as the next step would (undo and redo too). Only on an idle world
   * nobody holds: a hold is exclusive work (a save) that must not see them yet.
   */
  drawStrokesNow() {
    if (this.paints.length === 0 || this.holds > 0 || this.fault || this.pending() !== 0) return;
    this.flushPaints();
    this.renderNow();
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
      // Read before `pending`: a step that ends after this read changes it,
      // so the wait below cannot miss that step.
      const mark = this.progressMark();
      // `pending` may itself find a fault (a crew that stopped), so look after it.
      const pending = this.pending();
      if (this.fault) throw this.fault;
      if (pending === 0) return;
      const left = deadline - performance.now();
      if (left < 0) throw new EngineError(`the workers did not finish their steps within ${IDLE_TIMEOUT_MS} ms`);
      await this.progressSince(mark, left);
    }
  }

  /** What `progressSince` compares against; the base engine has nothing to watch. */
  progressMark() {
    return null;
  }

  /**
   * Resolves when a step may have ended since `mark` was read, or after at
   * most `timeoutMs`. This one polls; the threaded engine sleeps until
   * notified where it can (`waitStrategy`).
   */
  progressSince(mark, timeoutMs) {
    return sleep(Math.min(IDLE_POLL_MS, timeoutMs));
  }

  /** How `progressSince` waits: 'poll' here. */
  get waitStrategy() {
    return 'poll';
  }

  /** What `exclusive` waits for before it runs: every pending step (see the threaded engine). */
  settle() {
    return this.whenIdle();
  }

  /**
   * Runs `fn` on an idle world: no steps are requested from the call on,
   * and `fn` runs once every pending step has finished. The main thread
   * never waits inside wasm: it polls, or sleeps in `Atomics.waitAsync`.
   */
  async exclusive(fn) {
    this.holds++;
    try {
      await this.settle();
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

  /**
   * The temperature plane for the thermal view: `{ cells, stride, origin }`,
   * an Int16Array view of wasm memory (made fresh: memory may grow and the
   * sim may swap planes between steps), cells per plane row, and the index
   * of cell (0, 0). Read while steps run, it may mix two steps: fine for a
   * picture, never for a hash.
   */
  temperaturePlane() {
    const e = this.exports;
    const pointer = check('qs_world_temperature_ptr', e.qs_world_temperature_ptr(this.world));
    const stride = check('qs_world_plane_stride', e.qs_world_plane_stride(this.world));
    const origin = check('qs_world_plane_origin', e.qs_world_plane_origin(this.world));
    const length = origin + (this.height - 1) * stride + this.width;
    return { cells: new Int16Array(this.memory.buffer, pointer, length), stride, origin };
  }

  /**
   * `{ material, temperature }` at cell (x, y): a material id and plane
   * units, or null outside the world. Exact on an idle world; while steps
   * run, a cell as it was at some moment of the current step.
   */
  cellAt(x, y) {
    if (!Number.isInteger(x) || !Number.isInteger(y) || x < 0 || y < 0 || x >= this.width || y >= this.height) return null;
    const material = this.exports.qs_world_cell_material(this.world, x, y);
    const temperature = this.exports.qs_world_cell_temperature(this.world, x, y);
    return material < 0 ? null : { material, temperature };
  }

  /** Cells of material `id` in the world (`qs_world_count`). Exact on an idle world. */
  count(id) {
    return check('qs_world_count', this.exports.qs_world_count(this.world, id));
  }

  /** Tells the sim the front frame has been read, so the next step may flip. */
  requestFrame() {
    this.exports.qs_world_request_frame(this.world);
  }

  /** Where the front frame differs from the frame published before it: `{ x0, y0, x1, y1 }`, empty when nothing does. */
  frameDirty() {
    const e = this.exports;
    const world = this.world;
    return {
      x0: e.qs_world_frame_dirty_x0(world),
      y0: e.qs_world_frame_dirty_y0(world),
      x1: e.qs_world_frame_dirty_x1(world),
      y1: e.qs_world_frame_dirty_y1(world),
    };
  }

  /**
   * Uploads the front frame into `renderer`: only what changed when the
   * renderer holds the frame published just before it (`held` is that
   * frame's sequence number, or null), else all of it; then tells the sim
   * the frame has been read. Returns `{ held, bytes }`: the frame the
   * renderer holds now (null if another was published during the upload,
   * so the next one is whole) and the bytes uploaded.
   */
  uploadFrame(renderer, held) {
    const seq = this.frameSeq();
    // After the sequence number wraps the rectangle is not used once: a whole upload, never a wrong one.
    const follows = held !== null && seq === held + 1;
    const bytes = renderer.upload(this.frameView(), follows ? this.frameDirty() : null);
    const unchanged = this.frameSeq() === seq;
    this.requestFrame();
    return { held: unchanged ? seq : null, bytes };
  }

  /** Publishes a frame of the world as it is now, without a step (`qs_world_render_now`). Only on an idle world. */
  renderNow() {
    check('qs_world_render_now', this.exports.qs_world_render_now(this.world));
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
    return hex64(this.exports.qs_world_hash(this.world));
  }

  /** A copy of the world's save bytes. Only on an idle world. */
  snapshotNow(handle = this.world) {
    const length = check('qs_world_snapshot_save', this.exports.qs_world_snapshot_save(handle));
    const pointer = check('qs_world_snapshot_ptr', this.exports.qs_world_snapshot_ptr(handle));
    return new Uint8Array(this.memory.buffer, pointer, length).slice();
  }

  /**
   * Loads save bytes into world `handle` (same size). Only on an idle
   * world; on any error the world is untouched and an EngineError says why.
   */
  loadNow(bytes, handle = this.world) {
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
