// A scripted sequence (tests/browser/scripted-sequence.json: a world, a
// scene, strokes at given steps) replayed through window.quicksand must
// reach the very hash the wasmtime harness computes for it
// (tests/tests/scripted.rs writes it to target/scripted-hash.txt), in every
// engine: on two workers, on one, and in the single-threaded fallback where
// the engine has threads; in the fallback, isolated and not, where it has
// none (WebKitGTK).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, ENGINE, launchBrowser } from './support/browser.js';
import { REPO, startServer } from './support/server.js';
import { withGame } from './support/game.js';

const TEST_TIMEOUT_MS = 120_000;
const SEQUENCE = JSON.parse(readFileSync(new URL('./scripted-sequence.json', import.meta.url), 'utf8'));
const HASH_FILE = path.join(REPO, 'target/scripted-hash.txt');
const HASH_PATTERN = /^[0-9a-f]{16}$/;

/** The harness's hash: $QS_EXPECTED_SCRIPTED_HASH, else target/scripted-hash.txt; null if neither. */
function expectedHash() {
  const raw = process.env.QS_EXPECTED_SCRIPTED_HASH ?? (existsSync(HASH_FILE) ? readFileSync(HASH_FILE, 'utf8') : null);
  if (raw === null) return null;
  const hash = raw.trim().toLowerCase().replace(/^0x/, '');
  assert.match(hash, HASH_PATTERN, `the expected hash "${raw.trim()}" is not 16 hex digits`);
  return hash;
}

/** Runs the sequence in the page: to each stroke's `at`, paint, on to `steps_total`. */
function replay(page) {
  return page.evaluate(async (sequence) => {
    const q = window.quicksand;
    await q.newWorld({ width: sequence.width, height: sequence.height, seed: sequence.seed, scene: sequence.scene });
    let done = 0;
    for (const s of sequence.strokes) {
      if (s.at > done) {
        await q.stepAndWait(s.at - done);
        done = s.at;
      }
      const code = q.paint(s.x0, s.y0, s.x1, s.y1, s.radius, s.material);
      if (code !== 0) throw new Error(`paint ${JSON.stringify(s)} failed with ${code}`);
    }
    await q.stepAndWait(sequence.steps_total - done);
    return { hash: await q.hash(), steps: q.stepCount(), mode: q.mode, workers: q.workers };
  }, SEQUENCE);
}

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

test(`the scripted sequence (${SEQUENCE.steps_total} steps, ${SEQUENCE.strokes.length} strokes) reaches the wasmtime harness's hash`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const runs = [];
  await withGame(t, browser, isolated, { threads: 2, size: 256 }, async (page) => {
    runs.push(await replay(page));
    if (!ENGINE.threads) return;
    await page.evaluate(() => window.quicksand.setThreads(1));
    runs.push(await replay(page));
  });
  await withGame(t, browser, plain, { size: 256 }, async (page) => {
    runs.push(await replay(page));
  });
  for (const run of runs) t.diagnostic(`${run.mode} (${run.workers} workers): ${run.hash} after ${run.steps} steps`);
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(path.join(ARTIFACTS, 'scripted-hash-browser.txt'), `${runs[0].hash}\n`);
  console.log(`scripted sequence hash in ${ENGINE.name}: ${runs[0].hash}`);

  const expectedRuns = ENGINE.threads ? [['threads', 2], ['threads', 1], ['single', 0]] : [['single', 0], ['single', 0]];
  assert.deepEqual(runs.map((r) => [r.mode, r.workers]), expectedRuns);
  for (const run of runs) {
    assert.match(run.hash, HASH_PATTERN);
    assert.equal(run.steps, SEQUENCE.steps_total);
    assert.equal(run.hash, runs[0].hash, `${run.mode} with ${run.workers} workers differs from the first run`);
  }
  const expected = expectedHash();
  assert.ok(
    expected,
    'no expected hash: run `cargo test --release -p quicksand-tests --test scripted` (writes target/scripted-hash.txt) ' +
      `or set QS_EXPECTED_SCRIPTED_HASH; the browser computed ${runs[0].hash}`,
  );
  assert.equal(runs[0].hash, expected, `${ENGINE.name} and the wasmtime harness disagree`);
});
