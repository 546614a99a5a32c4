// The replay UI (www/replay-bar.js, www/share-link.js) in the real page:
// a link that cannot be read says so and the page opens its normal first
// world; a session saved as a replay and opened as a share link plays to
// its end with ✓ and the recorded hash; the scrub bar seeks to the exact
// world of that step, also while dragging with the real mouse.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { MATERIAL, SCENE } from '../../www/pkg/abi.js';
import { replayLinkFor } from '../../www/share-link.js';
import { launchBrowser, openPage, saveScreenshot } from './support/browser.js';
import { startServer } from './support/server.js';
import { eventually, withGame } from './support/game.js';

const TEST_TIMEOUT_MS = 180_000;
const SIZE = 128;
/** A replay plays at most this long here (a few hundred steps at 1× take seconds). */
const PLAYBACK_TIMEOUT_MS = 60_000;
const options = { timeout: TEST_TIMEOUT_MS };

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

/**
 * As support/game.js `withGame`, for a page opened on `url` itself (a
 * share link's fragment): a screenshot kept, the page closed, and no
 * errors logged.
 */
async function withPage(t, url, body) {
  const page = await openPage(browser, url);
  let problems = [];
  try {
    await body(page);
  } finally {
    await saveScreenshot(page, t.name).catch(() => {});
    problems = await page.collectProblems().catch((error) => [`could not read the page's problems: ${error.message}`]);
    await page.close();
  }
  assert.deepEqual(problems, [], 'the page logged errors');
}

const hook = (page, name) => page.evaluate((member) => window.quicksand[member](), name);
const text = (page, selector) => page.evaluate((s) => document.querySelector(s)?.textContent ?? null, selector);
const barShown = (page) => page.evaluate(() => !document.getElementById('replay-bar').hidden);
/** What the bar shows now: its step and last step (the numbers of "step x / y"), whether it is seeking, its verdict. */
const barState = (page) =>
  page.evaluate(() => {
    const [step, end] = document.querySelector('#replay-position .replay-steps').textContent.split('/').map((n) => Number(n.replace(/[^0-9]/g, '')));
    const verdict = document.getElementById('replay-verdict');
    return {
      step,
      end,
      seeking: document.getElementById('replay-position').classList.contains('seeking'),
      scrub: Number(document.getElementById('replay-scrub').value),
      verdict: verdict.textContent,
      matches: verdict.classList.contains('matches'),
      differs: verdict.classList.contains('differs'),
    };
  });

/** Waits until the bar shows `step`, settled (no seek under way), and the world is there. */
async function settledAt(page, step) {
  return eventually(
    async () => {
      const state = await barState(page);
      return state.step === step && !state.seeking ? state : null;
    },
    { timeoutMs: PLAYBACK_TIMEOUT_MS, message: `the replay bar to settle at step ${step}` },
  );
}

test('a share link that cannot be read says why, and the page opens a normal (empty) world', options, async (t) => {
  // Bad characters, then a cut-off link: both fail in share-link.js, before any codec.
  for (const fragment of ['#replay=not*base64url', '#replay=AAAAA']) {
    await withPage(t, `${server.url}?threads=2&size=${SIZE}&renderer=webgl${fragment}`, async (page) => {
      await page.waitFor('#toast', { text: "This link's replay could not be read" });
      const message = await text(page, '#toast');
      assert.match(message, fragment.includes('*') ? /contains "\*"/ : /cut off/, `the message names the problem: ${message}`);
      assert.equal(await barShown(page), false, 'no replay bar');
      assert.equal(await page.evaluate(() => window.quicksand.fault), null, 'no fault');
      // The normal first world, playing: it steps, and the live controls are there.
      assert.deepEqual(await page.evaluate(() => window.quicksand.world), { width: SIZE, height: SIZE });
      const before = await hook(page, 'stepCount');
      await eventually(async () => (await hook(page, 'stepCount')) > before, { message: 'the world to step' });
      assert.equal(await page.isVisible('#play'), true, 'the live Play button is shown');
      assert.equal(await page.isVisible('#save-replay'), true, 'and Save replay');
    });
  }
});

/**
 * A short session on a paused world: strokes at known steps, with the
 * world's hash `MIDDLE` steps after the pause, saved with the Save replay
 * button. Resolves with `{ bytes, finalHash, finalStep, middleHash, start }`.
 */
const MIDDLE = 40;
const LAST = 90;
async function recordSession(t) {
  let session;
  await withGame(t, browser, server, { threads: 2, size: SIZE, scene: SCENE.EMPTY, seed: 7 }, async (page) => {
    const start = await page.evaluate(async (ids) => {
      const q = window.quicksand;
      await q.pause();
      const first = q.stepCount();
      q.paint(20, 10, 100, 10, 4, ids.sand);
      await q.stepAndWait(10);
      q.paint(60, 30, 60, 30, 6, ids.water);
      await q.stepAndWait(10);
      return first;
    }, { sand: MATERIAL.SAND, water: MATERIAL.WATER });
    const middleHash = await page.evaluate(async (toMiddle) => {
      await window.quicksand.stepAndWait(toMiddle);
      return window.quicksand.hash();
    }, start + MIDDLE - (await hook(page, 'stepCount')));
    // Not at MIDDLE itself: a seek shows a step's world with the commands of that boundary applied.
    await page.evaluate(async ({ ids, rest }) => {
      const q = window.quicksand;
      await q.stepAndWait(5);
      q.paint(10, 60, 110, 70, 3, ids.wall);
      await q.stepAndWait(rest - 5);
    }, { ids: { wall: MATERIAL.WALL }, rest: LAST - MIDDLE });
    const finalStep = await hook(page, 'stepCount');
    const finalHash = await hook(page, 'hash');
    const file = await page.download(() => page.click('#save-replay'));
    assert.match(file.name, /\.qsreplay$/, `the download is a replay: ${file.name}`);
    session = { bytes: file.bytes, finalHash, finalStep, middleHash, start };
  });
  return session;
}

test('a replay opened by link plays to its end and matches the recording; the scrub bar seeks exactly', options, async (t) => {
  const session = await recordSession(t);
  const link = replayLinkFor(new Uint8Array(session.bytes), server.url);
  assert.ok(link.url, `a ${session.bytes.length}-byte replay gets a link`);

  await withPage(t, link.url.replace('/#', `/?threads=2&renderer=webgl#`), async (page) => {
    await page.waitFor('#replay-bar');
    assert.equal(await page.isVisible('#save-replay'), false, 'the live-only buttons are hidden while watching');
    const shown = await barState(page);
    assert.equal(shown.end, session.finalStep, 'the bar ends at the recorded last step');

    // It plays to the end by itself and says the hash matches.
    await page.evaluate(() => window.quicksand.ready);
    const end = await eventually(async () => {
      const state = await barState(page);
      return state.verdict ? state : null;
    }, { timeoutMs: PLAYBACK_TIMEOUT_MS, message: 'the verdict at the end' });
    assert.equal(end.matches, true, `✓ at the end: ${end.verdict}`);
    assert.equal(end.differs, false);
    assert.match(end.verdict, /^✓ matches the recording/);
    assert.ok(end.verdict.includes(session.finalHash), `the bar shows the recorded hash ${session.finalHash}: ${end.verdict}`);
    assert.equal(end.step, session.finalStep);
    assert.equal(await hook(page, 'hash'), session.finalHash, 'the world is the recorded one');

    // Seek back to the middle (as a release on the scrub bar does): the exact world of that step.
    await page.evaluate((step) => {
      const scrub = document.getElementById('replay-scrub');
      scrub.value = String(step);
      scrub.dispatchEvent(new Event('input', { bubbles: true }));
      scrub.dispatchEvent(new Event('change', { bubbles: true }));
    }, session.start + MIDDLE);
    await settledAt(page, session.start + MIDDLE);
    assert.equal(await hook(page, 'stepCount'), session.start + MIDDLE);
    assert.equal(await hook(page, 'hash'), session.middleHash, 'the world after seeking is the one recorded at that step');
    assert.equal((await barState(page)).verdict, '', 'no verdict before the end');

    // A real drag across the scrub bar: seeks while dragging, and lands where it was released.
    await page.evaluate(() => window.quicksand.pause());
    const track = await page.evaluate(() => {
      const r = document.getElementById('replay-scrub').getBoundingClientRect();
      return { left: r.left, right: r.right, y: r.top + r.height / 2 };
    });
    const at = (share) => track.left + (track.right - track.left) * share;
    await page.mouse.move(at(0.5), track.y);
    await page.mouse.down();
    for (const share of [0.4, 0.3, 0.2, 0.1]) await page.mouse.move(at(share), track.y, { steps: 3 });
    await page.mouse.up();
    const released = (await barState(page)).scrub;
    assert.ok(released < session.start + MIDDLE, `the thumb went back with the pointer (to ${released})`);
    const landed = await settledAt(page, released);
    assert.equal(landed.scrub, released, 'the thumb stays where it was released');
    assert.equal(await hook(page, 'stepCount'), released, 'the world is at the released step');
  });
});
