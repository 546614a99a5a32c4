// The message protocol between the loader and its workers. Fixed and tiny:
// every message is `{ type, ...fields }` with a namespaced type.
//
//   main → worker  INIT    { module, memory, slot, index, attachToSlot }
//   worker → main  READY   { index, stackAddress }
//   main → worker  CALL    { id, name, args }
//   worker → main  RETURN  { id, value }
//   worker → main  FAIL    { id, message }   (id is null when start-up failed)

export const MSG = Object.freeze({
  INIT: 'quicksand:init',
  READY: 'quicksand:ready',
  CALL: 'quicksand:call',
  RETURN: 'quicksand:return',
  FAIL: 'quicksand:fail',
});

/** The text of anything thrown, for a message that crosses threads. */
export function describeError(error) {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
