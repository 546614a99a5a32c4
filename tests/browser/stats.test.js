// The stats overlay: small by default, details and hiding behind buttons and
// the I key (remembered across reloads), and numbers that stay honest: the
// crew's own ms per step is positive, and steps per second stays within
// what the page asked for across an undo, a load (the world's step count
// jumps back) and a size change (the crew's counters start again from zero).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SCENE } from '../../www/pkg/abi.js';
import { SPEEDS, STATS_WINDOW_FRAMES } from '../../www/config.js';
import { launchBrowser } from './support/browser.js';
import { startServer } from './support/server.js';
import { eventually, mouseStroke, withGame } from './support/game.js';

const TEST_TIMEOUT_MS = 90_000;
const WORKERS = 2;
const SIZE = 256;
const RESIZED = 512;
const SPEED = SPEEDS[1];
/** steps/s can exceed `speed × fps` only by the window's edges: far less than this factor. */
const RATE_SLACK = 2;
/** How long each stretch of overlay readings lasts, and how often it reads. */
const WATCH_MS = 2_500;
const WATCH_EVERY_MS = 100;
/** The slowest frame rate the tests expect from headless Chromium. */
const SLOWEST_FPS = 12;
/** Longer than the overlay's window (STATS_WINDOW_FRAMES frames) at SLOWEST_FPS or faster. */
const WINDOW_FLUSH_MS = (STATS_WINDOW_FRAMES / SLOWEST_FPS) * 1000;

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
const game = (t, query, body) => withGame(t, browser, server, { threads: WORKERS, size: SIZE, speed: SPEED, ...query }, body);

/** The overlay's numbers as it shows them (NaN for '–'). */
function readOverlay(page) {
  return page.evaluate(() => {
    const number = (name) => Number.parseFloat(document.querySelector(`#stats [data-stat="${name}"]`).textContent);
    return { fps: number('fps'), rate: number('rate'), msPerStep: number('step'), serial: number('serial') };
  });
}

/** Reads the overlay for a while; every steps/s shown must be within what the page requests. */
async function watchRates(page, what) {
  const deadline = Date.now() + WATCH_MS;
  const seen = [];
  while (Date.now() < deadline) {
    const shown = await readOverlay(page);
    seen.push(shown);
    if (Number.isFinite(shown.rate)) {
      assert.ok(shown.rate >= 0, `${what}: steps/s ${shown.rate}`);
      const bound = SPEED * Math.max(shown.fps, 1) * RATE_SLACK;
      assert.ok(shown.rate <= bound, `${what}: steps/s ${shown.rate} at ${shown.fps} fps (speed ${SPEED}): more than the page asked for`);
    }
    await new Promise((resolve) => setTimeout(resolve, WATCH_EVERY_MS));
  }
  return seen;
}

const msPerStepShown = (page) => readOverlay(page).then((shown) => shown.msPerStep > 0 && shown);

test('the overlay is small by default; details and hiding are remembered across a reload', options, async (t) => {
  await game(t, { scene: SCENE.ACTIVE }, async (page) => {
    await page.evaluate(() => window.quicksand.ready);
    const state = () =>
      page.evaluate(() => ({
        shown: !document.getElementById('stats').hidden,
        details: !document.querySelector('#stats .stats-details').hidden,
        pressed: document.getElementById('stats-toggle').getAttribute('aria-pressed'),
      }));
    assert.deepEqual(await state(), { shown: true, details: false, pressed: 'true' }, 'a first visit: small and shown');
    await page.click('#stats [data-stats-action="details"]');
    assert.equal((await state()).details, true);
    await page.keyboard.press('i');
    assert.deepEqual(await state(), { shown: false, details: true, pressed: 'false' }, 'I hides it');
    await page.reload();
    assert.deepEqual(await state(), { shown: false, details: true, pressed: 'false' }, 'remembered');
    await page.click('#stats-toggle');
    assert.equal((await state()).shown, true, 'the toolbar button shows it again');
    await page.click('#stats [data-stats-action="hide"]');
    assert.equal((await state()).shown, false, 'its own button hides it');
    await page.keyboard.press('i');
    assert.equal((await state()).shown, true);
  });
});

test('ms/step is positive and steps/s stays sane across an undo, a load and a size change', options, async (t) => {
  await game(t, { scene: SCENE.ACTIVE }, async (page) => {
    await page.evaluate(() => window.quicksand.ready);
    await page.click('#stats [data-stats-action="details"]');
    const first = await eventually(() => msPerStepShown(page), { message: 'a positive ms/step' });
    assert.ok(first.serial >= 0 && first.serial <= 100, `serial share ${first.serial}%`);
    // A save, a stroke, then many more steps: loading the save takes the
    // world's step count far back while the crew keeps counting.
    const saved = await page.evaluate(async () => {
      window.__saved = await window.quicksand.save();
      return window.quicksand.stepCount();
    });
    await mouseStroke(page, [20, 20], [200, 60]);
    await page.evaluate(() => window.quicksand.stepAndWait(200));
    await page.evaluate(() => window.quicksand.play());
    // The 200 steps ran at once; let them leave the overlay's window first.
    await new Promise((resolve) => setTimeout(resolve, WINDOW_FLUSH_MS));
    await page.keyboard.press('z');
    const afterUndo = await watchRates(page, 'after the undo');
    assert.ok(afterUndo.some((shown) => shown.rate > 0), 'steps/s shows the world running');
    const before = await page.evaluate(() => window.quicksand.stepCount());
    const loaded = await page.evaluate(() => window.quicksand.load(window.__saved));
    assert.ok(loaded.ok, loaded.message);
    const after = await page.evaluate(() => window.quicksand.stepCount());
    assert.ok(after < before && before > saved, `the load took the step count back (${before} → ${after})`);
    await page.evaluate(() => window.quicksand.play());
    const afterLoad = await watchRates(page, 'after the load');
    assert.ok(afterLoad.some((shown) => shown.rate > 0), 'steps/s shows the world running again');
    // A new size swaps the world and resets the crew's counters.
    await page.select('#size', String(RESIZED));
    await eventually(() => page.evaluate((side) => window.quicksand.world?.width === side, RESIZED), { message: 'the new size' });
    await watchRates(page, 'after the size change');
    await eventually(() => msPerStepShown(page), { message: 'a positive ms/step after the size change' });
  });
});
