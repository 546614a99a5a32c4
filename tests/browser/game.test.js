// The game page served cross-origin isolated, in each engine: threads where
// the engine has them (support/engines.js), painting with the real mouse,
// pause, save/load through the UI, a worker fault and a real stack overflow
// in a worker (threaded engines only), and the thread selector. Every test
// saves a screenshot into test-artifacts/<engine>/ and fails on any console
// error. Undo and redo have their own file (history.test.js).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SCENE, THREAD_SLOT } from '../../www/pkg/abi.js';
import { launchBrowser, ARTIFACTS, ENGINE, needs } from './support/browser.js';
import { startServer } from './support/server.js';
import { capture, cellsToClient, changedAt, eventually, hideOverlays, mouseStroke, withGame } from './support/game.js';

const TEST_TIMEOUT_MS = 60_000;
const WORKERS = 2;
const EMPTY_SCENE = SCENE.EMPTY;
const MIXED_SCENE = SCENE.MIXED;
const SIZE = 256;
/** The stroke: row STROKE_Y from STROKE_X0 to STROKE_X1, painted with few, far-apart mouse samples. */
const STROKE_Y = 40;
const STROKE_X0 = 40;
const STROKE_X1 = 216;

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
const game = (t, query, body) => withGame(t, browser, server, { threads: WORKERS, size: SIZE, ...query }, body);
const cellsOfRow = (y, x0, x1) => Array.from({ length: x1 - x0 + 1 }, (_, i) => [x0 + i, y]);

test('the renderer: WebGL2 on a GPU, Canvas2D where WebGL2 is a software rasterizer; ?renderer= forces either', options, async (t) => {
  for (const renderer of [null, 'webgl', 'canvas']) {
    await game(t, { scene: MIXED_SCENE, renderer }, async (page) => {
      const state = await page.evaluate(() => {
        // The test's own read of the WebGL2 renderer's name, on a canvas of its own.
        const gl = document.createElement('canvas').getContext('webgl2');
        const info = gl?.getExtension('WEBGL_debug_renderer_info');
        const name = gl ? gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER) : null;
        return { name, renderer: window.quicksand.renderer, choice: window.quicksand.rendererChoice, line: document.getElementById('engine-line').textContent };
      });
      t.diagnostic(`?renderer=${renderer}: ${JSON.stringify(state)}`);
      if (renderer === null) {
        assert.equal(state.choice.wanted, 'auto');
        assert.equal(state.choice.webgl, state.name, 'the page read the same WebGL2 renderer');
        assert.equal(state.renderer, state.name && !state.choice.software ? 'webgl2' : 'canvas2d');
        // These machines have no GPU: their WebGL2 is SwiftShader (Chromium) or llvmpipe (Firefox).
        if (/swiftshader|llvmpipe/i.test(state.name ?? '')) {
          assert.equal(state.choice.software, true);
          assert.equal(state.renderer, 'canvas2d');
          assert.match(state.line, /Canvas2D \(WebGL2 here is software\)/, 'the stats overlay says why');
        }
      } else {
        assert.equal(state.renderer, renderer === 'canvas' || !ENGINE.webgl2 ? 'canvas2d' : 'webgl2');
        assert.equal(state.choice.wanted, renderer);
      }
      await eventually(() => page.evaluate(() => window.quicksand.stepCount() > 5), { message: 'the world to run steps' });
    });
  }
});

test(`loads cross-origin isolated: ${ENGINE.threads ? 'every worker ready' : 'single-threaded, since this engine cannot share memory with workers'}`, options, async (t) => {
  await game(t, { scene: MIXED_SCENE }, async (page) => {
    const state = await page.evaluate(() => ({
      isolated: crossOriginIsolated,
      hookIsolated: window.quicksand.isolated,
      support: window.quicksand.threadSupport.code,
      mode: window.quicksand.mode,
      renderer: window.quicksand.renderer,
      workers: window.quicksand.workers,
      world: window.quicksand.world,
      bars: document.querySelectorAll('#stats .bar').length,
      threadsDisabled: document.getElementById('threads').disabled,
    }));
    assert.equal(state.isolated, true);
    assert.equal(state.hookIsolated, true);
    assert.equal(state.support, ENGINE.isolatedCode, "the loader's answer");
    assert.equal(state.renderer, ENGINE.webgl2 ? 'webgl2' : 'canvas2d');
    assert.deepEqual(state.world, { width: SIZE, height: SIZE });
    assert.equal(state.mode, ENGINE.threads ? 'threads' : 'single');
    assert.equal(state.workers, ENGINE.threads ? WORKERS : 0);
    assert.equal(state.threadsDisabled, !ENGINE.threads);
    const steps = await eventually(() => page.evaluate(() => window.quicksand.stepCount() > 20), { message: 'the world to run steps' });
    assert.ok(steps);
    if (!ENGINE.threads) return;
    assert.equal(state.bars, WORKERS, 'one busy bar per worker');
    await eventually(() => page.evaluate(() => /\d+%/.test(document.querySelector('#stats .bar-value').textContent)), { message: 'the busy bars to show shares' });
  });
});

test('painting sand with the mouse changes pixels, leaves no gaps, and the sand falls', options, async (t) => {
  await game(t, { scene: EMPTY_SCENE }, async (page) => {
    await hideOverlays(page);
    await page.evaluate(() => window.quicksand.pause());
    const before = await capture(page);
    // Three pointer moves across 176 cells: only line painting between samples covers the row.
    await mouseStroke(page, [STROKE_X0, STROKE_Y], [STROKE_X1, STROKE_Y], { moves: 3 });
    await page.evaluate(() => window.quicksand.stepAndWait(1));
    const painted = await capture(page);
    const row = await cellsToClient(page, cellsOfRow(STROKE_Y, STROKE_X0, STROKE_X1));
    assert.equal(changedAt(before, painted, row), row.length, 'every cell along the stroke is painted (no gaps)');

    // Below the stroke: a grid of cells that only falling sand can change.
    const grid = [];
    for (let y = STROKE_Y + 16; y < SIZE; y += 8) for (let x = STROKE_X0; x <= STROKE_X1; x += 4) grid.push([x, y]);
    const below = await cellsToClient(page, grid);
    await page.evaluate(() => window.quicksand.play());
    let previous = painted;
    let changes = 0;
    await eventually(async () => {
      const next = await capture(page);
      if (changedAt(previous, next, below) > 0) changes++;
      previous = next;
      return changes >= 3;
    }, { message: 'the pixels below the stroke to keep changing' });
    const bottom = await cellsToClient(page, cellsOfRow(SIZE - 1, STROKE_X0, STROKE_X1));
    await eventually(async () => changedAt(before, await capture(page), bottom) > bottom.length / 2, { message: 'sand to reach the bottom row' });
  });
});

test('pausing stops all change', options, async (t) => {
  await game(t, { scene: MIXED_SCENE }, async (page) => {
    await hideOverlays(page);
    await eventually(() => page.evaluate(() => window.quicksand.stepCount() > 30), { message: 'steps' });
    // drawn(): the compositor may show the frame before the pause for a frame or two (Firefox, WebKit).
    await page.evaluate(async () => {
      await window.quicksand.pause();
      await window.quicksand.drawn();
    });
    const first = { shot: await page.screenshot(), ...(await page.evaluate(async () => ({ hash: await window.quicksand.hash(), seq: window.quicksand.frameSeq(), steps: window.quicksand.stepCount() }))) };
    await page.waitForTimeout(1000);
    const second = { shot: await page.screenshot(), ...(await page.evaluate(async () => ({ hash: await window.quicksand.hash(), seq: window.quicksand.frameSeq(), steps: window.quicksand.stepCount() }))) };
    assert.equal(second.steps, first.steps, 'no steps while paused');
    assert.equal(second.seq, first.seq, 'no new frames while paused');
    assert.equal(second.hash, first.hash, 'the state hash is unchanged');
    assert.ok(first.shot.equals(second.shot), 'the screen is unchanged');
    // And the paused screen is the world itself: one step changes it.
    await page.evaluate(async () => {
      await window.quicksand.stepAndWait(1);
      await window.quicksand.drawn();
    });
    assert.ok(!(await page.screenshot()).equals(second.shot), 'a single step changes the screen');
  });
});

test('save then load gives the same state hash (hook and UI file round trip)', options, async (t) => {
  await game(t, { scene: MIXED_SCENE }, async (page) => {
    const inPage = await page.evaluate(async () => {
      const q = window.quicksand;
      await q.pause();
      const startStep = q.stepCount();
      await q.stepAndWait(50);
      const saved = await q.save();
      const hash = await q.hash();
      await q.stepAndWait(40);
      const moved = await q.hash();
      const result = await q.load(saved);
      return { hash, moved, result, loaded: await q.hash(), steps: q.stepCount() - startStep };
    });
    assert.notEqual(inPage.moved, inPage.hash, 'the world moved on after the save');
    assert.deepEqual(inPage.result, { ok: true, message: '' });
    assert.equal(inPage.loaded, inPage.hash, 'loading restores the saved state');
    assert.equal(inPage.steps, 50);

    // The real UI: S downloads a .qsand file, the file input opens it.
    const hashAtSave = await page.evaluate(() => window.quicksand.hash());
    const download = await page.download(() => page.keyboard.press('s'));
    assert.match(download.name, /^quicksand-256x256-step\d+\.qsand$/);
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(path.join(ARTIFACTS, 'save-roundtrip.qsand'), download.bytes);
    await page.evaluate(() => window.quicksand.stepAndWait(25));
    assert.notEqual(await page.evaluate(() => window.quicksand.hash()), hashAtSave);
    await page.setInputFile('#file', download);
    await page.waitFor('#toast', { text: 'Opened' });
    assert.equal(await page.evaluate(() => window.quicksand.hash()), hashAtSave, 'opening the file restores the state');

    // Foreign and damaged files: a clear message, and the world is kept.
    const kept = await page.evaluate(() => window.quicksand.hash());
    await page.setInputFile('#file', { name: 'notes.qsand', bytes: Buffer.from('These are my notes. '.repeat(10)) });
    await page.waitFor('#toast', { text: 'not a quicksand save' });
    const damaged = Buffer.from(download.bytes);
    damaged[100] ^= 0xff;
    await page.setInputFile('#file', { name: 'damaged.qsand', bytes: damaged });
    await page.waitFor('#toast', { text: 'damaged' });
    assert.equal(await page.evaluate(() => window.quicksand.hash()), kept, 'bad files leave the world as it was');

    // A save of another size replaces the world with one of its size.
    const resized = await page.evaluate(async ([bytes, sceneId]) => {
      const q = window.quicksand;
      await q.newWorld({ width: 96, height: 64, seed: 5, scene: sceneId });
      const result = await q.load(new Uint8Array(bytes));
      return { result, world: q.world, hash: await q.hash() };
    }, [[...download.bytes], SCENE.ACTIVE]);
    assert.equal(resized.result.ok, true, resized.result.message);
    assert.deepEqual(resized.world, { width: SIZE, height: SIZE });
    assert.equal(resized.hash, hashAtSave);
  });
});

test('a worker trap shows a message, and Restart brings the world back', { ...options, ...needs('threads') }, async (t) => {
  await game(t, { scene: MIXED_SCENE }, async (page) => {
    const { hash, steps } = await page.evaluate(async () => {
      await window.quicksand.stepAndWait(20);
      const value = { hash: await window.quicksand.hash(), steps: window.quicksand.stepCount() };
      await window.quicksand.injectWorkerTrap();
      return value;
    });
    await page.waitFor('#fault');
    assert.match(await page.evaluate(() => document.getElementById('fault').textContent), /stopped: worker 0: qs_probe_panic failed/);
    await page.click('#restart');
    await page.waitFor('#fault', { state: 'hidden' });
    await page.waitFor('#toast', { text: 'the world was kept' });
    const after = await page.evaluate(async () => ({ mode: window.quicksand.mode, workers: window.quicksand.workers, hash: await window.quicksand.hash() }));
    assert.deepEqual(after, { mode: 'threads', workers: WORKERS, hash });
    assert.equal(await page.evaluate(() => window.quicksand.stepAndWait(5)), steps + 5, 'the restarted crew steps');
  });
});

test('a real stack overflow in a worker restores the last good state, paused', { ...options, ...needs('threads') }, async (t) => {
  await game(t, { scene: MIXED_SCENE }, async (page) => {
    // Negative control: a deep recursion that stops just above the canary
    // leaves the crew healthy, so what follows is the canary check's doing.
    const control = await page.evaluate(async () => {
      const q = window.quicksand;
      const start = await q.stepAndWait(5);
      const reach = await q.overflowWorkerStack({ intoCanary: false });
      return { reach, steps: (await q.stepAndWait(3)) - start, fault: q.fault };
    });
    assert.ok(control.reach >= THREAD_SLOT.CANARY_BYTES, `the control stayed above the canary (reached ${control.reach})`);
    assert.deepEqual({ steps: control.steps, fault: control.fault }, { steps: 4, fault: null }, 'one probe step and three more, no fault');

    const good = await page.evaluate(async () => {
      const q = window.quicksand;
      await q.stepAndWait(20);
      const value = { checkpoint: await q.checkpoint(), steps: q.stepCount(), hash: await q.hash() };
      // A few steps the restore must throw away, then the real overflow.
      await q.stepAndWait(7);
      value.moved = await q.hash();
      value.reach = await q.overflowWorkerStack();
      return value;
    });
    assert.ok(good.reach >= 0 && good.reach < THREAD_SLOT.CANARY_BYTES, `the recursion reached into the canary (${good.reach})`);
    assert.notEqual(good.moved, good.hash);
    await page.waitFor('#toast', { text: "A worker's stack overflowed; the world was restored to its last good state" });
    await page.waitFor('#fault', { state: 'hidden' });
    const after = await page.evaluate(async () => {
      const q = window.quicksand;
      return { mode: q.mode, workers: q.workers, playing: q.playing, fault: q.fault, steps: q.stepCount(), hash: await q.hash() };
    });
    assert.deepEqual(after, { mode: 'threads', workers: WORKERS, playing: false, fault: null, steps: good.steps, hash: good.hash });
    assert.equal(good.checkpoint, good.steps);
    assert.equal(await page.evaluate(() => window.quicksand.stepAndWait(5)), good.steps + 5, 'the restarted crew steps');
  });
});

test('the thread selector restarts the engine with that many workers, keeping the world', { ...options, ...needs('threads') }, async (t) => {
  await game(t, { scene: MIXED_SCENE }, async (page) => {
    const before = await page.evaluate(async () => {
      await window.quicksand.stepAndWait(30);
      return window.quicksand.hash();
    });
    const options = await page.allTextContents('#threads option');
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    assert.deepEqual(options, Array.from({ length: cores }, (_, i) => String(i + 1)));
    await page.select('#threads', '1');
    await eventually(() => page.evaluate(() => window.quicksand.workers === 1 && document.querySelectorAll('#stats .bar').length === 1), { message: 'one worker' });
    assert.equal(await page.evaluate(() => window.quicksand.hash()), before);
  });
});

// The selector's other half: where threads are refused it is disabled and its tooltip says why.
test(`the thread selector is disabled without threads, with the loader's reason`, { ...options, ...(ENGINE.threads ? { skip: `${ENGINE.name} has threads (the test above)` } : {}) }, async (t) => {
  await game(t, { scene: MIXED_SCENE }, async (page) => {
    const selector = await page.evaluate(() => ({
      disabled: document.getElementById('threads').disabled,
      title: document.getElementById('threads-field').title,
      reason: window.quicksand.threadSupport.reason,
    }));
    assert.equal(selector.disabled, true);
    assert.ok(selector.reason.length > 0);
    assert.equal(selector.title, selector.reason);
  });
});
