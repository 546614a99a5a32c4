// What the palette offers: every material of the sim's table (abi.js,
// generated from sim/src/sand/properties.rs), grouped by kind, plus the
// tools (eraser, heat, cool). Ids, names, kinds and descriptions all come
// from the sim; this file only adds the shortcut keys and the group order.
// Frames hold `id * CELL.SHADE_COUNT + shade`.

import { CELL, MATERIAL, MATERIAL_DESCRIPTION, MATERIAL_KIND, MATERIAL_NAME, PAINT_TOOL } from './pkg/abi.js';

export const SHADES = CELL.SHADE_COUNT;
/** Painting "empty" erases. */
export const ERASER = MATERIAL.EMPTY;

/** The palette's groups, in order, with their headings (`MATERIAL_KIND` values). */
export const KINDS = [
  { kind: 'powder', title: 'Powders' },
  { kind: 'liquid', title: 'Liquids' },
  { kind: 'gas', title: 'Gases' },
  { kind: 'solid', title: 'Solids' },
  { kind: 'energy', title: 'Energy' },
  { kind: 'tool', title: 'Tools' },
];

/**
 * Shortcut keys: `code` is the KeyboardEvent.code, `shift` whether Shift
 * is held, `key` how the UI prints it. The first materials keep the keys
 * they always had; the rest are picked from the palette.
 */
const SHORTCUTS = new Map([
  [MATERIAL.SAND, { code: 'Digit1', key: '1' }],
  [MATERIAL.WATER, { code: 'Digit2', key: '2' }],
  [MATERIAL.WALL, { code: 'Digit3', key: '3' }],
  [MATERIAL.STONE, { code: 'Digit4', key: '4' }],
  [MATERIAL.WOOD, { code: 'Digit5', key: '5' }],
  [MATERIAL.FIRE, { code: 'Digit6', key: '6' }],
  [MATERIAL.OIL, { code: 'Digit7', key: '7' }],
  [MATERIAL.LAVA, { code: 'Digit8', key: '8' }],
  [MATERIAL.ACID, { code: 'Digit9', key: '9' }],
  [MATERIAL.PLANT, { code: 'Digit1', key: '⇧1', shift: true }],
  [MATERIAL.ICE, { code: 'Digit2', key: '⇧2', shift: true }],
  [MATERIAL.SALT, { code: 'Digit3', key: '⇧3', shift: true }],
  [MATERIAL.GUNPOWDER, { code: 'Digit4', key: '⇧4', shift: true }],
  [MATERIAL.SMOKE, { code: 'Digit5', key: '⇧5', shift: true }],
  [MATERIAL.STEAM, { code: 'Digit6', key: '⇧6', shift: true }],
  // 0 is "fit the view" (ui.js), so the eraser is E.
  [ERASER, { code: 'KeyE', key: 'E' }],
  [PAINT_TOOL.HEAT, { code: 'Digit7', key: '⇧7', shift: true }],
  [PAINT_TOOL.COOL, { code: 'Digit8', key: '⇧8', shift: true }],
]);

/** The sim's lower-case name ("molten_metal") as the palette shows it ("Molten metal"). */
export const displayName = (name) => name[0].toUpperCase() + name.slice(1).replaceAll('_', ' ');

function entry(id, name, kind, description) {
  const shortcut = SHORTCUTS.get(id) ?? { code: null, key: '' };
  return { id, name, kind, description, code: shortcut.code, key: shortcut.key, shift: Boolean(shortcut.shift) };
}

/** Every paintable thing: `{ id, name, kind, description, code, key, shift }`, grouped by KINDS. */
export const MATERIALS = (() => {
  const ids = Object.values(MATERIAL).filter((id) => id !== ERASER);
  const materials = ids.map((id) => entry(id, displayName(MATERIAL_NAME[id]), MATERIAL_KIND[id], MATERIAL_DESCRIPTION[id]));
  const tools = [
    entry(ERASER, 'Eraser', 'tool', MATERIAL_DESCRIPTION[ERASER]),
    entry(PAINT_TOOL.HEAT, 'Heat', 'tool', 'Warms whatever it passes over; hold it still to melt or ignite.'),
    entry(PAINT_TOOL.COOL, 'Cool', 'tool', 'Chills whatever it passes over; freezes water, sets molten things.'),
  ];
  const rank = (kind) => KINDS.findIndex((k) => k.kind === kind);
  // Array.prototype.sort is stable: ids keep their order inside a group.
  return [...materials, ...tools].sort((a, b) => rank(a.kind) - rank(b.kind));
})();

export const DEFAULT_MATERIAL = MATERIAL.SAND;

/** Highest material id the sim knows; other bytes are no material (docs/CELLS.md). */
export const MAX_MATERIAL_ID = CELL.MATERIAL_COUNT - 1;

/** Whether `id` may be passed to `qs_world_paint`: a material or a paint tool. */
export function isPaintable(id) {
  return Number.isInteger(id) && ((id >= 0 && id <= MAX_MATERIAL_ID) || Object.values(PAINT_TOOL).includes(id));
}

/** The palette entry of `id`, if any. */
export function paletteEntry(id) {
  return MATERIALS.find((m) => m.id === id);
}

/** What a cell of material `id` is called, for the hover readout: an empty cell is "Empty", not the eraser. */
export function cellName(id) {
  if (id === ERASER) return displayName(MATERIAL_NAME[ERASER]);
  return paletteEntry(id)?.name ?? `material ${id}`;
}
