// The message protocol between the loader and its workers. Fixed and tiny:
// every message is `{ type, ...fields }` with a namespaced type.
//
//   main → worker  INIT    { module, memory, slot, index, attachToSlot }
//   worker → main  READY   { index, stackAddress }
//   main → worker  CALL    { id, name, args }
//   worker → main  RETURN  { id, value }
//   worker → main  FAIL    { id, message }   (id is null when start-up failed)
//
// The thread-support probe (thread-support.js, probe-worker.js):
//   worker → main  PROBE_HELLO   {}
//   main → worker  PROBE         { memory }   a small shared WebAssembly.Memory
//   worker → main  PROBE_ANSWER  { ok, message }

export const MSG = Object.freeze({
  INIT: 'quicksand:init',
  READY: 'quicksand:ready',
  CALL: 'quicksand:call',
  RETURN: 'quicksand:return',
  FAIL: 'quicksand:fail',
  PROBE_HELLO: 'quicksand:probe-hello',
  PROBE: 'quicksand:probe',
  PROBE_ANSWER: 'quicksand:probe-answer',
});

/** The text of anything thrown, for a message that crosses threads. */
export function describeError(error) {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
