// The materials of docs/CELLS.md, in palette order, with their shortcut keys.
// Ids and names come from abi.js (the sim's material table); frames hold
// `id * CELL.SHADE_COUNT + shade`.

import { CELL, MATERIAL, MATERIAL_NAME } from './pkg/abi.js';

export const SHADES = CELL.SHADE_COUNT;
/** Painting "empty" erases. */
export const ERASER = MATERIAL.EMPTY;

const capitalised = (name) => name[0].toUpperCase() + name.slice(1);
const material = (id, code, key, shift = false) => ({ id, name: capitalised(MATERIAL_NAME[id]), code, key, shift });

/**
 * `code` is the KeyboardEvent.code of the shortcut, `shift` whether Shift is
 * held; `key` is how the UI prints it.
 */
export const MATERIALS = [
  material(MATERIAL.SAND, 'Digit1', '1'),
  material(MATERIAL.WATER, 'Digit2', '2'),
  material(MATERIAL.WALL, 'Digit3', '3'),
  material(MATERIAL.STONE, 'Digit4', '4'),
  material(MATERIAL.WOOD, 'Digit5', '5'),
  material(MATERIAL.FIRE, 'Digit6', '6'),
  material(MATERIAL.OIL, 'Digit7', '7'),
  material(MATERIAL.LAVA, 'Digit8', '8'),
  material(MATERIAL.ACID, 'Digit9', '9'),
  material(MATERIAL.PLANT, 'Digit1', '⇧1', true),
  material(MATERIAL.ICE, 'Digit2', '⇧2', true),
  material(MATERIAL.SALT, 'Digit3', '⇧3', true),
  material(MATERIAL.GUNPOWDER, 'Digit4', '⇧4', true),
  material(MATERIAL.SMOKE, 'Digit5', '⇧5', true),
  material(MATERIAL.STEAM, 'Digit6', '⇧6', true),
  { id: ERASER, name: 'Eraser', code: 'Digit0', key: '0', shift: false },
];

export const DEFAULT_MATERIAL = MATERIAL.SAND;

/** Highest material id the sim knows; other bytes are no material (docs/CELLS.md). */
export const MAX_MATERIAL_ID = CELL.MATERIAL_COUNT - 1;

export function materialName(id) {
  return MATERIALS.find((m) => m.id === id)?.name ?? `material ${id}`;
}
