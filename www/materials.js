// The materials of docs/CELLS.md, in palette order, with their shortcut keys.
// Ids are the sim's stable material bytes; frames hold `id * 4 + shade`.

export const SHADES = 4;
export const ERASER = 0;

/**
 * `code` is the KeyboardEvent.code of the shortcut, `shift` whether Shift is
 * held; `key` is how the UI prints it.
 */
export const MATERIALS = [
  { id: 2, name: 'Sand', code: 'Digit1', key: '1' },
  { id: 3, name: 'Water', code: 'Digit2', key: '2' },
  { id: 1, name: 'Wall', code: 'Digit3', key: '3' },
  { id: 4, name: 'Stone', code: 'Digit4', key: '4' },
  { id: 5, name: 'Wood', code: 'Digit5', key: '5' },
  { id: 6, name: 'Fire', code: 'Digit6', key: '6' },
  { id: 9, name: 'Oil', code: 'Digit7', key: '7' },
  { id: 10, name: 'Lava', code: 'Digit8', key: '8' },
  { id: 12, name: 'Acid', code: 'Digit9', key: '9' },
  { id: 13, name: 'Plant', code: 'Digit1', shift: true, key: '⇧1' },
  { id: 11, name: 'Ice', code: 'Digit2', shift: true, key: '⇧2' },
  { id: 14, name: 'Salt', code: 'Digit3', shift: true, key: '⇧3' },
  { id: 15, name: 'Gunpowder', code: 'Digit4', shift: true, key: '⇧4' },
  { id: 7, name: 'Smoke', code: 'Digit5', shift: true, key: '⇧5' },
  { id: 8, name: 'Steam', code: 'Digit6', shift: true, key: '⇧6' },
  { id: ERASER, name: 'Eraser', code: 'Digit0', key: '0' },
];

export const DEFAULT_MATERIAL = 2;

/** Highest material id the sim knows (docs/CELLS.md: 16..=255 are no material). */
export const MAX_MATERIAL_ID = 15;

export function materialName(id) {
  return MATERIALS.find((m) => m.id === id)?.name ?? `material ${id}`;
}
