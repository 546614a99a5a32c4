// The fallback and its reason, in each engine. Served WITHOUT the isolation
// headers (`quicksand-tools serve --no-isolation`) every engine must say
// the real reason (the loader's `not-isolated`) in plain words, run the
// single-threaded build (sim-st.wasm) and still play. Served isolated, the
// reason must match what the engine can do (support/engines.js): none in
// Chromium and Firefox, `no-shared-memory` in WebKitGTK, which is isolated
// but cannot post a shared memory to a worker. And the Canvas2D renderer,
// for browsers without WebGL2.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SCENE } from '../../www/pkg/abi.js';
import { ENGINE, launchBrowser } from './support/browser.js';
import { startServer } from './support/server.js';
import { capture, cellsToClient, changedAt, eventually, hideOverlays, mouseStroke, withGame } from './support/game.js';

const TEST_TIMEOUT_MS = 60_000;
const EMPTY_SCENE = SCENE.EMPTY;
const SIZE = 256;
const STROKE_Y = 30;
const STROKE_X0 = 60;
const STROKE_X1 = 200;
/** The notice's sentence for each loader code (www/fallback-notice.js), as the player reads it. */
const SENTENCE = {
  'not-isolated': /^Running on one thread, so the sand moves more slowly in big worlds: this page was served without the settings that let a page share memory with worker threads\.$/,
  'no-shared-memory': /^Running on one thread, so the sand moves more slowly in big worlds: this browser cannot share memory with worker threads\.$/,
};
/** The loader's precise reason for each code (loader/thread-support.js). */
const REASON = {
  'not-isolated': /^not isolated: the page was served without the COOP\/COEP headers/,
  'no-shared-memory': /^this browser cannot share memory with workers: posting a shared WebAssembly\.Memory failed \(DataCloneError/,
};

let isolated;
let plain;
let browser;

before(async () => {
  [isolated, plain] = await Promise.all([startServer(), startServer({ isolation: false })]);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  isolated?.stop();
  plain?.stop();
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

/** What the page says about threads: the loader's answer and the notice. */
function fallbackState(page) {
  return page.evaluate(() => {
    const notice = document.getElementById('notice');
    return {
      isolated: crossOriginIsolated,
      support: window.quicksand.threadSupport,
      mode: window.quicksand.mode,
      workers: window.quicksand.workers,
      threadsDisabled: document.getElementById('threads').disabled,
      notice: { shown: !notice.hidden, code: notice.dataset.code ?? null, text: notice.querySelector('.notice-text')?.textContent ?? '', link: notice.querySelector('a')?.getAttribute('href') ?? null },
    };
  });
}

/** The notice states `code`'s sentence, links to the details (which exist), and its × dismisses it. */
async function assertNotice(page, state, code) {
  assert.equal(state.support.code, code);
  assert.match(state.support.reason, REASON[code]);
  assert.deepEqual({ shown: state.notice.shown, code: state.notice.code }, { shown: true, code });
  assert.match(state.notice.text, SENTENCE[code]);
  assert.equal((state.notice.text.match(/\.(\s|$)/g) ?? []).length, 1, 'one sentence');
  assert.ok(await page.isVisible('#notice'), 'the explanation is visible');
  assert.match(state.notice.link, /^README\.md#threads-and-the-fallback$/);
  const status = await page.evaluate((href) => fetch(href).then((r) => r.status), state.notice.link);
  assert.equal(status, 200, 'the details it links to are served');
  await page.click('#notice .notice-close');
  await page.waitFor('#notice', { state: 'hidden' });
}

test('without isolation: the notice says why in plain words, the single-threaded sim runs and sand falls', options, async (t) => {
  await withGame(t, browser, plain, { size: SIZE, scene: EMPTY_SCENE }, async (page) => {
    const state = await fallbackState(page);
    assert.equal(state.isolated, false);
    assert.equal(state.mode, 'single');
    assert.equal(state.workers, 0);
    assert.equal(state.threadsDisabled, true, 'the thread selector is disabled');
    await assertNotice(page, state, 'not-isolated');
    await paintAndWatchItFall(page);
    assert.match(await page.evaluate(() => window.quicksand.hash()), /^[0-9a-f]{16}$/);
  });
});

test(`isolated: the reason ${ENGINE.name} shows matches what it can do (${ENGINE.isolatedCode})`, options, async (t) => {
  await withGame(t, browser, isolated, { size: SIZE, scene: EMPTY_SCENE, threads: 2 }, async (page) => {
    const state = await fallbackState(page);
    assert.equal(state.isolated, true, 'served with COOP/COEP, every engine is isolated');
    if (ENGINE.isolatedCode === 'ok') {
      assert.deepEqual({ ...state.support }, { ok: true, code: 'ok', reason: '' });
      assert.deepEqual([state.mode, state.notice.shown], ['threads', false], 'threads, and no notice');
      return;
    }
    assert.equal(state.mode, 'single');
    await assertNotice(page, state, ENGINE.isolatedCode);
    assert.doesNotMatch(state.notice.text, /isolat|header|served/, 'it does not send the player to fix headers that are right');
  });
});

test('the Canvas2D renderer (no WebGL2) draws the world and the falling sand', options, async (t) => {
  await withGame(t, browser, plain, { size: SIZE, scene: EMPTY_SCENE, renderer: 'canvas' }, async (page) => {
    assert.equal(await page.evaluate(() => window.quicksand.renderer), 'canvas2d');
    await paintAndWatchItFall(page);
  });
});
