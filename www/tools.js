// The drawing tools, as pointer gestures: the brush (Shift+drag: a
// line), a line, a rectangle (filled or outline), flood fill and the
// eyedropper (Alt+click or middle-click with any tool). Every tool ends
// in one sim command queued like a brush stroke (engine-base.js: paint,
// paintRect, fill), applied at a step boundary, undoable and recorded;
// nothing here loops over cells. Line and rectangle show a preview
// (an SVG over the canvas) until the pointer is released. Methods of the
// App (main.js), which mixes them in.

import { ERROR, PAINT_MASK, PAINT_TOOL } from './pkg/abi.js';
import { ERASER, paletteEntry } from './materials.js';
import { cellToClient, cssPixelsPerCell } from './view.js';

/** The tools, their shortcut keys (KeyboardEvent.code) and button labels. */
export const TOOLS = [
  { id: 'brush', name: 'Brush', code: 'KeyB', key: 'B', title: 'Paint with a round brush; Shift+drag draws a line' },
  { id: 'line', name: 'Line', code: 'KeyL', key: 'L', title: 'Drag a straight line' },
  { id: 'rect', name: 'Box', code: 'KeyR', key: 'R', title: 'Drag a filled rectangle' },
  { id: 'frame', name: 'Frame', code: 'KeyG', key: 'G', title: 'Drag a rectangle outline, as wide as the brush' },
  { id: 'fill', name: 'Fill', code: 'KeyF', key: 'F', title: 'Fill the connected area of one material under the pointer' },
  { id: 'picker', name: 'Pick', code: 'KeyK', key: 'K', title: 'Pick the material under the pointer (also Alt+click or middle-click)' },
];

const SVG = 'http://www.w3.org/2000/svg';

export const tools = {
  setTool(id) {
    if (!TOOLS.some((t) => t.id === id)) return;
    this.tool = id;
    this.toolbar.setTool(id);
  },

  /** What strokes may paint over: PAINT_MASK.DEFAULT, PAINT_MASK.NON_EMPTY or a material id. */
  setPaintOver(mask) {
    this.paintOver = mask;
    this.toolbar.setPaintOver(mask);
  },

  /** A pointer went down on the world (input.js). */
  gestureStart({ cell, erase, shiftKey, altKey }) {
    if (altKey) {
      this.gesture = null;
      this.pickAt(cell);
      return;
    }
    const tool = shiftKey && this.tool === 'brush' ? 'line' : this.tool;
    if (tool === 'picker') {
      this.gesture = null;
      this.pickAt(cell);
      return;
    }
    this.strokeStart();
    this.firstStrokeMade();
    const material = erase ? ERASER : this.material;
    this.gesture = { tool, start: cell, end: cell, material };
    if (tool === 'brush') this.paintSegment(cell, cell, material);
    else if (tool === 'fill') {
      this.gesture = null;
      // A fill changes materials; heat is brushed on.
      if (Object.values(PAINT_TOOL).includes(material)) this.toolbar.toast('Fill pours materials; use the brush, a line or a box for heat and cold.');
      else this.queued(this.engine?.fill(cell.x, cell.y, material, this.currentStroke));
    } else this.showPreview();
  },

  gestureMove(from, to) {
    const g = this.gesture;
    if (!g) return;
    if (g.tool === 'brush') this.paintSegment(from, to, g.material);
    else {
      g.end = to;
      this.showPreview();
    }
  },

  gestureEnd() {
    const g = this.gesture;
    this.gesture = null;
    this.hidePreview();
    if (!g || g.tool === 'brush' || !this.engine || this.engine.fault || this.busy) return;
    const { start, end, material } = g;
    if (g.tool === 'line') {
      this.queued(this.engine.paint(start.x, start.y, end.x, end.y, this.brush, material, this.currentStroke, this.paintOver));
    } else {
      const filled = g.tool === 'rect';
      this.queued(this.engine.paintRect(start.x, start.y, end.x, end.y, this.brush, material, { filled, mask: this.paintOver, stroke: this.currentStroke }));
    }
  },

  /** One brush segment, with the current "paint over" mask. */
  paintSegment(from, to, material) {
    const engine = this.engine;
    if (!engine || engine.fault || this.busy) return;
    this.queued(engine.paint(from.x, from.y, to.x, to.y, this.brush, material, this.currentStroke, this.paintOver));
  },

  /** After a command was queued: a full queue is the only refusal worth telling; paused, it shows at once. */
  queued(code) {
    if (code === ERROR.QUEUE_FULL) this.toolbar.toast('Too many strokes are waiting; press N or Space to apply them.');
  },

  /** The eyedropper: the material under `cell` becomes the brush's (a tool-only cell picks nothing). */
  pickAt(cell) {
    const found = this.engine?.cellAt(cell.x, cell.y);
    if (!found) return;
    const entry = paletteEntry(found.material);
    if (!entry || found.material === ERASER) {
      this.toolbar.toast('Nothing to pick here: the cell is empty.');
      return;
    }
    this.setMaterial(found.material);
    this.toolbar.toast(`Picked ${entry.name}.`, { ok: true });
  },

  /** The line or rectangle being dragged, drawn over the canvas in CSS pixels. */
  showPreview() {
    const g = this.gesture;
    if (!g) return;
    const svg = this.preview;
    const box = this.stage.getBoundingClientRect();
    const at = (cell) => {
      const p = cellToClient(this.canvas, this.rect, cell.x, cell.y);
      return { x: p.x - box.left, y: p.y - box.top };
    };
    const perCell = cssPixelsPerCell(this.canvas, this.rect);
    const a = at(g.start);
    const b = at(g.end);
    let shape;
    if (g.tool === 'line') {
      shape = document.createElementNS(SVG, 'line');
      for (const [name, value] of [['x1', a.x], ['y1', a.y], ['x2', b.x], ['y2', b.y]]) shape.setAttribute(name, String(value));
      shape.setAttribute('stroke-width', String((2 * this.brush + 1) * perCell));
    } else {
      shape = document.createElementNS(SVG, 'rect');
      const half = perCell / 2;
      const x = Math.min(a.x, b.x) - half;
      const y = Math.min(a.y, b.y) - half;
      shape.setAttribute('x', String(x));
      shape.setAttribute('y', String(y));
      shape.setAttribute('width', String(Math.abs(a.x - b.x) + perCell));
      shape.setAttribute('height', String(Math.abs(a.y - b.y) + perCell));
      if (g.tool === 'frame') shape.setAttribute('stroke-width', String((2 * this.brush + 1) * perCell));
      shape.classList.toggle('filled', g.tool === 'rect');
    }
    svg.replaceChildren(shape);
    // An SVG element has no `hidden` property: the attribute itself.
    svg.removeAttribute('hidden');
  },

  hidePreview() {
    this.preview.replaceChildren();
    this.preview.setAttribute('hidden', '');
  },
};

/** The "paint over" choices: the default rule, anything not empty, then each material (by palette order). */
export function paintOverChoices(materials) {
  return [
    { value: PAINT_MASK.DEFAULT, name: 'Empty cells (walls and the eraser: anything)' },
    { value: PAINT_MASK.NON_EMPTY, name: 'Only what is not empty' },
    ...materials.filter((m) => m.kind !== 'tool').map((m) => ({ value: m.id, name: `Only ${m.name.toLowerCase()}` })),
  ];
}
