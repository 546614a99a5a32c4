// Painting without stopping, and undo/redo taken by the sim (docs/ABI.md,
// "Undo and redo"), in each engine with the real mouse and keyboard:
// (1) while the crew plays at full speed, painting strokes never makes
//     qs_crew_pending drop to 0 (nothing waits for an idle world), while a
//     save, which does wait, does (the negative control);
// (2) on a paused world, undo and redo (keys and buttons) restore exact
//     hashes, and a new stroke after undo drops the redo branch (on the
//     crew, or single-threaded where the engine has no threads); the
//     single-threaded fallback undoes the same way.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { MATERIAL, SCENE } from '../../www/pkg/abi.js';
import { CHECKPOINT_INTERVAL_MS } from '../../www/config.js';
import { ENGINE, launchBrowser, needs } from './support/browser.js';
import { startServer } from './support/server.js';
import { eventually, mouseStroke, withGame } from './support/game.js';

const TEST_TIMEOUT_MS = 90_000;
const SIZE = 256;
/** Strokes painted while the pending count is sampled. */
const STROKES = 4;
/** Steps the crew must have pending again after the checkpoint (which drops the steps run ahead) before painting starts. */
const REFILLED_STEPS = 100;
/** The erasing stroke's button: WebKitGTK's WebDriver never releases the right button (support/engines.js). */
const ERASE_BUTTON = ENGINE.rightButton ? 'right' : 'left';

let server;
let plain;
let browser;

before(async () => {
  [server, plain] = await Promise.all([startServer(), startServer({ isolation: false })]);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.stop();
  plain?.stop();
});

const options = { timeout: TEST_TIMEOUT_MS };

/** Starts sampling `qs_crew_pending` in the page as often as its event loop allows. */
function startSampling(page) {
  return page.evaluate(() => {
    const q = window.quicksand;
    const samples = [];
    window.__sampling = { samples, running: true };
    const sample = () => {
      samples.push(q.pendingSteps());
      if (window.__sampling.running) setTimeout(sample, 0);
    };
    sample();
  });
}

/** Stops sampling; resolves with `{ count, min, zeros }`. */
function stopSampling(page) {
  return page.evaluate(() => {
    window.__sampling.running = false;
    const { samples } = window.__sampling;
    return { count: samples.length, min: Math.min(...samples), zeros: samples.filter((s) => s === 0).length };
  });
}

/** Waits until every stroke and command reached the world; returns `{ hash, undo, redo, steps }`. */
async function settled(page) {
  await eventually(() => page.evaluate(() => window.quicksand.history().waiting === 0), { message: 'the queued strokes and commands to apply' });
  return page.evaluate(async () => {
    const q = window.quicksand;
    const { undo, redo } = q.history();
    return { hash: await q.hash(), undo, redo, steps: q.stepCount() };
  });
}

test('painting during play never lets the crew go idle (pausing does)', { ...options, ...needs('threads') }, async (t) => {
  await withGame(t, browser, server, { threads: 2, size: SIZE, scene: SCENE.MIXED, speed: 'max' }, async (page) => {
    // Max speed learns how far ahead to request over its first frames.
    await eventually(() => page.evaluate(() => window.quicksand.stepCount() > 200), { message: 'the crew to run ahead' });
    // The last-good-state checkpoint (checkpoint.js) does wait for an idle
    // world, every CHECKPOINT_INTERVAL_MS: take one now, so that none falls
    // into the painting below, which must be over well before the next.
    await page.evaluate(() => window.quicksand.checkpoint());
    // Firefox takes a few frames to run ahead again after it.
    await eventually(() => page.evaluate((steps) => window.quicksand.pendingSteps() >= steps, REFILLED_STEPS), { message: 'the crew to run ahead again after the checkpoint' });
    const started = Date.now();
    await startSampling(page);
    for (let i = 0; i < STROKES; i++) {
      const y = 30 + i * 50;
      await mouseStroke(page, [10, y], [SIZE - 10, (y + 90) % SIZE], { moves: 6, button: i % 2 ? 'right' : 'left' });
    }
    const painting = await stopSampling(page);
    const elapsed = Date.now() - started;
    t.diagnostic(`while painting (${elapsed} ms): ${painting.count} samples, min pending ${painting.min}, ${painting.zeros} zeros`);
    assert.ok(elapsed < CHECKPOINT_INTERVAL_MS, `painting took ${elapsed} ms, long enough for a checkpoint`);
    assert.ok(painting.count > 10, `only ${painting.count} samples`);
    assert.equal(painting.zeros, 0, 'the crew went idle while strokes were painted');
    // The strokes reach the sim at its next step boundary; on a loaded machine that can trail the last pointer event.
    const recorded = await eventually(() => page.evaluate(() => window.quicksand.history().undo > 0), { timeoutMs: 5_000, message: 'the strokes to be recorded for undo' }).catch(() => false);
    assert.ok(recorded, 'the strokes were not recorded for undo');

    // Negative control: paused, the crew drains its pending steps, and the
    // same sampler sees it idle. (A save waits for an idle world too, but
    // its idle moment can fall between two samples while the main thread
    // copies the save, so it made a flaky control.)
    await startSampling(page);
    await page.evaluate(() => window.quicksand.pause());
    await new Promise((resolve) => setTimeout(resolve, 300));
    const paused = await stopSampling(page);
    t.diagnostic(`paused: ${paused.count} samples, ${paused.zeros} zeros`);
    assert.ok(paused.zeros > 0, 'the sampler never saw an idle crew, even paused');
  });
});

test('undo and redo (keys and buttons) restore exact hashes; a new stroke drops redo', options, async (t) => {
  await withGame(t, browser, server, { threads: 2, size: SIZE, scene: SCENE.MIXED }, async (page) => {
    await page.evaluate(() => window.quicksand.stepAndWait(10));
    const start = await settled(page);
    // Paused: each stroke is applied (and drawn) at the next frame, without a step.
    await mouseStroke(page, [20, 20], [200, 200]);
    const first = await settled(page);
    await mouseStroke(page, [200, 20], [20, 200], { button: ERASE_BUTTON });
    const second = await settled(page);
    assert.notEqual(first.hash, start.hash);
    assert.notEqual(second.hash, first.hash);
    assert.deepEqual([first.undo, second.undo, second.redo], [1, 2, 0]);

    const pressed = async (keys) => {
      await page.keyboard.press(keys);
      return settled(page);
    };
    assert.equal((await pressed('z')).hash, first.hash, 'Z undoes the second stroke exactly');
    const back = await pressed('Control+z');
    assert.equal(back.hash, start.hash, 'Ctrl+Z undoes the first stroke exactly');
    assert.deepEqual([back.undo, back.redo, back.steps], [0, 2, start.steps], 'undo keeps the step count');
    assert.equal((await pressed('Control+Shift+Z')).hash, first.hash, 'Ctrl+Shift+Z redoes exactly');
    assert.equal((await pressed('Control+y')).hash, second.hash, 'Ctrl+Y redoes exactly');
    await page.click('#undo');
    assert.equal((await settled(page)).hash, first.hash, 'the Undo button');
    await page.click('#redo');
    assert.equal((await settled(page)).hash, second.hash, 'the Redo button');

    // Undo, then a new stroke: the undone stroke can no longer come back.
    await pressed('z');
    await mouseStroke(page, [10, 120], [240, 120]);
    const branched = await settled(page);
    assert.deepEqual([branched.undo, branched.redo], [2, 0]);
    await eventually(() => page.evaluate(() => document.getElementById('redo').disabled), { message: 'Redo to be disabled' });
    assert.equal((await pressed('Control+y')).hash, branched.hash, 'a dropped redo changed the world');
    // Clear is undone too.
    await pressed('c');
    const cleared = await settled(page);
    assert.notEqual(cleared.hash, branched.hash);
    assert.equal((await pressed('z')).hash, branched.hash, 'undoing the clear');
  });
});

test('the single-threaded fallback undoes and redoes exactly, while playing too', options, async (t) => {
  await withGame(t, browser, plain, { size: SIZE, scene: SCENE.MIXED }, async (page) => {
    assert.equal(await page.evaluate(() => window.quicksand.mode), 'single');
    await page.evaluate(() => window.quicksand.stepAndWait(5));
    const start = await settled(page);
    await page.evaluate((stone) => window.quicksand.paint(30, 30, 220, 60, 6, stone), MATERIAL.STONE);
    const painted = await settled(page);
    assert.notEqual(painted.hash, start.hash);
    await page.evaluate(() => window.quicksand.undo());
    assert.equal((await settled(page)).hash, start.hash, 'undo');
    await page.evaluate(() => window.quicksand.redo());
    assert.equal((await settled(page)).hash, painted.hash, 'redo');
    // Playing: the undo applies at a step boundary, and the stone is gone.
    await page.evaluate(() => window.quicksand.play());
    await page.evaluate(() => window.quicksand.undo());
    await eventually(() => page.evaluate(() => window.quicksand.history().undo === 0), { message: 'the undo to apply while playing' });
    const { redo } = await page.evaluate(() => window.quicksand.history());
    assert.equal(redo, 1);
  });
});
