// The page's `.qsreplay` codec (www/replay-format.js) under Node, against
// docs/REPLAY_FORMAT.md: round trips of every kind, flag and start, every
// refusal the document lists (each with its own reason), truncations at
// every length, and the Rust fixture decoded to the structure its JSON
// twin describes. Run: node --test www/test/*.test.js (after ./build.sh,
// which writes www/pkg/abi.js).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import { COMMAND, PAINT_MASK, REPLAY, SAVE_OFFSET, SCENE } from '../pkg/abi.js';
import { crc32, decodeBody, decodeReplay, encodeBody, encodeReplay, looksLikeReplay, ReplayError } from '../replay-format.js';

const FIXTURES = fileURLToPath(new URL('../../tests/fixtures/', import.meta.url));
const SAVE_FIXTURE = `${FIXTURES}save-v1-mixed-96x64.qsand`;
const REPLAY_FIXTURE = `${FIXTURES}replay-v1-small.qsreplay`;
const REPLAY_FIXTURE_JSON = `${FIXTURES}replay-v1-small.json`;

const RULES = '0123456789abcdef';
const HASH = 'fedcba9876543210';
const HEADER = { CHECKSUM: REPLAY.CHECKSUM_OFFSET, BODY_LENGTH: REPLAY.BODY_LENGTH_OFFSET };

function event(step, kind, fields = {}) {
  return { step, kind, x0: 0, y0: 0, x1: 0, y1: 0, radius: 0, material: 0, mask: 0, result: 0, ...fields };
}

/** A replay with every kind, both flags of a shape, both UNDO results, big deltas and all three starts. */
function sample() {
  const save = readFileSync(SAVE_FIXTURE);
  const saveStep = Number(new DataView(save.buffer, save.byteOffset).getBigUint64(SAVE_OFFSET.STEP, true));
  const fresh = {
    start: { kind: 'fresh', width: 256, height: 128, seed: 2026, scene: SCENE.MIXED },
    startStep: 0,
    endStep: 900,
    events: [
      event(0, COMMAND.BEGIN_STROKE, { x0: 1 }),
      event(3, COMMAND.PAINT, { x0: 10, y0: 20, x1: 30, y1: 25, radius: 4, material: 1, mask: PAINT_MASK.DEFAULT }),
      // Continues at the pen with the same brush: neither flag.
      event(3, COMMAND.PAINT, { x0: 30, y0: 25, x1: 31, y1: 22, radius: 4, material: 1, mask: PAINT_MASK.DEFAULT }),
      // A new brush, same pen.
      event(4, COMMAND.PAINT, { x0: 31, y0: 22, x1: -40, y1: 300, radius: 0, material: 7, mask: PAINT_MASK.NON_EMPTY }),
      event(10, COMMAND.BEGIN_STROKE, { x0: 2 }),
      event(10, COMMAND.RECT_FILLED, { x0: -2_000_000_000, y0: 2_000_000_000, x1: 2_000_000_000, y1: -2_000_000_000, radius: 3, material: 2, mask: 5 }),
      event(11, COMMAND.RECT_OUTLINE, { x0: 5, y0: 6, x1: 50, y1: 60, radius: 3, material: 2, mask: 5 }),
      event(12, COMMAND.BEGIN_STROKE, { x0: 3 }),
      event(12, COMMAND.FILL, { x0: 100, y0: 50, material: 9 }),
      event(20, COMMAND.UNDO, { result: 1 }),
      event(20, COMMAND.UNDO, { result: 0 }),
      event(21, COMMAND.REDO, { result: 1 }),
      event(22, COMMAND.REDO, { result: 0 }),
      event(30, COMMAND.SCENE, { x0: SCENE.EMPTY }),
      event(30, COMMAND.BEGIN_STROKE, { x0: 0 }),
      event(900, COMMAND.PAINT, { x0: 1, y0: 1, x1: 1, y1: 1, radius: 0, material: 1, mask: PAINT_MASK.DEFAULT }),
    ],
  };
  const reload = { start: { kind: 'reload' }, startStep: 900, endStep: 1_000_000_123, events: [event(5_000_000, COMMAND.BEGIN_STROKE, { x0: 4 })] };
  const fromSave = { start: { kind: 'save', bytes: new Uint8Array(save) }, startStep: saveStep, endStep: saveStep + 40, events: [event(saveStep + 1, COMMAND.PAINT, { x0: 1, y0: 2, x1: 3, y1: 4, radius: 2, material: 1, mask: PAINT_MASK.DEFAULT })] };
  return { rulesId: RULES, finalHash: HASH, finalStep: fromSave.endStep, segments: [fresh, reload, fromSave] };
}

/** Re-signs a file after a change, so that only the change is refused. */
function resign(bytes) {
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(HEADER.CHECKSUM, crc32(bytes.subarray(REPLAY.CHECKED_FROM)), true);
  return bytes;
}

/** A file around a hand-made (uncompressed) body, signed. */
function fileWithBody(body, { bodyLength = body.length, compressed = deflateRawSync(body) } = {}) {
  const bytes = new Uint8Array(REPLAY.HEADER_BYTES + compressed.length);
  for (let i = 0; i < REPLAY.MAGIC.length; i++) bytes[i] = REPLAY.MAGIC.charCodeAt(i);
  const view = new DataView(bytes.buffer);
  view.setUint16(REPLAY.VERSION_OFFSET, REPLAY.VERSION, true);
  view.setUint32(HEADER.BODY_LENGTH, bodyLength, true);
  bytes.set(compressed, REPLAY.HEADER_BYTES);
  return resign(bytes);
}

async function refused(bytes, reason, pattern) {
  await assert.rejects(decodeReplay(bytes), (error) => {
    assert.ok(error instanceof ReplayError, `not a ReplayError: ${error}`);
    assert.equal(error.reason, reason, error.message);
    if (pattern) assert.match(error.message, pattern);
    return true;
  });
}

/** A FRESH segment of 10 steps followed by `tail` (body bytes) as its events, `count` of them. */
function freshBody(count, tail) {
  return new Uint8Array([1, REPLAY.START_FRESH, 8, 8, 0, 0, 10, count, ...tail]);
}

test('CRC-32 is the IEEE one (zlib, gzip, PNG)', () => {
  assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
  assert.equal(crc32(new Uint8Array(0)), 0);
});

test('a replay with every kind, flag and start round-trips exactly', async () => {
  const replay = sample();
  const bytes = await encodeReplay(replay);
  assert.ok(looksLikeReplay(bytes));
  const decoded = await decodeReplay(bytes);
  assert.deepEqual(decoded, replay);
  // And again: the encoding is a function of the replay.
  assert.deepEqual(await encodeReplay(decoded), bytes);
});

test('the encoder sets START and BRUSH only when they are needed', () => {
  const [fresh] = sample().segments;
  const [, first, continued] = fresh.events;
  const size = (events) => encodeBody([{ ...fresh, events }]).length;
  // A stroke that goes on from the pen with the same brush: step delta, head, dx, dy.
  assert.equal(size([first, continued]) - size([first]), 4);
  // The first one carries both: step, head, x0, y0 (2 bytes: 10, 20 zigzagged), dx, dy, radius, material, mask.
  assert.equal(size([first]) - size([]), 9);
});

test('a file that is not a whole replay is refused, each way with its own reason', async () => {
  const good = await encodeReplay(sample());
  await refused(good.subarray(0, REPLAY.HEADER_BYTES - 1), 'short', /too short/);
  const magic = good.slice();
  magic[0] ^= 0xff;
  await refused(magic, 'magic', /not a quicksand replay/);
  const version = good.slice();
  version[REPLAY.VERSION_OFFSET] = REPLAY.VERSION + 1;
  await refused(resign(version), 'version', /format version/);
  const flags = good.slice();
  flags[REPLAY.FLAGS_OFFSET] = 1;
  await refused(resign(flags), 'version', /flags 1/);
  const checksum = good.slice();
  checksum[good.length - 1] ^= 1;
  await refused(checksum, 'checksum', /checksum/);
  const notDeflate = good.slice(0, REPLAY.HEADER_BYTES + 4);
  notDeflate.fill(0xff, REPLAY.HEADER_BYTES);
  await refused(resign(notDeflate), 'inflate', /does not inflate/);
  const shorter = good.slice();
  new DataView(shorter.buffer).setUint32(HEADER.BODY_LENGTH, new DataView(good.buffer).getUint32(HEADER.BODY_LENGTH, true) - 1, true);
  await refused(resign(shorter), 'length', /more than/);
  const longer = good.slice();
  new DataView(longer.buffer).setUint32(HEADER.BODY_LENGTH, new DataView(good.buffer).getUint32(HEADER.BODY_LENGTH, true) + 1, true);
  await refused(resign(longer), 'length', /inflates to/);
  const huge = good.slice();
  new DataView(huge.buffer).setUint32(HEADER.BODY_LENGTH, REPLAY.MAX_BODY_BYTES + 1, true);
  await refused(resign(huge), 'too-big', /more than/);
});

test('a final step other than the last segment\'s end is refused, both ways', async () => {
  const replay = sample();
  await assert.rejects(encodeReplay({ ...replay, finalStep: replay.finalStep + 1 }), (e) => e.reason === 'final-step');
  const bytes = await encodeReplay(replay);
  new DataView(bytes.buffer).setBigUint64(REPLAY.FINAL_STEP_OFFSET, BigInt(replay.finalStep - 1), true);
  await refused(resign(bytes), 'final-step', /ends at step/);
});

test('stroke ids of 2^31 and more (negative i32 log words) round-trip as u32', async () => {
  const replay = sample();
  replay.segments[0].events[0].x0 = 2 ** 32 - 1;
  const decoded = await decodeReplay(await encodeReplay(replay));
  assert.equal(decoded.segments[0].events[0].x0, 2 ** 32 - 1);
  const asLogged = sample();
  asLogged.segments[0].events[0].x0 = -1;
  assert.deepEqual(await decodeReplay(await encodeReplay(asLogged)), decoded);
});

test('every truncation of a file is refused, and so are trailing bytes', async () => {
  const good = await encodeReplay(sample());
  for (let length = 0; length < good.length; length++) {
    await assert.rejects(decodeReplay(good.slice(0, length)), ReplayError, `a file cut at ${length} bytes`);
  }
  const trailing = new Uint8Array(good.length + 1);
  trailing.set(good);
  await assert.rejects(decodeReplay(resign(trailing)), ReplayError, 'a byte after the deflate stream');
  // Every truncation of the body itself, signed and with a matching length: refused by the parser.
  const body = encodeBody(sample().segments);
  for (let length = 0; length < body.length; length += Math.max(1, Math.floor(body.length / 300))) {
    const cut = body.subarray(0, length);
    await refused(fileWithBody(cut), 'body');
  }
});

test('a body that does not parse exactly is refused', async () => {
  const E = (bytes) => fileWithBody(new Uint8Array(bytes));
  const fresh = [REPLAY.START_FRESH, 8, 8, 0, 0];
  await refused(E([0]), 'body', /segment count 0/);
  await refused(E([1, REPLAY.START_RELOAD, 0, 0]), 'body', /first segment is a reload/);
  await refused(E([1, 9, 0, 0]), 'body', /unknown kind 9/);
  await refused(E([1, REPLAY.START_FRESH, 0, 8, 0, 0, 0, 0]), 'body', /width 0/);
  await refused(E([1, REPLAY.START_FRESH, 0x81, 0x40, 8, 0, 0, 0, 0]), 'body', /width 8193/);
  await refused(E([1, REPLAY.START_FRESH, 8, 8, 0x80, 0x80, 0x80, 0x80, 0x10, 0, 0, 0]), 'body', /seed .* does not fit 32 bits/);
  await refused(E([1, ...fresh, 0, 0, 0xff]), 'body', /1 bytes follow/);
  // A varint of 11 bytes, and a 10th byte with more than the 64th bit.
  await refused(E([1, ...fresh, ...Array(10).fill(0x80), 0, 0]), 'body', /longer than 10 bytes/);
  await refused(E([1, ...fresh, ...Array(9).fill(0x80), 0x02, 0]), 'body', /64 bits/);
  // Events: past the end, unknown kinds, flags a kind does not take.
  await refused(E(freshBody(1, [11, COMMAND.UNDO])), 'body', /past its segment's end/);
  await refused(E(freshBody(1, [0, 0x0f])), 'body', /unknown kind 15/);
  await refused(E(freshBody(1, [0, COMMAND.FILL | REPLAY.FLAG_START, 0, 0, 0])), 'body', /flags/);
  await refused(E(freshBody(1, [0, COMMAND.UNDO | REPLAY.FLAG_BRUSH])), 'body', /flags/);
  await refused(E(freshBody(1, [0, COMMAND.SCENE | REPLAY.FLAG_EFFECTIVE, 0])), 'body', /flags/);
  await refused(E(freshBody(1, [0, COMMAND.BEGIN_STROKE | 0x80, 0])), 'body', /flags/);
  // Coordinates outside 32 bits once the deltas are added: 2^31 (zigzag 2^32), and (2^31 - 1) + 1.
  await refused(E(freshBody(1, [0, COMMAND.FILL, 0x80, 0x80, 0x80, 0x80, 0x10, 0, 1])), 'body', /outside 32 bits/);
  await refused(E(freshBody(1, [0, COMMAND.PAINT | REPLAY.FLAG_START, 0xfe, 0xff, 0xff, 0xff, 0x0f, 0, 2, 0])), 'body', /outside 32 bits/);
  // A huge 64-bit delta is refused too, not wrapped.
  await refused(E(freshBody(1, [0, COMMAND.FILL, ...Array(9).fill(0xff), 0x01, 0, 1])), 'body', /outside 32 bits/);
  // A brush radius, material or mask outside 32 bits.
  await refused(E(freshBody(1, [0, COMMAND.PAINT | REPLAY.FLAG_BRUSH, 0, 0, 0x80, 0x80, 0x80, 0x80, 0x10, 0, 0])), 'body', /radius/);
  await refused(E(freshBody(1, [0, COMMAND.PAINT | REPLAY.FLAG_BRUSH, 0, 0, 0, 0, 0x80, 0x80, 0x80, 0x80, 0x10])), 'body', /mask/);
  // A save segment whose save is not one.
  await refused(E([1, REPLAY.START_SAVE, 3, 1, 2, 3, 0, 0]), 'body', /save is not one/);
  await refused(E([1, REPLAY.START_SAVE, 30, 1, 2, 3]), 'body', /ends inside/);
  // Scene ids: a fresh start's and a SCENE event's must be `SCENE` ids.
  const unknownScene = Math.max(...Object.values(SCENE)) + 1;
  await refused(E([1, REPLAY.START_FRESH, 8, 8, 0, unknownScene, 0, 0]), 'body', /not a scene id/);
  await refused(E(freshBody(1, [0, COMMAND.SCENE, unknownScene])), 'body', /not a scene id/);
  // Stroke ids are u32: below 0 or from 2^32 up is refused.
  await refused(E(freshBody(1, [0, COMMAND.BEGIN_STROKE, 1])), 'body', /stroke id/);
  // An event count larger than the body could hold.
  await refused(E([1, ...fresh, 0, 0x80, 0x80, 0x04]), 'body', /claims/);
});

test('the limits: at most REPLAY.MAX_SEGMENTS segments, a body of at most REPLAY.MAX_BODY_BYTES', async () => {
  const one = { start: { kind: 'fresh', width: 1, height: 1, seed: 0, scene: 0 }, startStep: 0, endStep: 0, events: [] };
  const many = Array.from({ length: REPLAY.MAX_SEGMENTS }, () => one);
  assert.equal(decodeBody(encodeBody(many)).length, REPLAY.MAX_SEGMENTS);
  assert.throws(() => encodeBody([...many, one]), (e) => e.reason === 'too-many-segments');
  assert.throws(() => encodeBody([]), (e) => e.reason === 'too-many-segments');
  const varint = (n) => {
    const out = [];
    while (n >= 0x80) {
      out.push((n & 0x7f) | 0x80);
      n = Math.floor(n / 128);
    }
    out.push(n);
    return out;
  };
  await refused(fileWithBody(new Uint8Array(varint(REPLAY.MAX_SEGMENTS + 1))), 'body', /segment count/);
  // A body just over the limit: the encoder refuses to write it.
  const big = { start: { kind: 'save', bytes: new Uint8Array(REPLAY.MAX_BODY_BYTES) }, startStep: 0, endStep: 0, events: [] };
  assert.throws(() => encodeBody([big]), (e) => e.reason === 'too-big');
});

test('a zip bomb stops inflating at the header\'s length', async () => {
  // Megabytes of zeros claimed as a 16-byte body.
  const zeros = new Uint8Array(8 * 1024 * 1024);
  await refused(fileWithBody(new Uint8Array(16), { compressed: deflateRawSync(zeros) }), 'length', /more than the 16 bytes/);
});

test('the Rust fixture decodes to the structure of its JSON twin', { skip: !existsSync(REPLAY_FIXTURE) && 'tests/fixtures/replay-v1-small.qsreplay is not there yet' }, async () => {
  const bytes = new Uint8Array(readFileSync(REPLAY_FIXTURE));
  const expected = JSON.parse(readFileSync(REPLAY_FIXTURE_JSON, 'utf8'));
  const replay = await decodeReplay(bytes);
  assert.deepEqual(asFixtureJson(replay), expected);
  // What the page writes for it reads back the same (the bytes may differ: the encoders choose their own deflate).
  assert.deepEqual(await decodeReplay(await encodeReplay(replay)), replay);
});

/** abi.js's name of each command kind, as the JSON spells kinds. */
const KIND_NAME = Object.fromEntries(Object.entries(COMMAND).map(([name, id]) => [id, name]));

/**
 * The decoded replay in the fixture JSON's terms (tools/src/replay/json.rs):
 * snake_case fields, start kinds in capitals, a save as its length and
 * CRC-32, an event as its step, kind name, eight ring words (as i32) and
 * result word.
 */
function asFixtureJson(replay) {
  return {
    rules_id: replay.rulesId,
    final_hash: replay.finalHash,
    final_step: replay.finalStep,
    segments: replay.segments.map((segment) => {
      const { kind, ...fields } = segment.start;
      const start = { kind: kind.toUpperCase() };
      if (kind === 'fresh') Object.assign(start, fields);
      if (kind === 'save') Object.assign(start, { bytes: fields.bytes.length, crc32: crc32(fields.bytes).toString(16).padStart(8, '0') });
      return {
        start,
        start_step: segment.startStep,
        duration: segment.endStep - segment.startStep,
        end_step: segment.endStep,
        events: segment.events.map((e) => ({
          step: e.step,
          kind: KIND_NAME[e.kind],
          words: [e.kind, e.x0 | 0, e.y0, e.x1, e.y1, e.radius, e.material, e.mask],
          result: e.result,
        })),
      };
    }),
  };
}
