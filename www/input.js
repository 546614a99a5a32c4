// Pointer painting (mouse, touch, pen): one stroke per pressed pointer,
// painted as line segments between consecutive samples so fast strokes
// leave no gaps. The secondary button erases. A stroke never starts while
// the view is being navigated (navigation.js: middle-drag, Space+drag, a
// pinch).
//
// Note: a touch waits TOUCH_HOLD_MS (or until it moves) before it paints,
// because a pinch starts with one finger a moment before the other; if the
// second finger comes in that time, nothing is painted. A quick tap still
// paints its dot when the finger lifts.

const PRIMARY_BUTTON = 0;
const SECONDARY_BUTTON = 2;
const TOUCH_HOLD_MS = 90;
/** A touch that moves this far (CSS pixels) paints at once. */
const TOUCH_SLOP_PX = 6;

export class PointerPainter {
  /**
   * `toCell(clientX, clientY)` maps to world cells; `canStart()` says
   * whether a stroke may start now; `onStrokeStart({ cell, erase, shiftKey,
   * altKey })`, `onSegment(from, to, erase)` (each later sample),
   * `onStrokeEnd()` and `onHover(event|null)` are the callbacks.
   */
  constructor(canvas, { toCell, canStart = () => true, onStrokeStart, onSegment, onStrokeEnd, onHover }) {
    this.canvas = canvas;
    this.toCell = toCell;
    this.canStart = canStart;
    this.callbacks = { onStrokeStart, onSegment, onStrokeEnd, onHover };
    this.active = null;
    /** A touch waiting to become a stroke (see the note): `{ id, event, timer }`. */
    this.held = null;
    canvas.addEventListener('pointerdown', (e) => this.down(e));
    canvas.addEventListener('pointermove', (e) => this.move(e));
    canvas.addEventListener('pointerup', (e) => this.end(e));
    canvas.addEventListener('pointercancel', (e) => this.end(e, { cancelled: true }));
    canvas.addEventListener('lostpointercapture', (e) => this.end(e));
    canvas.addEventListener('pointerleave', () => onHover(null));
    // The secondary button erases instead of opening a menu.
    canvas.addEventListener('contextmenu', (e) => e.preventDefault());
  }

  down(event) {
    if (this.active || this.held || (event.button !== PRIMARY_BUTTON && event.button !== SECONDARY_BUTTON)) return;
    if (!this.canStart()) return;
    event.preventDefault();
    // Capture keeps the stroke ours when the pointer leaves the canvas.
    this.canvas.setPointerCapture(event.pointerId);
    if (event.pointerType === 'touch') {
      const snapshot = { pointerId: event.pointerId, clientX: event.clientX, clientY: event.clientY, button: event.button, pointerType: event.pointerType, shiftKey: false, altKey: false };
      this.held = { id: event.pointerId, event: snapshot, timer: setTimeout(() => this.startHeld(), TOUCH_HOLD_MS) };
      return;
    }
    this.start(event);
  }

  start(event) {
    const cell = this.toCell(event.clientX, event.clientY);
    const erase = event.button === SECONDARY_BUTTON;
    this.active = { id: event.pointerId, last: cell, erase };
    this.callbacks.onStrokeStart({ cell, erase, shiftKey: Boolean(event.shiftKey), altKey: Boolean(event.altKey) });
    this.callbacks.onHover(event);
  }

  /** The held touch becomes a stroke, unless navigation took over meanwhile. */
  startHeld() {
    const held = this.held;
    if (!held) return;
    clearTimeout(held.timer);
    this.held = null;
    if (this.canStart()) this.start(held.event);
  }

  /** Drops a held touch and ends the stroke in progress (a pinch began). */
  cancel() {
    if (this.held) {
      clearTimeout(this.held.timer);
      this.held = null;
    }
    if (this.active) {
      this.active = null;
      this.callbacks.onStrokeEnd();
    }
  }

  move(event) {
    this.callbacks.onHover(event);
    if (this.held && event.pointerId === this.held.id) {
      const moved = Math.hypot(event.clientX - this.held.event.clientX, event.clientY - this.held.event.clientY);
      if (moved < TOUCH_SLOP_PX) return;
      this.startHeld();
    }
    if (!this.active || event.pointerId !== this.active.id) return;
    const cell = this.toCell(event.clientX, event.clientY);
    const { last } = this.active;
    if (cell.x === last.x && cell.y === last.y) return;
    this.callbacks.onSegment(last, cell, this.active.erase);
    this.active.last = cell;
  }

  end(event, { cancelled = false } = {}) {
    // A tap: the held touch paints its dot as it lifts.
    if (this.held && event.pointerId === this.held.id) {
      if (cancelled) this.cancel();
      else this.startHeld();
    }
    if (!this.active || event.pointerId !== this.active.id) return;
    this.active = null;
    this.callbacks.onStrokeEnd();
  }
}
