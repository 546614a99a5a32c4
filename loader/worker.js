// A quicksand worker: instantiate, attach to its own slot, say READY, then
// run calls. Kept tiny on purpose: the order of the first steps is the
// whole point (see thread-slot.js `attach`).

import { MSG, describeError } from './protocol.js';
import { blockingImports } from './host-imports.js';
import { attach } from './thread-slot.js';
import { parentChannel } from './platform.js';

const parent = await parentChannel();
let exports = null;

function init({ module, memory, slot, index, attachToSlot }) {
  // The main thread initialised memory already, so this instance's start
  // function finds the linker's flag set and returns without waiting.
  const instance = new WebAssembly.Instance(module, { env: blockingImports(memory) });
  exports = instance.exports;
  if (attachToSlot) attach(exports, slot);
  parent.post({ type: MSG.READY, index, stackAddress: exports.qs_probe_stack_address() });
}

function call({ id, name, args }) {
  const fn = exports?.[name];
  if (typeof fn !== 'function') throw new Error(`no export named ${name}`);
  parent.post({ type: MSG.RETURN, id, value: fn(...args) });
}

parent.onMessage((message) => {
  try {
    if (message.type === MSG.INIT) init(message);
    else if (message.type === MSG.CALL) call(message);
  } catch (error) {
    // A trap surfaces here as a WebAssembly.RuntimeError.
    parent.post({ type: MSG.FAIL, id: message.id ?? null, message: describeError(error) });
  }
});
