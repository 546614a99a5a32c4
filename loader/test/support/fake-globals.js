// Takes a capability away for one test body, the way a browser lacks it,
// and always puts the real one back: the thread-support probe reads these
// globals, so faking them exercises its real code paths.

/** Runs `body` with `globalThis[name]` set to `value` (deleted again if it was absent). */
export async function withGlobal(target, name, value, body) {
  const had = Object.prototype.hasOwnProperty.call(target, name);
  const original = target[name];
  Object.defineProperty(target, name, { value, configurable: true, writable: true });
  try {
    return await body();
  } finally {
    if (had) Object.defineProperty(target, name, { value: original, configurable: true, writable: true });
    else delete target[name];
  }
}

/** A WebAssembly.Memory that refuses `shared: true`, as in a browser without wasm threads. */
export class MemoryWithoutSharing extends WebAssembly.Memory {
  constructor(descriptor) {
    if (descriptor?.shared) throw new TypeError('WebAssembly.Memory(): shared memory is not supported');
    super(descriptor);
  }
}

/**
 * A WebAssembly.Memory whose instances cannot be posted (they carry a
 * function, so postMessage throws a real DataCloneError), as in WebKitGTK.
 */
export function MemoryThatCannotBePosted() {
  return { buffer: new SharedArrayBuffer(65_536), grow() {} };
}
