// The sim renders a frame only at the end of a step, and only when the page
// asked for one; so while paused, the last steps before the pause and edits
// made while paused (clear, undo, open) would stay invisible. Then, and only
// then, the page draws the exact world from a save's two planes, the way
// frame.rs does: palette index = material * SHADE_COUNT + (state & SHADE_MASK),
// bytes that are no material drawn as the fallback (wall).

import { CELL, SAVE } from './pkg/abi.js';
import { MAX_MATERIAL_ID } from './materials.js';

export function frameFromSave(bytes, width, height) {
  const cells = width * height;
  const start = SAVE.HEADER_BYTES;
  const materials = bytes.subarray(start, start + cells);
  const states = bytes.subarray(start + cells, start + 2 * cells);
  const frame = new Uint8Array(cells);
  for (let i = 0; i < cells; i++) {
    const material = materials[i] <= MAX_MATERIAL_ID ? materials[i] : CELL.UNKNOWN_BYTE_FALLBACK;
    frame[i] = material * CELL.SHADE_COUNT + (states[i] & CELL.SHADE_MASK);
  }
  return frame;
}
