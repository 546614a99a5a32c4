// The worker `detectThreadSupport` (thread-support.js) starts: it says hello,
// then writes PROBE_WORD into the shared memory it is sent and checks that
// it may wait on it (what the real workers' blocking imports do). Never
// instantiates anything.

import { MSG, describeError } from './protocol.js';
import { PROBE_WORD } from './thread-support.js';
import { parentChannel } from './platform.js';

const parent = await parentChannel();

function answer({ memory }) {
  if (!(memory instanceof WebAssembly.Memory)) throw new Error(`the worker received ${Object.prototype.toString.call(memory)}, not a WebAssembly.Memory`);
  const words = new Int32Array(memory.buffer);
  Atomics.store(words, 0, PROBE_WORD);
  // A zero timeout: only whether waiting is allowed here, never a real wait.
  Atomics.wait(words, 1, 0, 0);
}

parent.onUnreadable(() => parent.post({ type: MSG.PROBE_ANSWER, ok: false, message: 'the worker could not read the shared memory it was sent' }));
parent.onMessage((message) => {
  if (message.type !== MSG.PROBE) return;
  try {
    answer(message);
    parent.post({ type: MSG.PROBE_ANSWER, ok: true });
  } catch (error) {
    parent.post({ type: MSG.PROBE_ANSWER, ok: false, message: describeError(error) });
  }
});
parent.post({ type: MSG.PROBE_HELLO });
