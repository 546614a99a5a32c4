// The thread-support probe (loader/thread-support.js): a shared memory
// posted to a worker, which must write back through it. Every refusal code
// is produced by taking the capability away for real (a global, the memory
// constructor, the worker), never by skipping.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { detectThreadSupport, THREAD_SUPPORT, threadSupport } from './support/loader.js';
import { MemoryThatCannotBePosted, MemoryWithoutSharing, withGlobal } from './support/fake-globals.js';

const SHORT_TIMEOUT_MS = 300;
const worker = (name) => new URL(`./support/${name}`, import.meta.url);

test('a shared memory posted to the probe worker comes back written: ok', async () => {
  assert.deepEqual({ ...(await detectThreadSupport()) }, { ok: true, code: THREAD_SUPPORT.OK, reason: '' });
  assert.equal(threadSupport(), threadSupport(), 'asked once: every caller shares one answer');
  assert.equal((await threadSupport()).code, THREAD_SUPPORT.OK);
});

test('a page that is not cross-origin isolated: not-isolated, naming the headers', async () => {
  const result = await withGlobal(globalThis, 'crossOriginIsolated', false, () => detectThreadSupport());
  assert.equal(result.ok, false);
  assert.equal(result.code, THREAD_SUPPORT.NOT_ISOLATED);
  assert.match(result.reason, /^not isolated: the page was served without the COOP\/COEP headers/);
  // Control: an isolated page goes on to the probe and passes.
  assert.equal((await withGlobal(globalThis, 'crossOriginIsolated', true, () => detectThreadSupport())).code, THREAD_SUPPORT.OK);
});

test('a browser that cannot make a shared memory: no-shared-memory', async () => {
  const result = await withGlobal(WebAssembly, 'Memory', MemoryWithoutSharing, () => detectThreadSupport());
  assert.equal(result.code, THREAD_SUPPORT.NO_SHARED_MEMORY);
  assert.match(result.reason, /^this browser cannot make a shared WebAssembly memory \(TypeError: .*shared memory is not supported\)$/);
});

test('a browser that makes shared memories but cannot post one (WebKitGTK): no-shared-memory', async () => {
  const result = await withGlobal(WebAssembly, 'Memory', MemoryThatCannotBePosted, () => detectThreadSupport());
  assert.equal(result.code, THREAD_SUPPORT.NO_SHARED_MEMORY);
  assert.match(result.reason, /^this browser cannot share memory with workers: posting a shared WebAssembly\.Memory failed \(DataCloneError: /);
});

test("a worker whose write never reaches this thread (a copied memory): no-shared-memory", async () => {
  const result = await detectThreadSupport({ probeUrl: worker('lying-probe-worker.js') });
  assert.equal(result.code, THREAD_SUPPORT.NO_SHARED_MEMORY);
  assert.match(result.reason, /never reached this thread/);
});

test('a worker that fails to load: worker-start, with its message', async () => {
  const result = await detectThreadSupport({ probeUrl: worker('failing-worker.js') });
  assert.equal(result.code, THREAD_SUPPORT.WORKER_START);
  assert.match(result.reason, /^workers failed to start: .*fails on purpose/);
});

test('a worker that never answers: worker-start after the timeout, not a hang', async () => {
  const result = await detectThreadSupport({ probeUrl: worker('silent-worker.js'), timeoutMs: SHORT_TIMEOUT_MS });
  assert.equal(result.code, THREAD_SUPPORT.WORKER_START);
  assert.equal(result.reason, `workers failed to start: the test worker did not say hello within ${SHORT_TIMEOUT_MS} ms`);
});
