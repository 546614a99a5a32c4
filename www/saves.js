// Save files (`.qsand`, docs/SAVE_FORMAT.md): reading the header to size the
// world before the sim checks the rest (checksum, cells), and moving bytes
// to and from disk.

const MAGIC = 'QSND';
const VERSION = 1;
export const HEADER_BYTES = 32;
const CHECKSUM_BYTES = 8;
/** Each 64×64 chunk stores its dirty rectangle as four i32s. */
const CHUNK_SIDE = 64;
const ACTIVITY_BYTES_PER_CHUNK = 16;
const OFFSET = { magic: 0, version: 4, flags: 6, width: 8, height: 12, seed: 16, step: 24 };
/** Width and height limits of a world (docs/CELLS.md). */
const MAX_SIDE = 4096;

/** The exact length of a save of a `width` × `height` world. */
export function saveLength(width, height) {
  const chunks = Math.ceil(width / CHUNK_SIDE) * Math.ceil(height / CHUNK_SIDE);
  return HEADER_BYTES + 2 * width * height + chunks * ACTIVITY_BYTES_PER_CHUNK + CHECKSUM_BYTES;
}

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
  if (bytes.length < HEADER_BYTES + CHECKSUM_BYTES) throw new SaveError(`This file is too short (${bytes.length} bytes) to be a quicksand save.`);
  const magic = String.fromCharCode(...bytes.subarray(OFFSET.magic, OFFSET.magic + MAGIC.length));
  if (magic !== MAGIC) throw new SaveError('This is not a quicksand save (it does not start with "QSND").');
  const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
  const version = view.getUint16(OFFSET.version, true);
  const flags = view.getUint16(OFFSET.flags, true);
  if (version !== VERSION || flags !== 0) {
    throw new SaveError(`This save has format version ${version} (flags ${flags}); this page reads version ${VERSION} without flags.`);
  }
  const width = view.getUint32(OFFSET.width, true);
  const height = view.getUint32(OFFSET.height, true);
  if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE) {
    throw new SaveError(`This save's world size ${width}×${height} is outside 1..${MAX_SIDE}.`);
  }
  const expected = saveLength(width, height);
  if (bytes.length !== expected) {
    throw new SaveError(`This save is damaged: a ${width}×${height} world needs ${expected} bytes, the file has ${bytes.length}.`);
  }
  return {
    width,
    height,
    seed: Number(view.getBigUint64(OFFSET.seed, true) & 0xffffffffn),
    step: view.getBigUint64(OFFSET.step, true),
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
