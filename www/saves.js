// Save files (`.qsand`, docs/SAVE_FORMAT.md): reading the header to size the
// world before the sim checks the rest (checksum, cells), and moving bytes
// to and from disk. The layout comes from abi.js (sim/src/abi/constants.rs).

import { LIMITS, SAVE, SAVE_OFFSET } from './pkg/abi.js';

/** Bytes per cell in each version the sim loads: v1 had no temperature (docs/SAVE_FORMAT.md). */
const CELL_BYTES = new Map([
  [SAVE.VERSION, SAVE.CELL_BYTES],
  [SAVE.VERSION_WITHOUT_TEMPERATURE, SAVE.CELL_BYTES_WITHOUT_TEMPERATURE],
]);

/**
 * The exact length of a save of a `width` × `height` world in format
 * `version` (default: the one the sim writes): each chunk stores its dirty rectangle.
 */
export function saveLength(width, height, version = SAVE.VERSION) {
  const chunks = Math.ceil(width / LIMITS.CHUNK_SIZE) * Math.ceil(height / LIMITS.CHUNK_SIZE);
  return SAVE.HEADER_BYTES + CELL_BYTES.get(version) * width * height + chunks * SAVE.CHUNK_RECT_BYTES + SAVE.CHECKSUM_BYTES;
}

const MAX_SIDE = LIMITS.MAX_WORLD_SIZE;
const MAX_FILE_BYTES = saveLength(MAX_SIDE, MAX_SIDE);

export const SAVE_EXTENSION = '.qsand';

/** A save that cannot be used; `message` is meant for the player. */
export class SaveError extends Error {
  constructor(message) {
    super(message);
    this.name = 'SaveError';
  }
}

/**
 * Checks what the page needs before touching the world: the magic, the
 * version, a sane size and the exact length. The checksum and cells are
 * checked by the sim when it loads.
 */
export function parseHeader(bytes) {
  if (bytes.length < SAVE.HEADER_BYTES + SAVE.CHECKSUM_BYTES) throw new SaveError(`This file is too short (${bytes.length} bytes) to be a quicksand save.`);
  const magic = String.fromCharCode(...bytes.subarray(SAVE_OFFSET.MAGIC, SAVE_OFFSET.MAGIC + SAVE.MAGIC.length));
  if (magic !== SAVE.MAGIC) throw new SaveError(`This is not a quicksand save (it does not start with "${SAVE.MAGIC}").`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, SAVE.HEADER_BYTES);
  const version = view.getUint16(SAVE_OFFSET.VERSION, true);
  const flags = view.getUint16(SAVE_OFFSET.FLAGS, true);
  if (!CELL_BYTES.has(version) || flags !== 0) {
    const known = [...CELL_BYTES.keys()].sort().join(' and ');
    throw new SaveError(`This save has format version ${version} (flags ${flags}); this page reads versions ${known} without flags.`);
  }
  const width = view.getUint32(SAVE_OFFSET.WIDTH, true);
  const height = view.getUint32(SAVE_OFFSET.HEIGHT, true);
  if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE) {
    throw new SaveError(`This save's world size ${width}×${height} is outside 1..${MAX_SIDE}.`);
  }
  const expected = saveLength(width, height, version);
  if (bytes.length !== expected) {
    throw new SaveError(`This save is damaged: a ${width}×${height} world needs ${expected} bytes, the file has ${bytes.length}.`);
  }
  return {
    version,
    width,
    height,
    seed: Number(view.getBigUint64(SAVE_OFFSET.SEED, true) & 0xffffffffn),
    step: view.getBigUint64(SAVE_OFFSET.STEP, true),
  };
}

/** Reads a user-picked File, refusing anything larger than any save can be. */
export async function readSaveFile(file) {
  if (file.size > MAX_FILE_BYTES) throw new SaveError(`"${file.name}" is ${file.size} bytes, larger than any quicksand save.`);
  return new Uint8Array(await file.arrayBuffer());
}

/** Offers `bytes` as a download. */
export function downloadSave(bytes, name) {
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // The click has started the download; the URL is not needed after this task.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export function saveName(width, height, step) {
  return `quicksand-${width}x${height}-step${step}${SAVE_EXTENSION}`;
}
