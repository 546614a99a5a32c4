// The loader's promises, checked under Node's worker_threads on the module
// ./build.sh built: own stacks, the READY handshake, errors instead of hangs,
// the ABI version check, and abi.js agreeing with the module it ships with.
// The loader is the built copy in www/pkg/loader/ (support/loader.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { abi, checkAbiVersion, LoaderError, memoryImport, startThreads } from './support/loader.js';
import { builtModule } from './support/fixtures.js';
import { moduleReportingAbiVersion } from './support/tiny-module.js';
import { readFileSync } from 'node:fs';

const { ABI_VERSION, CELL, ERROR, LIMITS, MATERIAL, SAVE, SAVE_OFFSET, SCENE } = abi;

const WAIT_MS = 20_000;
const STACK_BYTES = 64 * 1024;

async function withThreads(options, body) {
  const qs = await startThreads({ stackBytes: STACK_BYTES, ...options });
  try {
    return await body(qs);
  } finally {
    await qs.terminate();
  }
}

/** Every worker holds a stack pattern across a barrier; returns clobbered words per worker. */
async function holdPatterns(qs) {
  const barrier = qs.exports.qs_barrier_new(qs.workers.length);
  assert.ok(barrier >= 0);
  return Promise.all(qs.workers.map((w, i) => w.call('qs_probe_stack_hold', barrier, 100 + i, 1, WAIT_MS)));
}

test('every worker is READY on its own stack before startThreads resolves', async () => {
  await withThreads({ module: builtModule('sim.wasm'), workers: 4 }, async (qs) => {
    assert.equal(qs.workers.length, 4);
    assert.equal(qs.exports.qs_thread_count(), 5, 'one slot for the main thread and one per worker');
    const ranges = [qs.mainSlot, ...qs.workers.map((w) => w.slot)].map((s) => [s.stackLow, s.stackHigh]);
    for (const worker of qs.workers) {
      assert.ok(worker.stackAddress >= worker.slot.stackLow && worker.stackAddress < worker.slot.stackHigh, `worker ${worker.index} runs on its own stack`);
    }
    ranges.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < ranges.length; i++) assert.ok(ranges[i - 1][1] <= ranges[i][0], 'stacks do not overlap');
    assert.deepEqual(await holdPatterns(qs), [0, 0, 0, 0]);
  });
});

test('the checked build attaches with stack limits and holds its patterns too', async () => {
  await withThreads({ module: builtModule('sim-checked.wasm'), workers: 3 }, async (qs) => {
    assert.deepEqual(await holdPatterns(qs), [0, 0, 0]);
    await assert.rejects(qs.workers[0].call('qs_probe_recurse', 100_000), /unreachable|RuntimeError/);
  });
});

test('negative control: workers left on the default stack pointer clobber each other', async () => {
  await withThreads({ module: builtModule('sim.wasm'), workers: 4, attachWorkers: false }, async (qs) => {
    const addresses = new Set(qs.workers.map((w) => w.stackAddress));
    assert.equal(addresses.size, 1, 'all workers share one stack');
    const clobbered = await holdPatterns(qs);
    assert.ok(clobbered.filter((n) => n > 0).length >= 3, `expected >= 3 of 4 clobbered, got ${clobbered}`);
  });
});

test('a trap in a worker rejects the call with its message and is reported', async () => {
  const reported = [];
  await withThreads({ module: builtModule('sim.wasm'), workers: 2, onWorkerError: (error, index) => reported.push([index, error.code]) }, async (qs) => {
    await assert.rejects(qs.workers[1].call('qs_probe_panic', 1), (error) => error instanceof LoaderError && error.code === 'worker-trap' && /unreachable/.test(error.message));
    assert.deepEqual(reported, [[1, 'worker-trap']]);
    await assert.rejects(qs.workers[1].call('qs_abi_version'), /worker 1/, 'a trapped worker is not used again');
    assert.equal(await qs.workers[0].call('qs_abi_version'), ABI_VERSION, 'the other worker is unaffected');
  });
});

test('the main thread never blocks: a blocking export called on it throws', async () => {
  await withThreads({ module: builtModule('sim.wasm'), workers: 1 }, async (qs) => {
    const barrier = qs.exports.qs_barrier_new(2);
    assert.throws(() => qs.exports.qs_barrier_wait(barrier, 10), /main thread/);
  });
});

test('a worker that fails to load rejects startThreads instead of hanging', async () => {
  await assert.rejects(
    startThreads({ module: builtModule('sim.wasm'), workers: 2, stackBytes: STACK_BYTES, workerUrl: new URL('./support/failing-worker.js', import.meta.url) }),
    (error) => error.code === 'worker-start' && /fails on purpose/.test(error.message),
  );
});

test('a worker that never says READY is reported after the timeout', async () => {
  await assert.rejects(
    startThreads({ module: builtModule('sim.wasm'), workers: 1, stackBytes: STACK_BYTES, readyTimeoutMs: 500, workerUrl: new URL('./support/silent-worker.js', import.meta.url) }),
    (error) => error.code === 'worker-start' && /READY within 500 ms/.test(error.message),
  );
});

test('bad arguments and unusable modules give clear errors', async () => {
  await assert.rejects(startThreads({ module: builtModule('sim.wasm'), workers: 0 }), /workers must be/);
  await assert.rejects(startThreads({ module: builtModule('sim.wasm'), workers: 1, stackBytes: 1000 }), /qs_thread_new\(1000\) failed/);
  await assert.rejects(startThreads({ module: builtModule('sim-st.wasm'), workers: 1 }), /shared memory/);
  await assert.rejects(startThreads({ module: new Uint8Array([1, 2, 3]), workers: 1 }), /bad magic|truncated/);
});

test('the memory import is read from the module bytes', () => {
  const limits = memoryImport(readFileSync(builtModule('sim.wasm')));
  assert.equal(limits.module, 'env');
  assert.equal(limits.name, 'memory');
  assert.equal(limits.shared, true);
  assert.equal(limits.maximum, 16384, 'build.sh MAX_MEMORY_BYTES: 1 GiB of 64 KiB pages');
  assert.equal(memoryImport(readFileSync(builtModule('sim-st.wasm'))).shared, false);
});

test('a module of another ABI version is refused with a clear abi-mismatch error', async () => {
  const other = ABI_VERSION + 1;
  await assert.rejects(startThreads({ module: moduleReportingAbiVersion(other), workers: 1 }), (error) => {
    assert.ok(error instanceof LoaderError);
    assert.equal(error.code, 'abi-mismatch');
    assert.match(error.message, new RegExp(`ABI version ${other}\\b.*expect version ${ABI_VERSION}\\b`));
    assert.match(error.message, /rebuild with \.\/build\.sh/);
    return true;
  });
  // Control: the same tiny module reporting the right version passes the check.
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  const instance = (version) => new WebAssembly.Instance(new WebAssembly.Module(moduleReportingAbiVersion(version)), { env: { memory } });
  assert.doesNotThrow(() => checkAbiVersion(instance(ABI_VERSION).exports));
  assert.throws(() => checkAbiVersion(instance(other).exports), { code: 'abi-mismatch' });
  assert.throws(() => checkAbiVersion({}), /version none/);
});

test('abi.js agrees with the module it ships with', async () => {
  await withThreads({ module: builtModule('sim.wasm'), workers: 1 }, async (qs) => {
    const e = qs.exports;
    assert.equal(e.qs_abi_version(), ABI_VERSION);
    assert.equal(e.qs_world_new(LIMITS.MAX_WORLD_SIZE + 1, 1, 0), ERROR.TOO_LARGE);
    assert.equal(e.qs_world_new(0, 1, 0), ERROR.INVALID_ARGUMENT);
    const [width, height] = [LIMITS.CHUNK_SIZE + 1, 3];
    const world = e.qs_world_new(width, height, 7);
    assert.ok(world > 0, `qs_world_new: ${world}`);
    assert.equal(e.qs_world_palette_len(world), CELL.PALETTE_LEN);
    assert.equal(e.qs_world_paint(world, 0, 0, 1, 1, LIMITS.MAX_BRUSH_RADIUS, MATERIAL.SAND), 0);
    assert.equal(e.qs_world_paint(world, 0, 0, 1, 1, LIMITS.MAX_BRUSH_RADIUS + 1, MATERIAL.SAND), ERROR.INVALID_ARGUMENT);
    assert.equal(e.qs_world_paint(world, 0, 0, 1, 1, 1, CELL.MATERIAL_COUNT), ERROR.UNKNOWN_MATERIAL);
    assert.equal(e.qs_world_scene(world, SCENE.MIXED), 0);
    assert.equal(e.qs_world_scene(world, Math.max(...Object.values(SCENE)) + 1), ERROR.INVALID_ARGUMENT);

    // A save, read with abi.js's layout.
    const length = e.qs_world_snapshot_save(world);
    const chunks = Math.ceil(width / LIMITS.CHUNK_SIZE) * Math.ceil(height / LIMITS.CHUNK_SIZE);
    assert.equal(length, SAVE.HEADER_BYTES + SAVE.CELL_BYTES * width * height + chunks * SAVE.CHUNK_RECT_BYTES + SAVE.CHECKSUM_BYTES);
    const bytes = new Uint8Array(qs.memory.buffer, e.qs_world_snapshot_ptr(world), length);
    const view = new DataView(bytes.buffer, bytes.byteOffset, SAVE.HEADER_BYTES);
    assert.equal(new TextDecoder().decode(bytes.subarray(SAVE_OFFSET.MAGIC, SAVE_OFFSET.MAGIC + SAVE.MAGIC.length)), SAVE.MAGIC);
    assert.equal(view.getUint16(SAVE_OFFSET.VERSION, true), SAVE.VERSION);
    assert.equal(view.getUint32(SAVE_OFFSET.WIDTH, true), width);
    assert.equal(view.getUint32(SAVE_OFFSET.HEIGHT, true), height);
    assert.equal(view.getBigUint64(SAVE_OFFSET.SEED, true), 7n);
    bytes[SAVE_OFFSET.MAGIC] ^= 0xff;
    assert.equal(e.qs_world_snapshot_load(world, length), ERROR.NOT_A_SAVE, 'negative control: a broken magic is refused');
  });
});

test('abi.js is frozen and lists every code once', () => {
  for (const name of ['ERROR', 'ERROR_MESSAGE', 'MATERIAL', 'SCENE', 'LIMITS', 'THREAD_SLOT', 'SAVE', 'SAVE_OFFSET']) {
    assert.ok(Object.isFrozen(abi[name]), `${name} is frozen`);
  }
  const codes = Object.values(ERROR);
  assert.equal(new Set(codes).size, codes.length);
  for (const code of codes) assert.equal(typeof abi.ERROR_MESSAGE[code], 'string', `a message for ${code}`);
  assert.equal(typeof ERROR.STACK_OVERFLOW, 'number', 'ABI v2 has the crew fault code');
});
