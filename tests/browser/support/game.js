// What the browser tests do to the game page, in any engine (browser.js):
// open it on a served root, paint with real mouse events, read pixels back
// from screenshots.

import assert from 'node:assert/strict';
import { openPage, saveScreenshot } from './browser.js';
import { decodePng } from './png.js';

/** Opens the game with URL parameters (threads, size, scene, seed, renderer). */
export function openGame(browser, server, query = {}, pageOptions = {}) {
  // The suite draws with WebGL2 unless a test asks otherwise (`renderer:
  // 'canvas'`, or null for the page's own choice): these machines have no
  // GPU, where the page would pick Canvas2D (www/renderer-choice.js).
  const entries = Object.entries({ renderer: 'webgl', ...query }).filter(([, v]) => v !== null && v !== undefined);
  const search = new URLSearchParams(entries.map(([k, v]) => [k, String(v)]));
  return openPage(browser, `${server.url}?${search}`, pageOptions);
}

/**
 * Screenshots for pixel comparisons must show only the world: the stats
 * overlay (a live fps counter), the messages and the brush outline are hidden.
 */
export async function hideOverlays(page) {
  await page.addStyleTag('.test-hide-overlays :is(#stats, .messages, #brush-cursor, #readout, .shape-preview) { visibility: hidden !important; }');
  await page.evaluate(() => document.documentElement.classList.add('test-hide-overlays'));
}

/** Shows them again, for the screenshot kept as an artifact. */
export async function showOverlays(page) {
  await page.evaluate(() => document.documentElement.classList.remove('test-hide-overlays'));
}

/** A decoded screenshot taken after the page has drawn its latest upload. */
export async function capture(page) {
  await page.evaluate(() => window.quicksand.drawn());
  return decodePng(await page.screenshot());
}

/** Client positions of cells, from the page's own mapping. */
export function cellsToClient(page, cells) {
  return page.evaluate((list) => list.map(([x, y]) => window.quicksand.cellToClient(x, y)), cells);
}

/** The RGB of cell (x, y) in a decoded screenshot. */
export function cellColour(png, point) {
  const i = (Math.floor(point.y) * png.width + Math.floor(point.x)) * png.channels;
  return [png.pixels[i], png.pixels[i + 1], png.pixels[i + 2]];
}

/** A stroke with the real mouse from cell `from` to cell `to` in `moves` pointer moves. */
export async function mouseStroke(page, from, to, { moves = 3, button = 'left' } = {}) {
  const [start, end] = await cellsToClient(page, [from, to]);
  await page.mouse.move(start.x, start.y);
  await page.mouse.down({ button });
  await page.mouse.move(end.x, end.y, { steps: moves });
  await page.mouse.up({ button });
}

/** How many of `points` differ in colour between two screenshots. */
export function changedAt(a, b, points) {
  return points.filter((p) => cellColour(a, p).join() !== cellColour(b, p).join()).length;
}

/**
 * Runs `body(page)` on a fresh game page, then always saves a screenshot as
 * test-artifacts/<engine>/<test name>.png and closes the page; finally
 * asserts that the page logged no console errors and threw no uncaught
 * errors. `pageOptions` as for browser.js `openPage` (initScript, viewport).
 */
export async function withGame(t, browser, server, query, body, pageOptions = {}) {
  const page = await openGame(browser, server, query, pageOptions);
  let problems = [];
  try {
    await body(page);
  } finally {
    await showOverlays(page).catch(() => {});
    await saveScreenshot(page, t.name).catch(() => {});
    problems = await page.collectProblems().catch((error) => [`could not read the page's problems: ${error.message}`]);
    await page.close();
  }
  assert.deepEqual(problems, [], 'the page logged errors');
}

/** Polls `check()` until it returns a truthy value or `timeoutMs` passes. */
export async function eventually(check, { timeoutMs = 10_000, intervalMs = 100, message = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${message}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
