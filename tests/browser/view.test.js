// The player's view (www/view.js, www/navigation.js), with real input:
// (1) desktop: the wheel zooms around the cursor (the cell under it stays
//     under it), a middle-drag pans by exactly the drag, + and 0 zoom and
//     fit, and the view is clamped so the world cannot be lost;
// (2) a click paints the cell under the pointer at 1×, 4× and 16×, and
//     nothing next to it;
// (3) a phone (390×844, touch): every cell is at least 2 CSS pixels, a tap
//     paints a visible dot, and a two-finger pinch (Chromium's CDP touch
//     events: the only way to send two touch points) zooms in; the
//     negative control, one finger moving the same way, paints instead.
//     Chromium only: touch emulation and two touch points are CDP.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { MATERIAL, SCENE } from '../../www/pkg/abi.js';
import { ENGINE, launchBrowser, saveScreenshot } from './support/browser.js';
import { startServer } from './support/server.js';
import { eventually, withGame } from './support/game.js';

const TEST_TIMEOUT_MS = 90_000;
const DESKTOP = { width: 1400, height: 900 };
const PHONE = { width: 390, height: 844, hasTouch: true, isMobile: true, deviceScaleFactor: 3 };
const CHROMIUM_ONLY = ENGINE.name === 'chromium' ? {} : { skip: 'Chromium only: touch emulation and two-finger touch events are CDP commands' };

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

/** The cell under client point (x, y), from the hook's world rectangle. */
async function cellUnder(page, x, y) {
  return page.evaluate(
    ({ x, y }) => {
      const q = window.quicksand;
      const rect = q.worldRect();
      const perCell = rect.width / q.world.width;
      return { x: Math.floor((x - rect.x) / perCell), y: Math.floor((y - rect.y) / perCell) };
    },
    { x, y },
  );
}

/**
 * The world's rectangle once the page has taken a new viewport in: some
 * engines resize the window a few frames after being asked (WebKitGTK).
 */
async function settledRect(page) {
  let last = null;
  return eventually(async () => {
    const rect = await page.evaluate(async () => {
      await window.quicksand.drawn();
      return window.quicksand.worldRect();
    });
    const same = last !== null && JSON.stringify(rect) === JSON.stringify(last);
    last = rect;
    return same && rect;
  }, { message: 'the world rectangle to settle after a resize' });
}

async function setBrush(page, radius) {
  await page.evaluate((value) => {
    const input = document.getElementById('brush');
    input.value = String(value);
    input.dispatchEvent(new Event('input'));
  }, radius);
}

test('wheel zoom keeps the cell under the cursor, middle-drag pans, keys zoom and fit, the view is clamped', options, async (t) => {
  await withGame(t, browser, server, { threads: 2, size: 256, scene: SCENE.MIXED }, async (page) => {
    await page.setViewportSize(DESKTOP);
    await page.evaluate(() => window.quicksand.pause());
    const before = await settledRect(page);
    const pointer = { x: before.x + before.width * 0.3, y: before.y + before.height * 0.6 };
    const cell = await cellUnder(page, pointer.x, pointer.y);
    await page.mouse.move(pointer.x, pointer.y);
    await page.mouse.wheel(0, -400);
    await page.evaluate(() => window.quicksand.drawn());
    const zoomed = await page.evaluate(() => window.quicksand.worldRect());
    const view = await page.evaluate(() => window.quicksand.view());
    assert.ok(view.zoom > 1.5 && zoomed.width > before.width * 1.5, `the wheel zoomed in: ${JSON.stringify(view)}`);
    const after = await cellUnder(page, pointer.x, pointer.y);
    assert.ok(Math.abs(after.x - cell.x) <= 1 && Math.abs(after.y - cell.y) <= 1, `the cell under the cursor stayed: ${JSON.stringify(cell)} → ${JSON.stringify(after)}`);

    // Middle-drag pans the world by exactly the drag.
    await page.mouse.move(700, 450);
    await page.mouse.down({ button: 'middle' });
    await page.mouse.move(640, 420, { steps: 4 });
    await page.mouse.up({ button: 'middle' });
    await page.evaluate(() => window.quicksand.drawn());
    const panned = await page.evaluate(() => window.quicksand.worldRect());
    assert.ok(Math.abs(panned.x - (zoomed.x - 60)) <= 1.5 && Math.abs(panned.y - (zoomed.y - 30)) <= 1.5, `panned by the drag: ${JSON.stringify(zoomed)} → ${JSON.stringify(panned)}`);
    assert.equal(await page.evaluate(() => window.quicksand.history().undo), 0, 'panning painted nothing');

    // Clamping: a centre far outside the world comes back inside.
    await page.evaluate(() => window.quicksand.setView({ zoom: 4, centerX: -1e6, centerY: 1e6 }));
    const clamped = await page.evaluate(() => window.quicksand.view());
    assert.ok(clamped.centerX >= 0 && clamped.centerX <= 256 && clamped.centerY >= 0 && clamped.centerY <= 256, `clamped: ${JSON.stringify(clamped)}`);

    await page.keyboard.press('0');
    assert.equal((await page.evaluate(() => window.quicksand.view())).zoom, 1, '0 fits the world');
    await page.keyboard.press('+');
    assert.ok((await page.evaluate(() => window.quicksand.view())).zoom > 1, '+ zooms in');
    await page.keyboard.press('-');
    await page.keyboard.press('-');
    assert.equal((await page.evaluate(() => window.quicksand.view())).zoom, 1, '- zooms out, no further than fit');
  });
});

test('a click paints the cell under the pointer at 1×, 4× and 16×', options, async (t) => {
  await withGame(t, browser, server, { threads: 2, size: 256, scene: SCENE.EMPTY }, async (page) => {
    await page.setViewportSize(DESKTOP);
    await page.evaluate(() => window.quicksand.pause());
    await setBrush(page, 0);
    await page.keyboard.press('Digit3'); // wall: it stays where it is painted
    const targets = [
      { zoom: 1, x: 40, y: 200 },
      { zoom: 4, x: 101, y: 57 },
      { zoom: 16, x: 170, y: 131 },
    ];
    for (const { zoom, x, y } of targets) {
      await page.evaluate((view) => window.quicksand.setView(view), { zoom, centerX: x + 3.3, centerY: y - 2.6 });
      const point = await page.evaluate(({ x, y }) => window.quicksand.cellToClient(x, y), { x, y });
      await page.mouse.click(point.x, point.y);
      await page.evaluate(() => window.quicksand.stepAndWait(1));
      const hit = await page.evaluate(({ x, y }) => window.quicksand.cellAt(x, y), { x, y });
      assert.equal(hit.material, 'wall', `at ${zoom}×, the clicked cell (${x}, ${y}) is painted`);
      for (const [dx, dy] of [[1, 0], [-1, 0], [0, 1], [0, -1]]) {
        const next = await page.evaluate(({ x, y }) => window.quicksand.cellAt(x, y), { x: x + dx, y: y + dy });
        assert.equal(next.material, 'empty', `at ${zoom}×, (${x + dx}, ${y + dy}) beside it is not`);
      }
    }
    const counts = await page.evaluate(() => window.quicksand.counts());
    assert.equal(counts.wall, targets.length, 'one cell per click, nothing else');
  });
});

/** Sends a two-finger gesture through CDP: fingers start `from` apart and end `to` apart around (cx, cy). */
async function pinch(page, { cx, cy, from, to, fingers = 2, moves = 8 }) {
  const cdp = await page.chromium().createCDPSession();
  const points = (spread) =>
    Array.from({ length: fingers }, (_, i) => ({ x: cx + (i === 0 ? -spread / 2 : spread / 2), y: cy, id: i, radiusX: 4, radiusY: 4, force: 1 }));
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: points(from) });
  for (let i = 1; i <= moves; i++) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: points(from + ((to - from) * i) / moves) });
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await cdp.detach();
}

test('phone: cells of 2 CSS px or more, a tap paints a visible dot, a pinch zooms', { ...options, ...CHROMIUM_ONLY }, async (t) => {
  const tap = async (page, x, y) => page.chromium().touchscreen.tap(x, y);
  await withGame(
    t,
    browser,
    server,
    { threads: 2, scene: SCENE.EMPTY },
    async (page) => {
      await page.evaluate(() => window.quicksand.pause());
      const rect = await page.evaluate(() => window.quicksand.worldRect());
      const world = await page.evaluate(() => window.quicksand.world);
      assert.ok(rect.width / world.width >= 2, `a cell is ${rect.width / world.width} CSS px`);
      assert.equal(await page.isVisible('kbd'), false, 'no keyboard hints on a touch screen');

      const swatch = await page.evaluate((id) => {
        // The palette is a scrolling strip on a phone: bring the button into view first.
        const button = document.querySelector(`.material[data-material="${id}"]`);
        button.scrollIntoView({ block: 'nearest', inline: 'center' });
        const box = button.getBoundingClientRect();
        return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
      }, MATERIAL.WALL);
      await tap(page, swatch.x, swatch.y);
      const centre = { x: rect.x + rect.width / 2, y: rect.y + rect.height / 2 };
      await tap(page, centre.x, centre.y);
      await page.evaluate(() => window.quicksand.stepAndWait(1));
      const dot = (await page.evaluate(() => window.quicksand.counts())).wall;
      assert.ok(dot >= 9, `the tap painted a dot of ${dot} cells`);

      await pinch(page, { cx: centre.x, cy: centre.y, from: 60, to: 220 });
      await page.evaluate(() => window.quicksand.drawn());
      const zoom = (await page.evaluate(() => window.quicksand.view())).zoom;
      assert.ok(zoom > 2, `the pinch zoomed in (zoom ${zoom})`);
      await page.evaluate(() => window.quicksand.stepAndWait(1));
      assert.equal((await page.evaluate(() => window.quicksand.counts())).wall, dot, 'the pinch painted nothing');

      // The negative control: one finger making the same move paints.
      await pinch(page, { cx: centre.x, cy: centre.y + 40, from: 60, to: 220, fingers: 1 });
      await page.evaluate(() => window.quicksand.stepAndWait(1));
      assert.ok((await page.evaluate(() => window.quicksand.counts())).wall > dot, 'one finger paints');
      await saveScreenshot(page, 'phone-view');
    },
    { viewport: PHONE },
  );
});

/** The first screens are compared at this step (they start playing at once). */
const FIRST_SCREEN_STEPS = 600;

/** What the first screen shows: the Valley's materials, the hint, the scene picker's choice, its hash at FIRST_SCREEN_STEPS. */
function firstScreen(page) {
  return page.evaluate(async (FIRST_SCREEN_STEPS) => {
    const q = window.quicksand;
    await q.pause();
    const counts = await q.counts();
    return {
      counts,
      scene: document.querySelector('#scene').selectedOptions[0]?.textContent,
      group: document.querySelector('#scene').selectedOptions[0]?.parentElement.label,
      hint: Boolean(document.querySelector('#first-hint')?.getClientRects().length),
      // The same step on every load, so that the hashes compare the worlds.
      hash: await (async () => {
        const at = q.stepCount();
        if (at > FIRST_SCREEN_STEPS) return `already at step ${at}`;
        await q.stepAndWait(FIRST_SCREEN_STEPS - at);
        return q.hash();
      })(),
    };
  }, FIRST_SCREEN_STEPS);
}

test('the first screen is the Valley, the same every time, with a hint that goes after the first stroke', options, async (t) => {
  const hashes = [];
  for (const round of [0, 1]) {
    await withGame(t, browser, server, { threads: 2, size: 256 }, async (page) => {
      const first = await firstScreen(page);
      assert.equal(first.scene, 'Valley', 'the first scene is the Valley');
      assert.equal(first.group, 'Worlds', 'among the worlds, not the benchmarks');
      for (const name of ['sand', 'water', 'plant', 'stone']) assert.ok(first.counts[name] > 0, `the valley has ${name}`);
      assert.equal(first.hint, true, 'the first-visit hint shows');
      hashes.push(first.hash);
      if (round === 1) return;
      await saveScreenshot(page, 'first-screen-desktop');
      const rect = await page.evaluate(() => window.quicksand.worldRect());
      const y = rect.y + rect.height * 0.2;
      await page.mouse.move(rect.x + rect.width * 0.3, y);
      await page.mouse.down();
      await page.mouse.move(rect.x + rect.width * 0.6, y, { steps: 4 });
      await page.mouse.up();
      await page.waitFor('#first-hint', { state: 'hidden' });
    });
  }
  // A fixed seed: both loads built the same valley, shades and all.
  assert.match(hashes[0], /^[0-9a-f]{16}$/, `a hash at step ${FIRST_SCREEN_STEPS}`);
  assert.equal(hashes[0], hashes[1], 'the first screen is the same on every load');
  // The negative control: another seed, another valley (the same shapes, other shades).
  await withGame(t, browser, server, { threads: 2, size: 256, seed: 1 }, async (page) => {
    assert.notEqual((await firstScreen(page)).hash, hashes[0], '?seed=1 builds another world');
  });
});

test('the first screen on a phone', { ...options, ...CHROMIUM_ONLY }, async (t) => {
  await withGame(
    t,
    browser,
    server,
    { threads: 2 },
    async (page) => {
      const first = await firstScreen(page);
      assert.equal(first.scene, 'Valley');
      assert.ok(first.counts.water > 0 && first.counts.sand > 0, 'the valley fits the phone');
      await saveScreenshot(page, 'first-screen-phone');
    },
    { viewport: PHONE },
  );
});
