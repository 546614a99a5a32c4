// Frames that cost what changed, in each engine: the renderer uploads only the
// rectangle the sim says changed (a settled world uploads nothing while it
// plays; an active one does), and a stroke drawn while paused shows before
// any step (qs_world_render_now), with WebGL2, with Canvas2D and in the
// single-threaded fallback. And the test hook's runSteps, the bench's "raw
// crew", uploads no frame while it runs.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CELL, MATERIAL, SCENE } from '../../www/pkg/abi.js';
import { launchBrowser } from './support/browser.js';
import { startServer } from './support/server.js';
import { capture, cellsToClient, changedAt, eventually, hideOverlays, mouseStroke, withGame } from './support/game.js';

const TEST_TIMEOUT_MS = 90_000;
const WORKERS = 2;
const SIZE = 256;
const MEASURE_SIZE = 1024;
/** Frames each measurement window must see published and uploaded. */
const WINDOW_FRAMES = 20;
const STROKE_Y = 40;
const STROKE_X0 = 40;
const STROKE_X1 = 216;
/** Cells well away from the stroke, which a paused world must leave alone. */
const FAR_Y = 200;
const RENDERERS = [
  { name: 'WebGL2', query: {}, kind: 'webgl2' },
  { name: 'Canvas2D', query: { renderer: 'canvas' }, kind: 'canvas2d' },
];

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
const game = (t, query, body) => withGame(t, browser, server, { threads: WORKERS, size: SIZE, ...query }, body);
const row = (y, x0, x1) => Array.from({ length: x1 - x0 + 1 }, (_, i) => [x0 + i, y]);

/**
 * Plays until the world has run `steps` more steps and the renderer was
 * handed WINDOW_FRAMES more frames; resolves with the window's totals.
 */
function uploadWindow(page, steps) {
  return page.evaluate(
    async ({ steps, frames }) => {
      const q = window.quicksand;
      const first = { uploads: q.uploads(), step: q.stepCount() };
      await new Promise((resolve) => {
        const check = () => {
          const now = q.uploads();
          if (q.stepCount() - first.step >= steps && now.frames - first.uploads.frames >= frames) resolve();
          else requestAnimationFrame(check);
        };
        requestAnimationFrame(check);
      });
      const last = q.uploads();
      return { frames: last.frames - first.uploads.frames, bytes: last.bytes - first.uploads.bytes, steps: q.stepCount() - first.step };
    },
    { steps, frames: WINDOW_FRAMES },
  );
}

for (const renderer of RENDERERS) {
  test(`${renderer.name}: a settled world uploads 0 bytes per frame; a stroke uploads only its part`, options, async (t) => {
    await game(t, { scene: SCENE.SETTLED, ...renderer.query }, async (page) => {
      assert.equal(await page.evaluate(() => window.quicksand.renderer), renderer.kind);
      await eventually(() => page.evaluate(() => window.quicksand.stepCount() > 5), { message: 'steps' });
      const settled = await uploadWindow(page, WINDOW_FRAMES);
      t.diagnostic(`settled ${SIZE}²: ${JSON.stringify(settled)}`);
      assert.ok(settled.frames >= WINDOW_FRAMES, 'frames kept coming');
      assert.equal(settled.bytes, 0, 'a settled world uploads nothing');

      // Negative control: new sand is uploaded, but only the part that changed.
      await page.evaluate((sand) => window.quicksand.paint(120, 10, 136, 10, 2, sand), MATERIAL.SAND);
      const stroke = await uploadWindow(page, 2);
      // Canvas2D puts RGBA pixels, WebGL2 one index byte per cell.
      const bytesPerCell = renderer.kind === 'canvas2d' ? CELL.PALETTE_ENTRY_BYTES : 1;
      const wholeFrame = SIZE * SIZE * bytesPerCell;
      t.diagnostic(`after a stroke: ${JSON.stringify(stroke)} (a whole frame is ${wholeFrame} bytes)`);
      assert.ok(stroke.bytes > 0, 'the stroke was uploaded');
      assert.ok(stroke.bytes < (stroke.frames * wholeFrame) / 4, 'far less than whole frames');
    });
  });

  test(`${renderer.name}: a stroke drawn while paused shows before any step`, options, async (t) => {
    await game(t, { scene: SCENE.EMPTY, ...renderer.query }, (page) => strokeWhilePaused(page));
  });
}

test('single-threaded: a stroke drawn while paused shows before any step', options, async (t) => {
  await withGame(t, browser, plain, { size: SIZE, scene: SCENE.EMPTY }, async (page) => {
    assert.equal(await page.evaluate(() => window.quicksand.mode), 'single');
    await strokeWhilePaused(page);
  });
});

/** Pauses, paints a row with the mouse, and checks it shows with no step run. */
async function strokeWhilePaused(page) {
  await hideOverlays(page);
  await page.evaluate(() => window.quicksand.pause());
  const before = await capture(page);
  const state = () => page.evaluate(() => ({ steps: window.quicksand.stepCount(), seq: window.quicksand.frameSeq() }));
  const paused = await state();
  await mouseStroke(page, [STROKE_X0, STROKE_Y], [STROKE_X1, STROKE_Y], { moves: 3 });
  const stroke = await cellsToClient(page, row(STROKE_Y, STROKE_X0, STROKE_X1));
  const shown = await eventually(
    async () => {
      const shot = await capture(page);
      return changedAt(before, shot, stroke) === stroke.length ? shot : null;
    },
    { message: 'the whole stroke to show while paused' },
  );
  const now = await state();
  assert.equal(now.steps, paused.steps, 'no step ran');
  assert.ok(now.seq > paused.seq, 'the sim published a frame without a step');
  // Negative control: nothing else changed, and nothing moves while paused.
  const far = await cellsToClient(page, row(FAR_Y, STROKE_X0, STROKE_X1));
  assert.equal(changedAt(before, shown, far), 0, 'cells away from the stroke are unchanged');
  await page.waitForTimeout(300);
  assert.equal(changedAt(shown, await capture(page), [...stroke, ...far]), 0, 'a paused world stays put');
  assert.equal((await state()).steps, paused.steps);
}

test(`upload bytes per frame at ${MEASURE_SIZE}²: active vs settled (WebGL2)`, options, async (t) => {
  const perFrame = {};
  for (const [name, scene] of [['active', SCENE.ACTIVE], ['settled', SCENE.SETTLED]]) {
    await game(t, { scene, size: MEASURE_SIZE }, async (page) => {
      await eventually(() => page.evaluate(() => window.quicksand.stepCount() > 5), { message: 'steps', timeoutMs: 30_000 });
      const window = await uploadWindow(page, WINDOW_FRAMES);
      perFrame[name] = window.bytes / window.frames;
    });
  }
  const line = `upload bytes per frame at ${MEASURE_SIZE}²: active ${perFrame.active.toFixed(0)}, settled ${perFrame.settled.toFixed(0)} (a whole frame is ${MEASURE_SIZE * MEASURE_SIZE})`;
  t.diagnostic(line);
  console.log(line);
  assert.equal(perFrame.settled, 0);
  assert.ok(perFrame.active > 0, 'negative control: an active world uploads');
});

test(`runSteps measures the crew alone: it uploads no frame while it runs, then shows the world it ended on`, options, async (t) => {
  await game(t, { scene: SCENE.ACTIVE, size: MEASURE_SIZE }, async (page) => {
    // The single-threaded engine steps on the main thread, where no frame is displayed meanwhile.
    if ((await page.evaluate(() => window.quicksand.mode)) !== 'threads') return t.skip('needs the threaded engine');
    const run = await page.evaluate(async (steps) => {
      const q = window.quicksand;
      await q.pause();
      let displayed = 0;
      let counting = true;
      const count = () => {
        if (!counting) return;
        displayed++;
        requestAnimationFrame(count);
      };
      requestAnimationFrame(count);
      const first = { uploads: q.uploads().frames, seq: q.frameSeq(), step: q.stepCount() };
      await q.runSteps(steps);
      counting = false;
      return { displayed, uploads: q.uploads().frames - first.uploads, published: q.frameSeq() - first.seq, steps: q.stepCount() - first.step, first };
    }, 100);
    t.diagnostic(`runSteps(100) at ${MEASURE_SIZE}²: ${JSON.stringify(run)}`);
    assert.equal(run.steps, 100);
    // Without this the test could not tell: frames came while the crew ran.
    assert.ok(run.displayed >= 3, `the run spanned ${run.displayed} displayed frames`);
    // The world it ended on may already be uploaded as runSteps resolves.
    assert.ok(run.uploads <= 1, `${run.uploads} frames uploaded during the run`);
    assert.ok(run.published >= 1, 'the world it ended on was published');
    await eventually(() => page.evaluate((before) => window.quicksand.uploads().frames > before, run.first.uploads), { message: 'the world it ended on to be uploaded' });
  });
});
