// The one place that differs between browsers and Node: how a worker is
// started and how its messages and failures arrive. Everything else in the
// loader is the same code on both.

const isNode = typeof process !== 'undefined' && Boolean(process.versions?.node) && typeof window === 'undefined';

/**
 * Starts a worker from an ES-module URL and returns a small handle:
 * `{ post(message), onMessage(fn), onFailure(fn), terminate() }`.
 * `onFailure` fires with an Error when the worker's script throws or the
 * worker exits unexpectedly.
 */
export async function startWorker(url, name) {
  if (isNode) {
    const { Worker } = await import('node:worker_threads');
    const worker = new Worker(url, { name });
    let exiting = false;
    return {
      post: (message) => worker.postMessage(message),
      onMessage: (fn) => worker.on('message', fn),
      onFailure: (fn) => {
        worker.on('error', (error) => fn(error instanceof Error ? error : new Error(String(error))));
        worker.on('exit', (code) => {
          if (!exiting) fn(new Error(`worker ${name} exited with code ${code}`));
        });
      },
      terminate: () => {
        exiting = true;
        return worker.terminate();
      },
    };
  }
  const worker = new Worker(url, { type: 'module', name });
  return {
    post: (message) => worker.postMessage(message),
    onMessage: (fn) => worker.addEventListener('message', (event) => fn(event.data)),
    onFailure: (fn) => {
      worker.addEventListener('error', (event) => {
        event.preventDefault();
        fn(new Error(event.message || `worker ${name} failed to load ${url}`));
      });
      worker.addEventListener('messageerror', () => fn(new Error(`worker ${name} received a message it could not read`)));
    },
    terminate: () => worker.terminate(),
  };
}

/**
 * How the worker script talks to the page (`self`) or to Node's parent.
 * `onUnreadable(fn)` fires when a message arrived that could not be read.
 */
export async function parentChannel() {
  if (isNode) {
    const { parentPort } = await import('node:worker_threads');
    return {
      post: (m) => parentPort.postMessage(m),
      onMessage: (fn) => parentPort.on('message', fn),
      onUnreadable: (fn) => parentPort.on('messageerror', fn),
    };
  }
  return {
    post: (m) => self.postMessage(m),
    onMessage: (fn) => self.addEventListener('message', (e) => fn(e.data)),
    onUnreadable: (fn) => self.addEventListener('messageerror', fn),
  };
}

/** Reads a URL or path into bytes in either environment. */
export async function fetchBytes(source) {
  if (isNode && !(typeof source === 'string' && /^https?:/.test(source))) {
    const { readFile } = await import('node:fs/promises');
    return new Uint8Array(await readFile(source instanceof URL ? source : new URL(source, `file://${process.cwd()}/`)));
  }
  const response = await fetch(source);
  if (!response.ok) throw new Error(`fetching ${source}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}
