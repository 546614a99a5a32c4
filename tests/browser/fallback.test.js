// The page served WITHOUT the isolation headers: no SharedArrayBuffer, so
// it must explain why in one sentence, run the single-threaded build
// (sim-st.wasm) and still play; and the Canvas2D renderer, for browsers
// without WebGL2.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SCENE } from '../../www/pkg/abi.js';
import { launchBrowser } from './support/browser.js';
import { startServer } from './support/server.js';
import { capture, cellsToClient, changedAt, eventually, hideOverlays, mouseStroke, withGame } from './support/game.js';

const TEST_TIMEOUT_MS = 60_000;
const EMPTY_SCENE = SCENE.EMPTY;
const SIZE = 256;
const STROKE_Y = 30;
const STROKE_X0 = 60;
const STROKE_X1 = 200;

let server;
let browser;

before(async () => {
  server = await startServer({ isolation: false });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

const options = { timeout: TEST_TIMEOUT_MS };
const row = (y, x0, x1) => Array.from({ length: x1 - x0 + 1 }, (_, i) => [x0 + i, y]);

/** Paints a sand stroke with the mouse while paused, then plays and waits for it to reach the bottom. */
async function paintAndWatchItFall(page) {
  await hideOverlays(page);
  await page.evaluate(() => window.quicksand.pause());
  const before = await capture(page);
  await mouseStroke(page, [STROKE_X0, STROKE_Y], [STROKE_X1, STROKE_Y], { moves: 2 });
  await page.evaluate(() => window.quicksand.stepAndWait(1));
  const painted = await capture(page);
  const stroke = await cellsToClient(page, row(STROKE_Y, STROKE_X0, STROKE_X1));
  assert.equal(changedAt(before, painted, stroke), stroke.length, 'the whole stroke is painted');
  await page.evaluate(() => window.quicksand.play());
  const bottom = await cellsToClient(page, row(SIZE - 1, STROKE_X0, STROKE_X1));
  await eventually(async () => changedAt(before, await capture(page), bottom) > bottom.length / 2, { message: 'sand to fall to the bottom row' });
}

test('without isolation: one sentence says why, the single-threaded sim runs and sand falls', options, async (t) => {
  await withGame(t, browser, server, { size: SIZE, scene: EMPTY_SCENE }, async (page) => {
    const state = await page.evaluate(() => ({
      isolated: crossOriginIsolated,
      sab: typeof SharedArrayBuffer,
      mode: window.quicksand.mode,
      workers: window.quicksand.workers,
      threadsDisabled: document.getElementById('threads').disabled,
      notice: document.getElementById('notice').textContent,
    }));
    assert.equal(state.isolated, false);
    assert.equal(state.mode, 'single');
    assert.equal(state.workers, 0);
    assert.equal(state.threadsDisabled, true, 'the thread selector is disabled');
    assert.match(state.notice, /^This page is not cross-origin isolated \(.*\), so the browser withholds SharedArrayBuffer and threads\.$/);
    assert.equal((state.notice.match(/\.(\s|$)/g) ?? []).length, 1, 'one sentence');
    assert.ok(await page.locator('#notice').isVisible(), 'the explanation is visible');
    await paintAndWatchItFall(page);
    assert.match(await page.evaluate(() => window.quicksand.hash()), /^[0-9a-f]{16}$/);
  });
});

test('the Canvas2D renderer (no WebGL2) draws the world and the falling sand', options, async (t) => {
  await withGame(t, browser, server, { size: SIZE, scene: EMPTY_SCENE, renderer: 'canvas' }, async (page) => {
    assert.equal(await page.evaluate(() => window.quicksand.renderer), 'canvas2d');
    await paintAndWatchItFall(page);
  });
});
