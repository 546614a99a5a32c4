// The loader's promises, checked under Node's worker_threads on the module
// ./build.sh built: own stacks, the READY handshake, errors instead of hangs.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { startThreads, LoaderError } from '../quicksand.js';
import { memoryImport } from '../module-info.js';
import { builtModule } from './support/fixtures.js';
import { readFileSync } from 'node:fs';

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
    assert.equal(await qs.workers[0].call('qs_abi_version'), 1, 'the other worker is unaffected');
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
  assert.equal(limits.maximum, 16384);
  assert.equal(memoryImport(readFileSync(builtModule('sim-st.wasm'))).shared, false);
});
