// The game's speed: at `?speed=max` the crew runs ahead of the display and
// never idles, and the main thread waits for steps asleep in
// `Atomics.waitAsync` (woken by the worker that ends a step), or polls in a
// browser without it. Each claim has a negative control next to it.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SCENE } from '../../www/pkg/abi.js';
import { launchBrowser, needs } from './support/browser.js';
import { startServer } from './support/server.js';
import { eventually, withGame } from './support/game.js';

const TEST_TIMEOUT_MS = 90_000;
const WORKERS = 2;
/**
 * Large enough that a step takes milliseconds for the whole test (a smaller
 * active world settles within a few thousand steps at max speed, and then
 * outruns a backlog sized for the steps before), and speed 1 leaves the
 * crew idle for most of each frame.
 */
const SIZE = 1024;
const SEED = 7;
const WARMUP_STEPS = 20;
const SAMPLE_WINDOW_MS = 2000;
const SAMPLE_EVERY_MS = 1;
/** The main thread competes with the workers for the cores at max speed, so timers fire late: ask for few. */
const MIN_SAMPLES = 20;
/** After a checkpoint, time for the crew to be topped up again. */
const RESUME_MS = 300;
const STEPS = 30;

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

const options = { timeout: TEST_TIMEOUT_MS };

/**
 * Opens the game with `query`; `initScript` runs in the page before any of
 * its scripts (to take `Atomics.waitAsync` away, or to watch it). Closes the
 * page after `body` and fails on console errors (support/game.js).
 */
function withPage(t, query, { initScript = null } = {}, body) {
  return withGame(t, browser, server, { threads: WORKERS, size: SIZE, seed: SEED, ...query }, body, { initScript });
}

/** Samples `pendingSteps()` in the page every SAMPLE_EVERY_MS for SAMPLE_WINDOW_MS. */
function samplePending(page) {
  return page.evaluate(
    async ([windowMs, everyMs]) => {
      const samples = [];
      const zerosAt = [];
      const start = performance.now();
      while (performance.now() < start + windowMs) {
        const pending = window.quicksand.pendingSteps();
        samples.push(pending);
        if (pending === 0) zerosAt.push(Math.round(performance.now() - start));
        await new Promise((resolve) => setTimeout(resolve, everyMs));
      }
      return { count: samples.length, zeros: zerosAt.length, zerosAt };
    },
    [SAMPLE_WINDOW_MS, SAMPLE_EVERY_MS],
  );
}

const warmUp = (page) =>
  eventually(() => page.evaluate((steps) => window.quicksand.stepCount() >= steps, WARMUP_STEPS), { timeoutMs: 30_000, message: 'the warm-up steps' });

test('at ?speed=max the crew always has steps pending; at speed 1 it idles (negative control)', { ...options, ...needs('threads') }, async (t) => {
  await withPage(t, { scene: SCENE.ACTIVE, speed: 'max' }, {}, async (page) => {
    const state = await page.evaluate(() => ({ speed: window.quicksand.speed, picker: document.getElementById('speed').value, playing: window.quicksand.playing }));
    assert.deepEqual(state, { speed: 'max', picker: 'max', playing: true });
    await warmUp(page);
    // A checkpoint (every few seconds) needs an idle world and drops the steps
    // run ahead: take one now, so none falls into the window.
    await page.evaluate(() => window.quicksand.checkpoint());
    await page.waitForTimeout(RESUME_MS);
    const atMax = await samplePending(page);
    assert.ok(atMax.count >= MIN_SAMPLES, `enough samples (${atMax.count})`);
    assert.equal(atMax.zeros, 0, `pending was 0 in ${atMax.zeros} of ${atMax.count} samples at max speed (at ${atMax.zerosAt} ms)`);

    // Negative control: one step per displayed frame leaves the crew idle.
    await page.evaluate(() => window.quicksand.setSpeed(1));
    await page.evaluate(() => window.quicksand.drawn());
    const atOne = await samplePending(page);
    assert.ok(atOne.zeros > 0, `speed 1 must show idle samples too (${JSON.stringify(atOne)})`);

    // The picker offers Max and sets it.
    await page.select('#speed', 'max');
    assert.equal(await page.evaluate(() => window.quicksand.speed), 'max');
    // Pausing at max drops the steps run ahead instead of waiting for them.
    const paused = await page.evaluate(async () => {
      const start = performance.now();
      await window.quicksand.pause();
      return { ms: performance.now() - start, pending: window.quicksand.pendingSteps() };
    });
    assert.equal(paused.pending, 0);
  });
});

/** Installed before the page's scripts: counts waitAsync calls and how they ended. */
function watchWaitAsync() {
  const original = Atomics.waitAsync;
  window.__waits = { calls: 0, ok: 0, timedOut: 0, notEqual: 0 };
  Atomics.waitAsync = function (...args) {
    const result = original.apply(this, args);
    const count = (value) => {
      if (value === 'ok') window.__waits.ok++;
      else if (value === 'timed-out') window.__waits.timedOut++;
      else window.__waits.notEqual++;
    };
    window.__waits.calls++;
    if (result.async) result.value.then(count);
    else count(result.value);
    return result;
  };
}

function deleteWaitAsync() {
  delete Atomics.waitAsync;
}

/** Pauses, runs STEPS steps from a fresh mixed world, and returns what the hook saw. */
function stepRun(page) {
  return page.evaluate(
    async ([steps, scene, seed, size]) => {
      const q = window.quicksand;
      await q.newWorld({ width: size, height: size, seed, scene });
      const start = q.stepCount();
      const end = await q.stepAndWait(steps);
      return { strategy: q.waitStrategy, has: typeof Atomics.waitAsync === 'function', steps: end - start, hash: await q.hash() };
    },
    [STEPS, SCENE.MIXED, SEED, SIZE],
  );
}

test('the main thread sleeps in Atomics.waitAsync, woken by the workers; without it, it polls (negative control)', { ...options, ...needs('threads'), ...needs('waitAsync') }, async (t) => {
  let withWait;
  await withPage(t, { scene: SCENE.MIXED }, { initScript: watchWaitAsync }, async (page) => {
    withWait = await stepRun(page);
    assert.equal(withWait.has, true, 'this engine has Atomics.waitAsync');
    assert.equal(withWait.strategy, 'waitAsync');
    assert.equal(withWait.steps, STEPS);
    const waits = await page.evaluate(() => window.__waits);
    assert.ok(waits.calls > 0, 'stepAndWait waited with Atomics.waitAsync');
    // 'ok' means notified: only the worker that ended a step calls qs_notify on that word.
    assert.ok(waits.ok > 0, `some wait was woken by a notify (${JSON.stringify(waits)})`);
  });
  await withPage(t, { scene: SCENE.MIXED }, { initScript: deleteWaitAsync }, async (page) => {
    const polled = await stepRun(page);
    assert.equal(polled.has, false, 'the init script took waitAsync away');
    assert.equal(polled.strategy, 'poll', 'feature detection falls back to polling');
    assert.equal(polled.steps, STEPS, 'polling still waits for every step');
    assert.equal(polled.hash, withWait.hash, 'the same world either way');
  });
});
