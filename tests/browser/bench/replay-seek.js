// The browser bench's replay group (`--replay`): the seek targets.
// A scripted session of `--replay-minutes` at 60 strokes a second on 1024²
// (scripted-session.js) is recorded in the page on 2 workers: its commands
// are queued with their steps through the hook (`queueCommandsAt`) and run
// through with `stepAndWait`, so recording takes as long as simulating,
// not ten minutes of real time (the native bench's replay group cannot
// write its replay to a file). The page's recorder builds the `.qsreplay`
// from the sim's command log, as for a real session.
//
// Then, for each worker count, a fresh page loads it and
//   indexing: seeks forward through SEEK_COUNT random positions and on to
//             the end, a straight run from the start in which the player
//             takes its keyframes; each position's hash is kept;
//   seeking:  seeks to the same positions in a shuffled order (backwards
//             and forwards), each timed in the page from the call to the
//             world shown, each checked against the straight run's hash.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { SEED, SIDE, scriptedSession } from './scripted-session.js';
import { LIMITS } from '../../../www/pkg/abi.js';
import { decodeReplay } from '../../../www/replay-format.js';

export const SEEK_TARGET_MS = 1000;
const SEEK_COUNT = 20;
/** The straight run passes these steps too: one seek call at most this long, well within the driver's timeout. */
const WAYPOINT_STEPS = 1000;
const POLL_MS = 20;
/** A seek still running after this long says where it is (on stderr). */
const SLOW_SEEK_MS = 30_000;
const TARGET_WORKERS = 2;
/** Commands per recording run: what the sim's ring holds, so each is in it before its step. */
const RING = LIMITS.PAINT_RING_CAPACITY;
const RECORD_TIMEOUT_MS = 30 * 60_000;
/** Recording says how far it got every this many steps (on stderr). */
const PROGRESS_STEPS = 3600;

/** xorshift32 for the positions: the same on every run. */
function positions(count, start, end) {
  let x = 0x9e3779b9;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
  const picked = Array.from({ length: count }, () => start + Math.floor(next() * (end - start + 1)));
  const shuffled = [...picked];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
  }
  return { sorted: [...picked].sort((a, b) => a - b), shuffled };
}

/** Records the scripted session in a page on `workers` workers; resolves with the `.qsreplay` bytes and the seconds it took. */
async function record(browser, server, openPage, minutes) {
  const { frames, commands } = scriptedSession(minutes);
  const page = await openPage(browser, `${server.url}?${new URLSearchParams({ threads: TARGET_WORKERS, size: SIDE, scene: 0, seed: SEED })}`);
  try {
    await page.evaluate(() => window.quicksand.ready);
    await page.evaluate(([side, seed]) => window.quicksand.newWorld({ width: side, height: side, seed, scene: 0 }), [SIDE, SEED]);
    const started = Date.now();
    // Runs of at most a ring's worth of commands, ending before the step of the first one left out.
    let next = 0;
    let step = 0;
    while (step < frames) {
      const last = Math.min(commands.length, next + RING);
      const to = last < commands.length ? Math.min(frames, commands[last].step) : frames;
      let end = next;
      while (end < commands.length && commands[end].step < to) end++;
      await page.evaluate(
        async ([batch, steps]) => {
          window.quicksand.queueCommandsAt(batch);
          await window.quicksand.stepAndWait(steps);
        },
        [commands.slice(next, end), to - step],
      );
      next = end;
      if (Math.floor(to / PROGRESS_STEPS) > Math.floor(step / PROGRESS_STEPS)) process.stderr.write(`  recording: step ${to} of ${frames}, ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
      step = to;
      if (Date.now() - started > RECORD_TIMEOUT_MS) throw new Error('recording the scripted session took too long');
    }
    const bytes = new Uint8Array(await page.evaluate(async () => [...(await window.quicksand.replay())]));
    const problems = await page.collectProblems();
    if (problems.length) throw new Error(`the page reported: ${problems.join('; ')}`);
    return { bytes, commands: commands.length, seconds: (Date.now() - started) / 1000 };
  } finally {
    await page.close();
  }
}

/** Loads the replay on `workers` workers, indexes it, then times the seeks. */
async function seeks(browser, server, openPage, bytes, workers, targets) {
  const page = await openPage(browser, `${server.url}?${new URLSearchParams({ threads: workers, size: 64, scene: 0, seed: SEED })}`);
  try {
    await page.evaluate(() => window.quicksand.ready);
    const loaded = await page.evaluate((list) => window.quicksand.loadReplay(new Uint8Array(list)), [...bytes]);
    if (!loaded.ok) throw new Error(loaded.message);
    // A seek is started in the page and polled from here: a long one must not run into the driver's call timeout.
    const run = async (list) => {
      const out = [];
      for (const mark of list) {
        await page.evaluate((m) => {
          const start = performance.now();
          window.benchSeek = null;
          window.quicksand.seek(m).then(
            async (state) => {
              const ms = performance.now() - start;
              window.benchSeek = { mark: m, step: state.step, ms, hash: await window.quicksand.hash() };
            },
            (error) => {
              window.benchSeek = { error: String(error) };
            },
          );
        }, mark);
        const polled = Date.now();
        let done = null;
        while (!done) {
          await new Promise((resolve) => setTimeout(resolve, POLL_MS));
          done = await page.evaluate(() => window.benchSeek);
          if (!done && Date.now() - polled > SLOW_SEEK_MS) {
            const state = await page.evaluate(() => window.quicksand.replayState());
            process.stderr.write(`  seek to ${mark}: still at step ${state.step} after ${((Date.now() - polled) / 1000).toFixed(0)} s (restarts ${state.restarts})\n`);
          }
        }
        if (done.error) throw new Error(`seeking to ${mark}: ${done.error}`);
        out.push(done);
      }
      return out;
    };
    const { end } = await page.evaluate(() => window.quicksand.replayState());
    const indexStart = Date.now();
    // Through waypoints too, so that no one call runs for minutes.
    const waypoints = Array.from({ length: Math.floor(end / WAYPOINT_STEPS) }, (_, i) => (i + 1) * WAYPOINT_STEPS);
    const marks = new Set(targets.sorted);
    const passed = await run([...new Set([...targets.sorted, ...waypoints])].sort((a, b) => a - b).concat([end]));
    const indexSeconds = (Date.now() - indexStart) / 1000;
    const final = passed.pop();
    const straight = passed.filter((s) => marks.has(s.mark));
    const state = await page.evaluate(() => window.quicksand.replayState());
    const keyframes = await page.evaluate(() => window.quicksand.replayKeyframes());
    const expected = new Map(straight.map((s) => [s.mark, s.hash]));
    const timed = await run(targets.shuffled);
    const after = await page.evaluate(() => window.quicksand.replayState());
    const problems = await page.collectProblems();
    if (problems.length) throw new Error(`the page reported: ${problems.join('; ')}`);
    const wrong = timed.filter((s) => s.hash !== expected.get(s.mark) || s.step !== s.mark);
    const ms = timed.map((s) => s.ms).sort((a, b) => a - b);
    return {
      workers,
      indexSeconds,
      finalMatches: final.hash === state.hash && state.matches === true,
      keyframes,
      seekMaxMs: ms[ms.length - 1],
      seekMedianMs: ms[ms.length >> 1],
      seeks: timed.length,
      wrong: wrong.length,
      restarts: after.restarts,
      mismatches: after.mismatches,
    };
  } finally {
    await page.close();
  }
}

/** Runs the group: prints its lines (and JSON rows with `json`); returns the rows. */
export async function replayGroup({ browser, server, openPage, minutes, workers, json, file = null }) {
  console.log(`\nreplay: a scripted ${minutes}-minute session at 60 strokes/s on ${SIDE}², recorded in the page on ${TARGET_WORKERS} workers`);
  let recorded;
  if (file && existsSync(file)) {
    recorded = { bytes: new Uint8Array(readFileSync(file)), commands: scriptedSession(minutes).commands.length, seconds: NaN };
    console.log(`  (the recording of ${file}; delete it to record again)`);
  } else {
    recorded = await record(browser, server, openPage, minutes);
    if (file) writeFileSync(file, recorded.bytes);
  }
  const replay = await decodeReplay(recorded.bytes);
  const events = replay.segments.reduce((n, s) => n + s.events.length, 0);
  console.log(`  ${recorded.commands} commands scripted, ${events} events recorded, ${replay.finalStep} steps, recorded in ${recorded.seconds.toFixed(1)} s: ${recorded.bytes.length} bytes`);
  const targets = positions(SEEK_COUNT, 0, replay.finalStep);
  const rows = [];
  console.log('\n| workers | indexing s | keyframes | keyframe MB (stored) | spacing | seeks | seek max ms | seek median ms | wrong hashes | restarts | final hash |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const count of workers) {
    const result = await seeks(browser, server, openPage, recorded.bytes, count, targets);
    const row = { engine: 'browser', scene: 'replay', size: SIDE, minutes, steps: replay.finalStep, replay_bytes: recorded.bytes.length, events, ...result };
    rows.push(row);
    const k = result.keyframes;
    console.log(
      `| ${count} | ${result.indexSeconds.toFixed(1)} | ${k.count} | ${(k.bytes / 2 ** 20).toFixed(1)} | ${k.spacing} | ${result.seeks} | ${result.seekMaxMs.toFixed(0)} | ${result.seekMedianMs.toFixed(0)} | ${result.wrong} | ${result.restarts} | ${result.finalMatches ? 'matches' : 'DIFFERS'} |`,
    );
  }
  if (json) for (const row of rows) console.log(JSON.stringify(row));
  console.log(`\nreplay targets (${minutes}-minute session${minutes === 10 ? '' : '; the issue asks for 10'})`);
  for (const row of rows) {
    if (row.workers === TARGET_WORKERS) console.log(`  [${row.seekMaxMs <= SEEK_TARGET_MS ? 'pass' : 'FAIL'}] seek to any step ≤ ${SEEK_TARGET_MS} ms, ${SIDE}², ${row.workers} workers: max ${row.seekMaxMs.toFixed(0)} ms (median ${row.seekMedianMs.toFixed(0)})`);
    console.log(`  [${row.wrong === 0 && row.finalMatches ? 'pass' : 'FAIL'}] seeks land on the straight run's hashes, ${row.workers} worker(s): ${row.seeks - row.wrong}/${row.seeks}, final hash ${row.finalMatches ? 'matches' : 'differs'}`);
  }
  return rows;
}
