// The `.qsreplay` codec, version 1 (docs/REPLAY_FORMAT.md): a 44-byte
// header, then a body of varints compressed with raw deflate
// (`CompressionStream('deflate-raw')`). Every refusal the document lists
// has its own ReplayError, with a `reason` for tests and a message for
// the player. The numbers come from the sim through abi.js (`REPLAY`,
// `COMMAND`); nothing here retypes one.
//
// A decoded replay is plain data:
//   { rulesId, finalHash (16 hex digits each), finalStep,
//     segments: [{ start, startStep, endStep, events: [event] }] }
// where `start` is `{ kind: 'fresh', width, height, seed, scene }`,
// `{ kind: 'save', bytes }` or `{ kind: 'reload' }`, and an event has the
// fields of a command-log entry (engine-base.js `takeLog`): `{ step, kind,
// x0, y0, x1, y1, radius, material, mask, result }`, steps absolute. Fields
// a kind does not carry are 0, as the sim logs them.
//
// Steps are JS numbers: the format allows 64 bits, this page counts up to
// 2^53 and refuses a file beyond that (no session gets near it).

import { COMMAND, LIMITS, PAINT_MASK, REPLAY, SCENE } from './pkg/abi.js';
import { parseHeader, SaveError } from './saves.js';

export const REPLAY_EXTENSION = '.qsreplay';

/** Header layout (docs/REPLAY_FORMAT.md, "File"); the total is REPLAY.HEADER_BYTES. The magic starts the file. */
const OFFSET = Object.freeze({
  MAGIC: 0,
  VERSION: REPLAY.VERSION_OFFSET,
  FLAGS: REPLAY.FLAGS_OFFSET,
  CHECKSUM: REPLAY.CHECKSUM_OFFSET,
  RULES_ID: REPLAY.RULES_ID_OFFSET,
  FINAL_HASH: REPLAY.FINAL_HASH_OFFSET,
  FINAL_STEP: REPLAY.FINAL_STEP_OFFSET,
  BODY_LENGTH: REPLAY.BODY_LENGTH_OFFSET,
});
/** The checksum covers every byte from here to the end. */
const CHECKSUMMED_FROM = REPLAY.CHECKED_FROM;

/** The segment start byte. */
const START = Object.freeze({ FRESH: REPLAY.START_FRESH, SAVE: REPLAY.START_SAVE, RELOAD: REPLAY.START_RELOAD });
const START_NAME = Object.freeze({ [START.FRESH]: 'fresh', [START.SAVE]: 'save', [START.RELOAD]: 'reload' });
const START_CODE = Object.freeze({ fresh: START.FRESH, save: START.SAVE, reload: START.RELOAD });

/** An event's head: the kind in the low bits, that kind's flags in the high ones. */
const KIND_MASK = REPLAY.KIND_MASK;
const FLAG_START = REPLAY.FLAG_START;
const FLAG_BRUSH = REPLAY.FLAG_BRUSH;
const FLAG_EFFECTIVE = REPLAY.FLAG_EFFECTIVE;

const SHAPES = new Set([COMMAND.PAINT, COMMAND.RECT_FILLED, COMMAND.RECT_OUTLINE]);
/** The flags each kind may carry; any other flag is refused. */
const ALLOWED_FLAGS = new Map([
  [COMMAND.PAINT, FLAG_START | FLAG_BRUSH],
  [COMMAND.RECT_FILLED, FLAG_START | FLAG_BRUSH],
  [COMMAND.RECT_OUTLINE, FLAG_START | FLAG_BRUSH],
  [COMMAND.FILL, 0],
  [COMMAND.BEGIN_STROKE, 0],
  [COMMAND.UNDO, FLAG_EFFECTIVE],
  [COMMAND.REDO, FLAG_EFFECTIVE],
  [COMMAND.SCENE, 0],
]);

const SCENE_IDS = new Set(Object.values(SCENE));
const I32_MIN = -(2 ** 31);
const I32_MAX = 2 ** 31 - 1;
const U32_MAX = 2 ** 32 - 1;
const U64_BITS = 64n;
const VARINT_MAX_BYTES = 10;
const HASH_HEX_DIGITS = 16;

/** A replay that cannot be read (or written); `message` is meant for the player, `reason` for tests. */
export class ReplayError extends Error {
  constructor(reason, message) {
    super(message);
    this.name = 'ReplayError';
    this.reason = reason;
  }
}

// ---- CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320: zlib's, gzip's, PNG's)

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes) {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

// ---- 64-bit header fields as 16 hex digits

const hex64 = (value) => BigInt.asUintN(64, value).toString(16).padStart(HASH_HEX_DIGITS, '0');

function parseHex64(text, what) {
  if (typeof text === 'bigint') return BigInt.asUintN(64, text);
  if (typeof text !== 'string' || !/^[0-9a-f]{1,16}$/i.test(text)) throw new ReplayError('argument', `the ${what} must be 16 hex digits, not ${String(text)}`);
  return BigInt(`0x${text}`);
}

// ---- Body writer

class BodyWriter {
  constructor() {
    this.bytes = new Uint8Array(4096);
    this.length = 0;
  }

  room(n) {
    if (this.length + n <= this.bytes.length) return;
    if (this.length + n > REPLAY.MAX_BODY_BYTES + VARINT_MAX_BYTES) throw new ReplayError('too-big', `this replay's body would be larger than ${REPLAY.MAX_BODY_BYTES} bytes`);
    let size = this.bytes.length * 2;
    while (size < this.length + n) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  u8(value) {
    this.room(1);
    this.bytes[this.length++] = value;
  }

  /** Unsigned LEB128 of a non-negative safe integer or a BigInt below 2^64. */
  varint(value) {
    this.room(VARINT_MAX_BYTES);
    if (typeof value === 'number' && value <= U32_MAX) {
      let v = value;
      while (v >= 0x80) {
        this.bytes[this.length++] = (v & 0x7f) | 0x80;
        v = Math.floor(v / 128);
      }
      this.bytes[this.length++] = v;
      return;
    }
    let v = BigInt(value);
    while (v >= 0x80n) {
      this.bytes[this.length++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.bytes[this.length++] = Number(v);
  }

  /** Zigzag: (n << 1) ^ (n >> 63), of an integer that fits 64 bits signed. */
  zigzag(n) {
    this.varint(n >= 0 ? 2 * n : -2 * n - 1);
  }

  raw(bytes) {
    this.room(bytes.length);
    this.bytes.set(bytes, this.length);
    this.length += bytes.length;
  }

  done() {
    return this.bytes.subarray(0, this.length);
  }
}

// ---- Body reader

const TOO_BIG_FOR_PAGE = 2 ** 53;

class BodyReader {
  constructor(bytes) {
    this.bytes = bytes;
    this.at = 0;
  }

  fail(message) {
    throw new ReplayError('body', `This replay is damaged: ${message} (body byte ${this.at}).`);
  }

  u8(what) {
    if (this.at >= this.bytes.length) this.fail(`it ends inside ${what}`);
    return this.bytes[this.at++];
  }

  /** Unsigned LEB128, at most 10 bytes, fitting 64 bits: a Number when below 2^53, else a BigInt. */
  varint(what) {
    let low = 0;
    let scale = 1;
    let big = null;
    for (let i = 0; i < VARINT_MAX_BYTES; i++) {
      const byte = this.u8(what);
      const part = byte & 0x7f;
      if (i === VARINT_MAX_BYTES - 1 && part > 1) this.fail(`${what} does not fit 64 bits`);
      if (big === null && i < 7) low += part * scale;
      else {
        if (big === null) big = BigInt(low);
        big += BigInt(part) << BigInt(7 * i);
      }
      scale *= 128;
      if ((byte & 0x80) === 0) {
        if (big === null) return low;
        return big < BigInt(TOO_BIG_FOR_PAGE) ? Number(big) : big;
      }
    }
    return this.fail(`${what} is longer than ${VARINT_MAX_BYTES} bytes`);
  }

  /** A varint that must fit 32 bits unsigned. */
  u32(what) {
    const value = this.varint(what);
    if (typeof value !== 'number' || value > U32_MAX) this.fail(`${what} (${value}) does not fit 32 bits`);
    return value;
  }

  /** A zigzag varint as a signed Number, or a BigInt when its magnitude is 2^52 or more (never a coordinate). */
  zigzag(what) {
    const value = this.varint(what);
    if (typeof value === 'number' && value < TOO_BIG_FOR_PAGE) return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
    const big = BigInt(value);
    return (big >> 1n) ^ -(big & 1n);
  }

  /** A zigzag varint that must fit 32 bits signed. */
  i32(what) {
    const value = this.zigzag(what);
    if (typeof value !== 'number' || value < I32_MIN || value > I32_MAX) this.fail(`${what} (${value}) does not fit 32 bits`);
    return value;
  }

  /** `base` plus a zigzag delta, which must land inside 32 bits signed. */
  coordinate(base, what) {
    const delta = this.zigzag(what);
    const value = typeof delta === 'number' ? base + delta : null;
    if (value === null || value < I32_MIN || value > I32_MAX) this.fail(`${what} lies outside 32 bits`);
    return value;
  }

  /** A varint that must be a `SCENE` id. */
  scene() {
    const scene = this.u32('a scene');
    if (!SCENE_IDS.has(scene)) this.fail(`${scene} is not a scene id`);
    return scene;
  }

  /** A step: a varint this page can count. */
  step(what) {
    const value = this.varint(what);
    if (typeof value !== 'number') this.fail(`${what} is beyond what this page counts (2^53 steps)`);
    return value;
  }

  take(n, what) {
    if (n > this.bytes.length - this.at) this.fail(`it ends inside ${what}`);
    const bytes = this.bytes.slice(this.at, this.at + n);
    this.at += n;
    return bytes;
  }

  get left() {
    return this.bytes.length - this.at;
  }
}

// ---- Body: segments and events

/** What the encoder and decoder keep from event to event, reset at each segment's start. */
function freshState(startStep) {
  return { step: startStep, px: 0, py: 0, radius: 0, material: 0, mask: PAINT_MASK.DEFAULT, stroke: 0 };
}

function blankEvent(step, kind) {
  return { step, kind, x0: 0, y0: 0, x1: 0, y1: 0, radius: 0, material: 0, mask: 0, result: 0 };
}

function writeEvent(w, state, event) {
  const { kind } = event;
  if (!ALLOWED_FLAGS.has(kind)) throw new ReplayError('argument', `an event of unknown kind ${kind}`);
  if (!Number.isSafeInteger(event.step) || event.step < state.step) throw new ReplayError('argument', `events must be in step order (${event.step} after ${state.step})`);
  w.varint(event.step - state.step);
  state.step = event.step;
  if (SHAPES.has(kind)) {
    const start = event.x0 !== state.px || event.y0 !== state.py;
    const brush = event.radius !== state.radius || event.material !== state.material || event.mask !== state.mask;
    w.u8(kind | (start ? FLAG_START : 0) | (brush ? FLAG_BRUSH : 0));
    if (start) {
      w.zigzag(event.x0 - state.px);
      w.zigzag(event.y0 - state.py);
    }
    w.zigzag(event.x1 - event.x0);
    w.zigzag(event.y1 - event.y0);
    if (brush) {
      w.varint(event.radius);
      w.varint(event.material);
      w.zigzag(event.mask);
    }
    Object.assign(state, { px: event.x1, py: event.y1, radius: event.radius, material: event.material, mask: event.mask });
  } else if (kind === COMMAND.FILL) {
    w.u8(kind);
    w.zigzag(event.x0 - state.px);
    w.zigzag(event.y0 - state.py);
    w.varint(event.material);
    state.px = event.x0;
    state.py = event.y0;
  } else if (kind === COMMAND.BEGIN_STROKE) {
    // A stroke id is a u32; the log holds it as an i32 word.
    const id = event.x0 >>> 0;
    w.u8(kind);
    w.zigzag(id - state.stroke);
    state.stroke = id;
  } else if (kind === COMMAND.UNDO || kind === COMMAND.REDO) {
    w.u8(kind | (event.result ? FLAG_EFFECTIVE : 0));
  } else {
    w.u8(kind);
    w.varint(event.x0);
  }
}

function readEvent(r, state, endStep) {
  const step = state.step + r.step('an event step');
  if (step > endStep) r.fail(`an event at step ${step} lies past its segment's end (step ${endStep})`);
  state.step = step;
  const head = r.u8('an event head');
  const kind = head & KIND_MASK;
  const flags = head & ~KIND_MASK & 0xff;
  if (!ALLOWED_FLAGS.has(kind)) r.fail(`an event has the unknown kind ${kind}`);
  if (flags & ~ALLOWED_FLAGS.get(kind)) r.fail(`an event of kind ${kind} has flags 0x${flags.toString(16)} it does not take`);
  const event = blankEvent(step, kind);
  if (SHAPES.has(kind)) {
    const x0 = flags & FLAG_START ? r.coordinate(state.px, 'a start x') : state.px;
    const y0 = flags & FLAG_START ? r.coordinate(state.py, 'a start y') : state.py;
    const x1 = r.coordinate(x0, 'an end x');
    const y1 = r.coordinate(y0, 'an end y');
    if (flags & FLAG_BRUSH) {
      state.radius = r.u32('a brush radius');
      state.material = r.u32('a brush material');
      state.mask = r.i32('a brush mask');
    }
    Object.assign(event, { x0, y0, x1, y1, radius: state.radius, material: state.material, mask: state.mask });
    state.px = x1;
    state.py = y1;
  } else if (kind === COMMAND.FILL) {
    event.x0 = r.coordinate(state.px, 'a fill x');
    event.y0 = r.coordinate(state.py, 'a fill y');
    event.material = r.u32('a fill material');
    state.px = event.x0;
    state.py = event.y0;
  } else if (kind === COMMAND.BEGIN_STROKE) {
    const delta = r.zigzag('a stroke id');
    const id = typeof delta === 'number' ? state.stroke + delta : -1;
    if (id < 0 || id > U32_MAX) r.fail('a stroke id does not fit 32 bits');
    event.x0 = id;
    state.stroke = id;
  } else if (kind === COMMAND.UNDO || kind === COMMAND.REDO) {
    event.result = flags & FLAG_EFFECTIVE ? 1 : 0;
  } else {
    event.x0 = r.scene();
  }
  return event;
}

function writeStart(w, segment) {
  const { start } = segment;
  const code = START_CODE[start?.kind];
  if (code === undefined) throw new ReplayError('argument', `a segment starts with the unknown kind ${start?.kind}`);
  w.u8(code);
  if (code === START.FRESH) {
    w.varint(start.width);
    w.varint(start.height);
    w.varint(start.seed >>> 0);
    w.varint(start.scene);
  } else if (code === START.SAVE) {
    w.varint(start.bytes.length);
    w.raw(start.bytes);
  }
}

function readStart(r, index, previousEnd) {
  const code = r.u8('a segment start');
  if (code === START.FRESH) {
    const width = r.u32('a width');
    const height = r.u32('a height');
    for (const [what, side] of [['width', width], ['height', height]]) {
      if (side < 1 || side > LIMITS.MAX_WORLD_SIZE) r.fail(`segment ${index + 1}'s ${what} ${side} is outside 1..${LIMITS.MAX_WORLD_SIZE}`);
    }
    const seed = r.u32('a seed');
    const scene = r.scene();
    return { start: { kind: 'fresh', width, height, seed, scene }, startStep: 0 };
  }
  if (code === START.SAVE) {
    const length = r.varint('a save length');
    if (typeof length !== 'number' || length > r.left) r.fail(`it ends inside segment ${index + 1}'s save`);
    const bytes = r.take(length, 'a save');
    let header;
    try {
      header = parseHeader(bytes);
    } catch (error) {
      if (!(error instanceof SaveError)) throw error;
      r.fail(`segment ${index + 1}'s save is not one this page loads: ${error.message}`);
    }
    if (header.step >= BigInt(TOO_BIG_FOR_PAGE)) r.fail(`segment ${index + 1}'s save is at a step beyond what this page counts`);
    return { start: { kind: 'save', bytes }, startStep: Number(header.step) };
  }
  if (code === START.RELOAD) {
    if (index === 0) r.fail('the first segment is a reload, which needs a segment before it');
    return { start: { kind: 'reload' }, startStep: previousEnd };
  }
  return r.fail(`segment ${index + 1} starts with the unknown kind ${code}`);
}

/** The body's bytes (uncompressed) of `replay`'s segments. */
export function encodeBody(segments) {
  if (!Array.isArray(segments) || segments.length < 1 || segments.length > REPLAY.MAX_SEGMENTS) {
    throw new ReplayError('too-many-segments', `a replay holds 1..${REPLAY.MAX_SEGMENTS} segments, not ${segments?.length}`);
  }
  const w = new BodyWriter();
  w.varint(segments.length);
  for (const segment of segments) {
    writeStart(w, segment);
    const duration = segment.endStep - segment.startStep;
    if (!Number.isSafeInteger(duration) || duration < 0) throw new ReplayError('argument', `a segment ends (step ${segment.endStep}) before it starts (step ${segment.startStep})`);
    w.varint(duration);
    w.varint(segment.events.length);
    const state = freshState(segment.startStep);
    for (const event of segment.events) {
      if (event.step > segment.endStep) throw new ReplayError('argument', `an event at step ${event.step} lies past its segment's end (step ${segment.endStep})`);
      writeEvent(w, state, event);
    }
  }
  if (w.length > REPLAY.MAX_BODY_BYTES) throw new ReplayError('too-big', `this replay's body is ${w.length} bytes, more than ${REPLAY.MAX_BODY_BYTES}`);
  return w.done();
}

/** The segments of a body; refuses anything that does not parse exactly. */
export function decodeBody(body) {
  const r = new BodyReader(body);
  const count = r.varint('the segment count');
  if (typeof count !== 'number' || count < 1 || count > REPLAY.MAX_SEGMENTS) r.fail(`its segment count ${count} is outside 1..${REPLAY.MAX_SEGMENTS}`);
  const segments = [];
  let previousEnd = 0;
  for (let index = 0; index < count; index++) {
    const { start, startStep } = readStart(r, index, previousEnd);
    const endStep = startStep + r.step('a segment duration');
    if (endStep >= TOO_BIG_FOR_PAGE) r.fail(`segment ${index + 1} ends beyond what this page counts`);
    const eventCount = r.varint('an event count');
    // Every event takes at least two bytes: a count past that cannot be honest.
    if (typeof eventCount !== 'number' || eventCount > r.left / 2) r.fail(`segment ${index + 1} claims ${eventCount} events, more than the body holds`);
    const state = freshState(startStep);
    const events = [];
    for (let i = 0; i < eventCount; i++) events.push(readEvent(r, state, endStep));
    segments.push({ start, startStep, endStep, events });
    previousEnd = endStep;
  }
  if (r.left !== 0) r.fail(`${r.left} bytes follow the last segment`);
  return segments;
}

// ---- Compression

async function collect(readable, limit, onOver) {
  const reader = readable.getReader();
  const parts = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.length;
    if (length > limit) {
      await reader.cancel().catch(() => {});
      return onOver(length);
    }
    parts.push(value);
  }
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return bytes;
}

async function deflateRaw(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  return collect(stream, Infinity);
}

/**
 * Inflates `compressed`, giving up as soon as the output passes `limit`
 * bytes (a tiny file must not inflate into gigabytes first). Returns the
 * bytes, or `{ over }` when there were more.
 */
async function inflateRaw(compressed, limit) {
  const stream = new Blob([compressed]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  try {
    return await collect(stream, limit, (length) => ({ over: length }));
  } catch (error) {
    throw new ReplayError('inflate', `This replay is damaged: its body does not inflate (${error.message}).`);
  }
}

/**
 * Whether bytes follow the deflate stream. Note: some DecompressionStreams
 * (Node's) ignore what follows the final block, and none says where it
 * ended. A stream's last byte always holds bits of its final block (the
 * padding after the end code shares that byte), so without it the stream
 * is cut short and must fail; if it still inflates, that byte came after
 * the stream.
 */
async function hasTrailingBytes(compressed, limit) {
  if (compressed.length === 0) return false;
  try {
    const body = await inflateRaw(compressed.subarray(0, compressed.length - 1), limit);
    return body instanceof Uint8Array;
  } catch {
    return false;
  }
}

// ---- File

/**
 * The file for `replay` ({ rulesId, finalHash, finalStep, segments }), as
 * a Uint8Array. Refuses what no reader would take (too many segments, a
 * body over REPLAY.MAX_BODY_BYTES).
 */
export async function encodeReplay(replay) {
  const lastEnd = replay.segments[replay.segments.length - 1]?.endStep;
  if (lastEnd !== replay.finalStep) throw new ReplayError('final-step', `the final step ${replay.finalStep} is not the last segment's end step ${lastEnd}`);
  const body = encodeBody(replay.segments);
  const compressed = await deflateRaw(body);
  const bytes = new Uint8Array(REPLAY.HEADER_BYTES + compressed.length);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < REPLAY.MAGIC.length; i++) bytes[OFFSET.MAGIC + i] = REPLAY.MAGIC.charCodeAt(i);
  view.setUint16(OFFSET.VERSION, REPLAY.VERSION, true);
  view.setUint16(OFFSET.FLAGS, 0, true);
  view.setBigUint64(OFFSET.RULES_ID, parseHex64(replay.rulesId, 'rules id'), true);
  view.setBigUint64(OFFSET.FINAL_HASH, parseHex64(replay.finalHash, 'final hash'), true);
  view.setBigUint64(OFFSET.FINAL_STEP, BigInt(replay.finalStep), true);
  view.setUint32(OFFSET.BODY_LENGTH, body.length, true);
  bytes.set(compressed, REPLAY.HEADER_BYTES);
  view.setUint32(OFFSET.CHECKSUM, crc32(bytes.subarray(CHECKSUMMED_FROM)), true);
  return bytes;
}

/** Whether `bytes` start like a replay (the magic), to tell one from a save. */
export function looksLikeReplay(bytes) {
  if (bytes.length < REPLAY.MAGIC.length) return false;
  for (let i = 0; i < REPLAY.MAGIC.length; i++) if (bytes[OFFSET.MAGIC + i] !== REPLAY.MAGIC.charCodeAt(i)) return false;
  return true;
}

/** Reads the fixed header; refuses a short file, another magic, version or flags, and a bad checksum. */
export function decodeHeader(bytes) {
  if (!(bytes instanceof Uint8Array)) throw new ReplayError('argument', 'a replay is bytes (a Uint8Array)');
  if (bytes.length < REPLAY.HEADER_BYTES) throw new ReplayError('short', `This file is too short (${bytes.length} bytes) to be a quicksand replay.`);
  if (!looksLikeReplay(bytes)) throw new ReplayError('magic', `This is not a quicksand replay (it does not start with "${REPLAY.MAGIC}").`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const version = view.getUint16(OFFSET.VERSION, true);
  const flags = view.getUint16(OFFSET.FLAGS, true);
  if (version !== REPLAY.VERSION || flags !== 0) {
    throw new ReplayError('version', `This replay has format version ${version} (flags ${flags}); this page reads version ${REPLAY.VERSION} without flags.`);
  }
  const checksum = view.getUint32(OFFSET.CHECKSUM, true);
  if (crc32(bytes.subarray(CHECKSUMMED_FROM)) !== checksum) throw new ReplayError('checksum', 'This replay is damaged: its checksum does not match its contents.');
  const finalStep = view.getBigUint64(OFFSET.FINAL_STEP, true);
  if (finalStep >= BigInt(TOO_BIG_FOR_PAGE)) throw new ReplayError('body', 'This replay ends at a step beyond what this page counts.');
  const bodyLength = view.getUint32(OFFSET.BODY_LENGTH, true);
  if (bodyLength > REPLAY.MAX_BODY_BYTES) throw new ReplayError('too-big', `This replay's body would be ${bodyLength} bytes, more than the ${REPLAY.MAX_BODY_BYTES} a replay may have.`);
  return {
    rulesId: hex64(view.getBigUint64(OFFSET.RULES_ID, true)),
    finalHash: hex64(view.getBigUint64(OFFSET.FINAL_HASH, true)),
    finalStep: Number(finalStep),
    bodyLength,
  };
}

/** Decodes a whole file; every refusal is a ReplayError with its own message. */
export async function decodeReplay(bytes) {
  const header = decodeHeader(bytes);
  const compressed = bytes.subarray(REPLAY.HEADER_BYTES);
  const body = await inflateRaw(compressed, header.bodyLength);
  if (!(body instanceof Uint8Array)) {
    throw new ReplayError('length', `This replay is damaged: its body inflates to more than the ${header.bodyLength} bytes its header says.`);
  }
  if (body.length !== header.bodyLength) {
    throw new ReplayError('length', `This replay is damaged: its body inflates to ${body.length} bytes, its header says ${header.bodyLength}.`);
  }
  if (await hasTrailingBytes(compressed, header.bodyLength)) throw new ReplayError('inflate', 'This replay is damaged: bytes follow the end of its compressed body.');
  const segments = decodeBody(body);
  const lastEnd = segments[segments.length - 1].endStep;
  if (lastEnd !== header.finalStep) {
    throw new ReplayError('final-step', `This replay is damaged: its header says it ends at step ${header.finalStep}, its last segment ends at step ${lastEnd}.`);
  }
  return { rulesId: header.rulesId, finalHash: header.finalHash, finalStep: header.finalStep, segments };
}

/** Refuses a replay recorded by other rules than the module's (`engine.rulesId()`). */
export function checkRules(replay, rulesId) {
  if (replay.rulesId !== rulesId) {
    throw new ReplayError('rules', `This replay was recorded by other rules (${replay.rulesId}) than this page simulates (${rulesId}); it would play into a different world.`);
  }
}

/** Where a segment ends, and the whole replay's step span: for the player and the bar. */
export function replaySpan(replay) {
  let total = 0;
  for (const segment of replay.segments) total += segment.endStep - segment.startStep;
  return total;
}
