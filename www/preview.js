// The sim renders a frame only at the end of a step, and only when the page
// asked for one; so while paused, the last steps before the pause and edits
// made while paused (clear, undo, open) would stay invisible. Then, and only
// then, the page draws the exact world from a save's two planes, the way
// frame.rs does: palette index = material * 4 + (state & 3), bytes that are
// no material drawn as wall.

import { HEADER_BYTES } from './saves.js';
import { MAX_MATERIAL_ID, SHADES } from './materials.js';

const SHADE_MASK = SHADES - 1;
const WALL = 1;

export function frameFromSave(bytes, width, height) {
  const cells = width * height;
  const materials = bytes.subarray(HEADER_BYTES, HEADER_BYTES + cells);
  const states = bytes.subarray(HEADER_BYTES + cells, HEADER_BYTES + 2 * cells);
  const frame = new Uint8Array(cells);
  for (let i = 0; i < cells; i++) {
    const material = materials[i] <= MAX_MATERIAL_ID ? materials[i] : WALL;
    frame[i] = material * SHADES + (states[i] & SHADE_MASK);
  }
  return frame;
}
