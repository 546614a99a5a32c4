// The sim's negative return codes as words, and the page's own error type.
// The codes and their messages come from abi.js, which ./build.sh generates
// from sim/src/abi/constants.rs.

import { ERROR_MESSAGE } from './pkg/abi.js';

export function describeCode(code) {
  return `${ERROR_MESSAGE[code] ?? 'error'} (${code})`;
}

/** A failure the page reports to the player; `code` is the sim's, if any. */
export class EngineError extends Error {
  constructor(message, code = null) {
    super(message);
    this.name = 'EngineError';
    this.code = code;
  }
}

/** Returns `value` when the export succeeded, else throws an EngineError. */
export function check(what, value) {
  if (value < 0) throw new EngineError(`${what} failed: ${describeCode(value)}`, value);
  return value;
}
