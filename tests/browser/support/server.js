// Starts the real `quicksand-tools serve` on a free port and stops it again.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BINARY = path.join(REPO, 'target/release/quicksand-tools');
const LISTEN_TIMEOUT_MS = 15_000;
const BUILD_TIMEOUT_MS = 600_000;
const LISTENING = /^listening on (http:\/\/127\.0\.0\.1:\d+\/)$/m;

function ensureBuilt() {
  if (existsSync(BINARY)) return;
  const build = spawnSync('cargo', ['build', '--release', '-p', 'quicksand-tools'], { cwd: REPO, stdio: 'inherit', timeout: BUILD_TIMEOUT_MS });
  if (build.status !== 0) throw new Error(`building quicksand-tools failed (status ${build.status})`);
}

/**
 * Serves www/ (cross-origin isolated unless `isolation` is false) and
 * resolves with `{ url, stop() }` once the `listening on` line appears.
 */
export async function startServer({ isolation = true } = {}) {
  ensureBuilt();
  if (!existsSync(path.join(REPO, 'www/pkg/sim.wasm'))) throw new Error('www/pkg/sim.wasm is missing: run ./build.sh first');
  const args = ['serve', '--root', path.join(REPO, 'www'), '--port', '0', ...(isolation ? [] : ['--no-isolation'])];
  const child = spawn(BINARY, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`the server printed no "listening on" line within ${LISTEN_TIMEOUT_MS} ms:\n${output}`)), LISTEN_TIMEOUT_MS);
    function fail(error) {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    }
    const read = (chunk) => {
      output += chunk;
      const match = output.match(LISTENING);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.setEncoding('utf8').on('data', read);
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      output += chunk;
    });
    child.once('exit', (code) => fail(new Error(`the server exited with ${code} before listening:\n${output}`)));
    child.once('error', fail);
  });
  return {
    url,
    stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
    },
  };
}
