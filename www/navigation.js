// Zoom and pan with the pointer: the wheel zooms around the cursor,
// middle-drag or Space+drag pans, and on touch screens two fingers pinch
// to zoom and drag to pan. The keys (+, -, 0) live in ui.js. Everything
// ends in the App's `zoomAt`, `panBy`, both in canvas pixels; painting
// (input.js) asks `isNavigating()` before it starts a stroke.

import { clientToCanvas, canvasPixelsPerClient } from './view.js';

const MIDDLE_BUTTON = 1;
const PRIMARY_BUTTON = 0;
/** Wheel zoom: the factor per pixel of wheel travel (about 1.25× per notch of 100 px). */
const WHEEL_ZOOM_PER_PIXEL = 0.0022;
/** WheelEvent.deltaMode: lines and pages, turned into pixels. */
const WHEEL_LINE_PX = 16;
const WHEEL_PAGE_PX = 400;
/** A middle press that moves less than this (CSS pixels) is a click: the eyedropper, not a pan. */
const CLICK_SLOP_PX = 4;

export class ViewControls {
  /**
   * `onZoomAt(x, y, factor)` and `onPan(dx, dy)` take canvas pixels;
   * `onPinchStart()` cancels a stroke; `onPick(clientX, clientY)` is a
   * middle-click that did not drag (the eyedropper).
   */
  constructor(canvas, { onZoomAt, onPan, onPinchStart, onPick }) {
    this.canvas = canvas;
    this.callbacks = { onZoomAt, onPan, onPinchStart, onPick };
    /** A drag that pans: `{ id, x, y }` (client pixels), or null. */
    this.drag = null;
    /** Touch points down on the canvas, by pointer id: their last client position. */
    this.touches = new Map();
    this.pinch = null;
    this.spaceHeld = false;
    /** Whether the Space press now held has panned (then releasing it does not toggle play). */
    this.spacePanned = false;
    canvas.addEventListener('wheel', (e) => this.wheel(e), { passive: false });
    canvas.addEventListener('pointerdown', (e) => this.down(e));
    canvas.addEventListener('pointermove', (e) => this.move(e));
    for (const type of ['pointerup', 'pointercancel', 'lostpointercapture']) canvas.addEventListener(type, (e) => this.up(e));
    // Middle-click would start the browser's autoscroll.
    canvas.addEventListener('mousedown', (e) => {
      if (e.button === MIDDLE_BUTTON) e.preventDefault();
    });
    document.addEventListener('keydown', (e) => {
      if (e.code === 'Space' && !e.repeat) {
        this.spaceHeld = true;
        this.spacePanned = false;
      }
    });
    document.addEventListener('keyup', (e) => {
      if (e.code === 'Space') this.spaceHeld = false;
    });
    window.addEventListener('blur', () => {
      this.spaceHeld = false;
    });
  }

  /** True while a pan or a pinch owns the pointer, or Space is held: no stroke may start. */
  isNavigating() {
    return this.drag !== null || this.pinch !== null || this.spaceHeld;
  }

  wheel(event) {
    event.preventDefault();
    const unit = event.deltaMode === 1 ? WHEEL_LINE_PX : event.deltaMode === 2 ? WHEEL_PAGE_PX : 1;
    const point = clientToCanvas(this.canvas, event.clientX, event.clientY);
    this.callbacks.onZoomAt(point.x, point.y, Math.exp(-event.deltaY * unit * WHEEL_ZOOM_PER_PIXEL));
  }

  down(event) {
    if (event.pointerType === 'touch') {
      this.touches.set(event.pointerId, { x: event.clientX, y: event.clientY });
      if (this.touches.size === 2) this.startPinch();
      return;
    }
    const pans = event.button === MIDDLE_BUTTON || (event.button === PRIMARY_BUTTON && this.spaceHeld);
    if (!pans || this.drag) return;
    event.preventDefault();
    this.canvas.setPointerCapture(event.pointerId);
    this.drag = { id: event.pointerId, x: event.clientX, y: event.clientY, moved: 0, middle: event.button === MIDDLE_BUTTON };
    if (this.spaceHeld) this.spacePanned = true;
  }

  move(event) {
    if (event.pointerType === 'touch' && this.touches.has(event.pointerId)) {
      this.touches.set(event.pointerId, { x: event.clientX, y: event.clientY });
      if (this.pinch) this.movePinch();
      return;
    }
    if (!this.drag || event.pointerId !== this.drag.id) return;
    const ratio = canvasPixelsPerClient(this.canvas);
    this.callbacks.onPan((event.clientX - this.drag.x) * ratio, (event.clientY - this.drag.y) * ratio);
    this.drag.moved += Math.hypot(event.clientX - this.drag.x, event.clientY - this.drag.y);
    this.drag.x = event.clientX;
    this.drag.y = event.clientY;
  }

  up(event) {
    if (this.touches.delete(event.pointerId)) {
      // A finger left over from a pinch paints nothing until every finger is up.
      if (this.touches.size === 0) this.pinch = null;
      return;
    }
    if (!this.drag || event.pointerId !== this.drag.id) return;
    const { middle, moved } = this.drag;
    this.drag = null;
    if (middle && moved < CLICK_SLOP_PX && event.type === 'pointerup') this.callbacks.onPick(event.clientX, event.clientY);
  }

  /** The centroid and spread of the two touch points, in client pixels. */
  twoTouches() {
    const [a, b] = [...this.touches.values()];
    return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2, distance: Math.hypot(a.x - b.x, a.y - b.y) };
  }

  startPinch() {
    this.callbacks.onPinchStart();
    this.pinch = this.twoTouches();
  }

  movePinch() {
    if (this.touches.size !== 2) return;
    const now = this.twoTouches();
    const ratio = canvasPixelsPerClient(this.canvas);
    this.callbacks.onPan((now.x - this.pinch.x) * ratio, (now.y - this.pinch.y) * ratio);
    if (this.pinch.distance > 0 && now.distance > 0) {
      const point = clientToCanvas(this.canvas, now.x, now.y);
      this.callbacks.onZoomAt(point.x, point.y, now.distance / this.pinch.distance);
    }
    this.pinch = now;
  }
}
