// The sim's negative return codes (docs/ABI.md, docs/CELLS.md,
// docs/SAVE_FORMAT.md) as words, and the page's own error type.

export const CODE = Object.freeze({
  INVALID: -1,
  TOO_LARGE: -2,
  OUT_OF_MEMORY: -3,
  QUEUE_FULL: -4,
  UNKNOWN_MATERIAL: -5,
  TABLE_FULL: -6,
  BUSY: -7,
  BARRIER_TIMEOUT: -10,
  BARRIER_BROKEN: -11,
  NOT_A_SAVE: -20,
  BAD_VERSION: -21,
  OTHER_SIZE: -22,
  CORRUPT: -23,
});

const MEANING = {
  [CODE.INVALID]: 'invalid argument',
  [CODE.TOO_LARGE]: 'too large',
  [CODE.OUT_OF_MEMORY]: 'out of memory',
  [CODE.QUEUE_FULL]: 'paint queue full',
  [CODE.UNKNOWN_MATERIAL]: 'unknown material',
  [CODE.TABLE_FULL]: 'table full',
  [CODE.BUSY]: 'busy (steps pending)',
  [CODE.BARRIER_TIMEOUT]: 'a barrier wait timed out',
  [CODE.BARRIER_BROKEN]: 'the barrier was broken by another worker',
  [CODE.NOT_A_SAVE]: 'not a quicksand save',
  [CODE.BAD_VERSION]: 'unsupported save version',
  [CODE.OTHER_SIZE]: 'the save is for another world size',
  [CODE.CORRUPT]: 'the save is damaged (checksum or cells)',
};

export function describeCode(code) {
  return `${MEANING[code] ?? 'error'} (${code})`;
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
