// Pointer painting (mouse, touch, pen): one stroke per pressed pointer,
// painted as line segments between consecutive samples so fast strokes
// leave no gaps. The secondary button erases.

const PRIMARY_BUTTON = 0;
const SECONDARY_BUTTON = 2;

export class PointerPainter {
  /**
   * `toCell(clientX, clientY)` maps to world cells; `onStrokeStart()`,
   * `onSegment(from, to, erase)`, `onStrokeEnd()` and `onHover(event|null)`
   * are the callbacks.
   */
  constructor(canvas, { toCell, onStrokeStart, onSegment, onStrokeEnd, onHover }) {
    this.canvas = canvas;
    this.toCell = toCell;
    this.callbacks = { onStrokeStart, onSegment, onStrokeEnd, onHover };
    this.active = null;
    canvas.addEventListener('pointerdown', (e) => this.down(e));
    canvas.addEventListener('pointermove', (e) => this.move(e));
    canvas.addEventListener('pointerup', (e) => this.end(e));
    canvas.addEventListener('pointercancel', (e) => this.end(e));
    canvas.addEventListener('lostpointercapture', (e) => this.end(e));
    canvas.addEventListener('pointerleave', () => onHover(null));
    // The secondary button erases instead of opening a menu.
    canvas.addEventListener('contextmenu', (e) => e.preventDefault());
  }

  down(event) {
    if (this.active || (event.button !== PRIMARY_BUTTON && event.button !== SECONDARY_BUTTON)) return;
    event.preventDefault();
    // Capture keeps the stroke ours when the pointer leaves the canvas.
    this.canvas.setPointerCapture(event.pointerId);
    const cell = this.toCell(event.clientX, event.clientY);
    this.active = { id: event.pointerId, last: cell, erase: event.button === SECONDARY_BUTTON };
    this.callbacks.onStrokeStart();
    this.callbacks.onSegment(cell, cell, this.active.erase);
    this.callbacks.onHover(event);
  }

  move(event) {
    this.callbacks.onHover(event);
    if (!this.active || event.pointerId !== this.active.id) return;
    const cell = this.toCell(event.clientX, event.clientY);
    const { last } = this.active;
    if (cell.x === last.x && cell.y === last.y) return;
    this.callbacks.onSegment(last, cell, this.active.erase);
    this.active.last = cell;
  }

  end(event) {
    if (!this.active || event.pointerId !== this.active.id) return;
    this.active = null;
    this.callbacks.onStrokeEnd();
  }
}
