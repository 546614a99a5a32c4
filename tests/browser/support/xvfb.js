// A virtual X display for the engines that need one: Firefox has WebGL2
// only with a display (not headless), and WebKitGTK's MiniBrowser is a GTK
// window. Each browser gets its own display, so runs never share one.

import { spawn } from 'node:child_process';

const SCREEN = '1920x1200x24';
const START_TIMEOUT_MS = 15_000;

/** Starts Xvfb on a free display; resolves with `{ display: ':N', stop() }`. */
export function startXvfb() {
  // -displayfd: Xvfb picks a free display and writes its number to fd 3.
  const child = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', SCREEN, '-nolisten', 'tcp'], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
  let errors = '';
  child.stderr.setEncoding('utf8').on('data', (chunk) => {
    errors += chunk;
  });
  return new Promise((resolve, reject) => {
    const fail = (error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error(`Xvfb named no display within ${START_TIMEOUT_MS} ms:\n${errors}`)), START_TIMEOUT_MS);
    let number = '';
    child.stdio[3].setEncoding('utf8').on('data', (chunk) => {
      number += chunk;
      if (!number.includes('\n')) return;
      clearTimeout(timer);
      resolve({
        display: `:${number.trim()}`,
        stop() {
          if (child.exitCode === null) child.kill('SIGTERM');
        },
      });
    });
    child.once('error', (error) => fail(new Error(`cannot start Xvfb (apt-get install xvfb): ${error.message}`)));
    child.once('exit', (code) => fail(new Error(`Xvfb exited with ${code}:\n${errors}`)));
  });
}
