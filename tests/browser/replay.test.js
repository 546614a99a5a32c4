// Replays (docs/REPLAY_FORMAT.md) end to end, in Chromium: a session
// painted with the real mouse (the brush, the line and the box tools),
// with undo and redo, is taken through the hook as a `.qsreplay` with its
// hash; the native player (`quicksand-tools replay FILE --threads T`)
// reaches that hash on 1, 2, 4 and 16 threads, and a replay with one
// stroke moved does not (the negative control); a fresh page loading the
// replay reaches it too; and seeking backwards and forwards, from the
// player's keyframes, lands on the hashes a straight playback passed.
//
// Chromium only: it runs the native tool four times and plays the replay
// twice; the page code is the same in every engine, but this test was
// only run in Chromium.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { COMMAND, SCENE } from '../../www/pkg/abi.js';
import { ERASER } from '../../www/materials.js';
import { decodeReplay, encodeReplay } from '../../www/replay-format.js';
import { ENGINE, launchBrowser } from './support/browser.js';
import { REPO, startServer } from './support/server.js';
import { eventually, mouseStroke, withGame } from './support/game.js';

const TEST_TIMEOUT_MS = 240_000;
const SIZE = 128;
const TOOL = path.join(REPO, 'target', 'release', 'quicksand-tools');
const THREADS = [1, 2, 4, 16];
/** The player's keyframes this far apart, so that the seeks below start from some. */
const KEYFRAME_STEPS = 40;
const HASH = /\b[0-9a-f]{16}\b/g;


let server;
let browser;
let scratch;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  scratch = mkdtempSync(path.join(tmpdir(), 'quicksand-replay-'));
});

after(async () => {
  await browser?.close();
  server?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** The hash `quicksand-tools replay` prints for `file` on `threads` threads (the last 16-hex-digit word it prints). */
function nativeHash(file, threads) {
  const out = execFileSync(TOOL, ['replay', file, '--threads', String(threads)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const hashes = out.match(HASH);
  assert.ok(hashes, `quicksand-tools printed no hash: ${out}`);
  return hashes[hashes.length - 1];
}

/** Waits until every stroke and command reached the world, then its hash and step count. */
async function settled(page) {
  await eventually(() => page.evaluate(() => window.quicksand.history().waiting === 0), { message: 'the queued strokes and commands to apply' });
  return page.evaluate(async () => ({ hash: await window.quicksand.hash(), steps: window.quicksand.stepCount() }));
}

async function step(page, n) {
  await page.evaluate((steps) => window.quicksand.stepAndWait(steps), n);
}

test('a painted session replays to its hash natively on every thread count, in a fresh page, and when seeking', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  assert.ok(existsSync(TOOL), `${TOOL} is missing: cargo build --release -p quicksand-tools`);
  let recorded;
  let bytes;
  await withGame(t, browser, server, { threads: 2, size: SIZE, scene: SCENE.MIXED, seed: 7 }, async (page) => {
    await page.evaluate(() => window.quicksand.pause());
    await step(page, 12);
    // The brush, paused (applied at once), then steps.
    await mouseStroke(page, [10, 10], [100, 40], { moves: 5 });
    await settled(page);
    await step(page, 9);
    // The line tool (L), and the box (R).
    await page.keyboard.press('l');
    await mouseStroke(page, [20, 100], [110, 70], { moves: 4 });
    await settled(page);
    await step(page, 7);
    await page.keyboard.press('r');
    await mouseStroke(page, [60, 60], [90, 95], { moves: 3 });
    await settled(page);
    await step(page, 30);
    // Undo the box a few steps later, redo it, undo it again; one more undo that has something to undo.
    await page.keyboard.press('z');
    await settled(page);
    await step(page, 20);
    await page.keyboard.press('Control+y');
    await settled(page);
    await step(page, 25);
    await page.keyboard.press('z');
    await page.keyboard.press('z');
    await settled(page);
    await step(page, 15);
    // And an erasing brush stroke (it changes whatever it crosses) while the crew plays.
    await page.keyboard.press('b');
    await page.evaluate(() => window.quicksand.play());
    if (ENGINE.rightButton) {
      await mouseStroke(page, [30, 110], [120, 115], { moves: 6, button: 'right' });
    } else {
      // WebKitGTK's WebDriver never releases the right button (support/engines.js): the eraser from the palette instead.
      await page.click(`.material[data-material="${ERASER}"]`);
      await mouseStroke(page, [30, 110], [120, 115], { moves: 6 });
    }
    await page.evaluate(() => window.quicksand.pause());
    await step(page, 10);
    recorded = await settled(page);
    bytes = Buffer.from(await page.evaluate(async () => [...(await window.quicksand.replay())]));
    // Taking the replay changes nothing.
    assert.equal((await settled(page)).hash, recorded.hash);
  });
  const replay = await decodeReplay(new Uint8Array(bytes));
  t.diagnostic(`replay: ${bytes.length} bytes, ${replay.segments.length} segment(s), ${replay.segments[0].events.length} events, final step ${replay.finalStep}, hash ${recorded.hash}`);
  assert.equal(replay.finalHash, recorded.hash, 'the replay holds the hash of the world it ends with');
  assert.equal(replay.finalStep, recorded.steps);
  const kinds = new Set(replay.segments.flatMap((s) => s.events.map((e) => e.kind)));
  for (const kind of [COMMAND.PAINT, COMMAND.RECT_FILLED, COMMAND.UNDO, COMMAND.REDO, COMMAND.BEGIN_STROKE]) assert.ok(kinds.has(kind), `no event of kind ${kind}`);

  // The native player, on every thread count.
  const file = path.join(scratch, 'session.qsreplay');
  writeFileSync(file, bytes);
  for (const threads of THREADS) assert.equal(nativeHash(file, threads), recorded.hash, `quicksand-tools replay --threads ${threads}`);

  // Negative control: the erasing stroke's last segment ends a few cells lower: another world.
  const moved = structuredClone(replay);
  const stroke = moved.segments[0].events.findLast((e) => e.kind === COMMAND.PAINT && e.material === ERASER);
  assert.ok(stroke, 'the replay holds no erasing stroke');
  stroke.y1 -= 6;
  const movedFile = path.join(scratch, 'moved.qsreplay');
  writeFileSync(movedFile, await encodeReplay(moved));
  assert.notEqual(nativeHash(movedFile, 2), recorded.hash, 'a moved stroke changed nothing');

  // A fresh page plays it to the same hash, and seeks land on the hashes of a straight run.
  await withGame(t, browser, server, { threads: 2, size: 64, scene: SCENE.EMPTY }, async (page) => {
    const loaded = await page.evaluate(({ list, keyframeSteps }) => window.quicksand.loadReplay(new Uint8Array(list), { keyframeSteps }), { list: [...bytes], keyframeSteps: KEYFRAME_STEPS });
    assert.deepEqual(loaded, { ok: true, message: '' });
    const state = await page.evaluate(() => window.quicksand.replayState());
    assert.deepEqual([state.start, state.end], [0, replay.finalStep]);
    const seek = (to) => page.evaluate(async (s) => {
      const reached = await window.quicksand.seek(s);
      return { ...reached, worldHash: await window.quicksand.hash() };
    }, to);
    // A straight run: forward seeks only run on.
    const marks = [15, 40, 75, 110, replay.finalStep - 5];
    const straight = {};
    for (const mark of marks) {
      const at = await seek(mark);
      assert.equal(at.step, mark);
      straight[mark] = at.worldHash;
    }
    const end = await seek(replay.finalStep);
    assert.equal(end.worldHash, recorded.hash, 'the fresh page reached the recorded hash');
    assert.deepEqual([end.hash, end.matches], [recorded.hash, true], 'the player compared the final hash');
    const afterStraight = await page.evaluate(() => window.quicksand.replayState());
    assert.ok(afterStraight.keyframes >= 3, `only ${afterStraight.keyframes} keyframes were taken`);
    // Out of order, backwards and forwards: every one from a keyframe or the start.
    for (const mark of [110, 15, 75, replay.finalStep - 5, 40, 15, replay.finalStep - 5, 110]) {
      assert.equal((await seek(mark)).worldHash, straight[mark], `seeking to step ${mark}`);
    }
    const last = await page.evaluate(() => window.quicksand.replayState());
    t.diagnostic(`seeks: ${last.keyframes} keyframes, ${last.restarts} fall-backs to an earlier keyframe or the segment start after an undo came out otherwise`);
    assert.equal((await seek(replay.finalStep)).worldHash, recorded.hash, 'back at the end');
  });
});

test('every kind of segment (FRESH, SAVE, RELOAD) replays natively and in the page to the session\'s hash', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  let recorded;
  let bytes;
  await withGame(t, browser, server, { threads: 2, size: 64, scene: SCENE.MIXED, seed: 3 }, async (page) => {
    await page.evaluate(() => window.quicksand.pause());
    await step(page, 10);
    await mouseStroke(page, [5, 5], [50, 20]);
    await settled(page);
    await step(page, 10);
    // RELOAD: a new thread count keeps the world.
    await page.evaluate(() => window.quicksand.setThreads(1));
    await step(page, 10);
    await mouseStroke(page, [5, 40], [50, 30]);
    await settled(page);
    await step(page, 5);
    const save = await page.evaluate(async () => [...(await window.quicksand.save())]);
    // FRESH: a new world of another size; then SAVE: the save loaded back.
    await page.evaluate(() => window.quicksand.newWorld({ width: 48, height: 40, seed: 9, scene: 1 }));
    await step(page, 8);
    await mouseStroke(page, [3, 3], [40, 30]);
    await settled(page);
    await step(page, 6);
    assert.equal((await page.evaluate((list) => window.quicksand.load(new Uint8Array(list)), save)).ok, true);
    await step(page, 12);
    recorded = await settled(page);
    bytes = Buffer.from(await page.evaluate(async () => [...(await window.quicksand.replay())]));
  });
  const replay = await decodeReplay(new Uint8Array(bytes));
  assert.deepEqual(replay.segments.map((s) => s.start.kind), ['fresh', 'reload', 'fresh', 'save']);
  assert.equal(replay.finalHash, recorded.hash);
  const file = path.join(scratch, 'segments.qsreplay');
  writeFileSync(file, bytes);
  for (const threads of [1, 4]) assert.equal(nativeHash(file, threads), recorded.hash, `quicksand-tools replay --threads ${threads}`);
  await withGame(t, browser, server, { threads: 2, size: 64, scene: SCENE.EMPTY }, async (page) => {
    const loaded = await page.evaluate((list) => window.quicksand.loadReplay(new Uint8Array(list), { keyframeSteps: 8 }), [...bytes]);
    assert.equal(loaded.ok, true, loaded.message);
    const seek = (to) => page.evaluate(async (s) => ({ ...(await window.quicksand.seek(s)), worldHash: await window.quicksand.hash() }), to);
    const { end } = await page.evaluate(() => window.quicksand.replayState());
    const straight = {};
    for (const mark of [15, 25, 40, 55, end - 3]) straight[mark] = (await seek(mark)).worldHash;
    assert.equal((await seek(end)).worldHash, recorded.hash, 'the page played every segment to the hash');
    // Back into the RELOAD segment (its start is a pinned keyframe) and the first FRESH one, then forward.
    for (const mark of [40, 15, 55, 25, end - 3]) assert.equal((await seek(mark)).worldHash, straight[mark], `seeking to ${mark}`);
  });
});

test('a take-over from a keyframe records what a straight playback reaches: live undo cannot see the replay\'s history', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  assert.ok(existsSync(TOOL), `${TOOL} is missing: cargo build --release -p quicksand-tools`);
  let bytes;
  await withGame(t, browser, server, { threads: 2, size: 64, scene: SCENE.MIXED, seed: 5 }, async (page) => {
    await page.evaluate(() => window.quicksand.pause());
    await step(page, 10);
    await mouseStroke(page, [5, 5], [55, 15], { moves: 4 });
    await settled(page);
    await step(page, 15);
    await mouseStroke(page, [5, 30], [55, 25], { moves: 4 });
    await settled(page);
    await step(page, 10);
    await page.keyboard.press('z');
    await settled(page);
    await step(page, 10);
    await page.keyboard.press('Control+y');
    await settled(page);
    await step(page, 10);
    // The last stroke: a straight playback can undo it at the end, a world loaded from a later keyframe cannot.
    await mouseStroke(page, [10, 50], [50, 45], { moves: 4 });
    await settled(page);
    await step(page, 40);
    bytes = [...(await page.evaluate(async () => [...(await window.quicksand.replay())]))];
  });
  const replay = await decodeReplay(new Uint8Array(bytes));
  const events = replay.segments[0].events;
  const lastStroke = events.findLast((e) => e.kind === COMMAND.PAINT).step;
  const target = replay.finalStep - 5;
  const keyframeSteps = 8;
  assert.ok(target - lastStroke > 2 * keyframeSteps, `a keyframe must lie between the last stroke (step ${lastStroke}) and the seek (step ${target})`);

  let live;
  let branched;
  await withGame(t, browser, server, { threads: 2, size: 64, scene: SCENE.EMPTY }, async (page) => {
    const loaded = await page.evaluate(({ list, k }) => window.quicksand.loadReplay(new Uint8Array(list), { keyframeSteps: k }), { list: bytes, k: keyframeSteps });
    assert.equal(loaded.ok, true, loaded.message);
    // Straight to the end (keyframes on the way), then back: from the keyframe at or before the target.
    await page.evaluate((end) => window.quicksand.seek(end), replay.finalStep);
    const state = await page.evaluate((s) => window.quicksand.seek(s), target);
    assert.equal(state.step, target);
    assert.ok(state.keyframes >= 3, `only ${state.keyframes} keyframes`);
    await page.evaluate(() => window.quicksand.takeOver());
    await page.evaluate(() => window.quicksand.pause());
    // Live, while playing: a stroke and two undos, queued together so that both go to the sim at one boundary.
    // The first undoes the stroke; the second finds nothing, here and in any playback of the recording (a
    // straight playback without the RELOAD would undo the replay's last stroke instead).
    const codes = await page.evaluate(() => {
      const q = window.quicksand;
      q.play();
      const code = q.paint(8, 20, 56, 40, 3, 1);
      q.undo();
      q.undo();
      return code;
    });
    assert.equal(codes, 0);
    await settled(page);
    await page.evaluate(() => window.quicksand.pause());
    await step(page, 6);
    live = await settled(page);
    branched = [...(await page.evaluate(async () => [...(await window.quicksand.replay())]))];
  });
  const taken = await decodeReplay(new Uint8Array(branched));
  const liveUndos = taken.segments[taken.segments.length - 1].events.filter((e) => e.kind === COMMAND.UNDO).map((e) => e.result);
  t.diagnostic(`took over at step ${target} (last replay stroke at ${lastStroke}); segments ${taken.segments.map((s) => s.start.kind).join(', ')}; live undo results ${liveUndos}; hash ${live.hash}`);
  assert.deepEqual(taken.segments.map((s) => s.start.kind), ['fresh', 'reload']);
  assert.deepEqual(liveUndos, [1, 0], 'the first live undo undid the stroke, the second nothing');
  assert.equal(taken.finalHash, live.hash);
  const file = path.join(scratch, 'taken-over.qsreplay');
  writeFileSync(file, Buffer.from(branched));
  assert.equal(nativeHash(file, 2), live.hash, 'quicksand-tools replay --threads 2 reaches the browser\'s hash');
  await withGame(t, browser, server, { threads: 2, size: 64, scene: SCENE.EMPTY }, async (page) => {
    const loaded = await page.evaluate((list) => window.quicksand.loadReplay(new Uint8Array(list)), branched);
    assert.equal(loaded.ok, true, loaded.message);
    const { end: last } = await page.evaluate(() => window.quicksand.replayState());
    const end = await page.evaluate(async (s) => ({ ...(await window.quicksand.seek(s)), worldHash: await window.quicksand.hash() }), last);
    assert.equal(end.worldHash, live.hash, 'a fresh page reaches the same hash');
    assert.equal(end.mismatches, 0);
  });
});
