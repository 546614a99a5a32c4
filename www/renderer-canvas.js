// Canvas2D fallback for browsers without WebGL2. Here the palette indices
// must become RGBA ImageData in JS (the one copy the page allows itself, and
// only in this fallback); the world is then scaled with smoothing off. Like
// the WebGL2 renderer, it converts and puts only the rectangle that changed
// (putImageData's dirty rectangle), and all of it after a new world.

import { CELL } from './pkg/abi.js';
import { BACKGROUND_RGB } from './config.js';

const BYTES_PER_COLOUR = CELL.PALETTE_ENTRY_BYTES;
const INDEX_VALUES = 256;

export class CanvasRenderer {
  static create(canvas) {
    const context = canvas.getContext('2d', { alpha: false });
    return context ? new CanvasRenderer(canvas, context) : null;
  }

  constructor(canvas, context) {
    this.kind = 'canvas2d';
    this.canvas = canvas;
    this.context = context;
    this.width = 0;
    this.height = 0;
    this.wholeNeeded = true;
    /** Uploads so far and the RGBA bytes they put (the test hook and the stats read these). */
    this.uploads = { frames: 0, bytes: 0, lastBytes: 0 };
  }

  setWorld(width, height, palette) {
    this.width = width;
    this.height = height;
    this.image = new ImageData(width, height);
    // Both are little-endian u32 views of R,G,B,A bytes, so entries copy as is.
    this.pixels = new Uint32Array(this.image.data.buffer);
    const colours = new Uint32Array(palette.buffer, palette.byteOffset, palette.length / BYTES_PER_COLOUR);
    // Every byte value maps somewhere, so a stray index can never read past the table.
    this.lookup = new Uint32Array(INDEX_VALUES).fill(colours[0]);
    this.lookup.set(colours);
    this.offscreen = document.createElement('canvas');
    this.offscreen.width = width;
    this.offscreen.height = height;
    this.offscreenContext = this.offscreen.getContext('2d');
    this.wholeNeeded = true;
  }

  /** As WebGLRenderer.upload: the `changed` rectangle of `cells`, or all of it when null; returns the bytes put. */
  upload(cells, changed = null) {
    if (!this.width) return 0;
    const { pixels, lookup, width } = this;
    const rect = changed === null || this.wholeNeeded ? { x0: 0, y0: 0, x1: width, y1: this.height } : changed;
    let bytes = 0;
    if (rect.x1 > rect.x0 && rect.y1 > rect.y0) {
      for (let y = rect.y0; y < rect.y1; y++) {
        const row = y * width;
        for (let i = row + rect.x0; i < row + rect.x1; i++) pixels[i] = lookup[cells[i]];
      }
      const w = rect.x1 - rect.x0;
      const h = rect.y1 - rect.y0;
      this.offscreenContext.putImageData(this.image, 0, 0, rect.x0, rect.y0, w, h);
      bytes = w * h * BYTES_PER_COLOUR;
    }
    this.wholeNeeded = false;
    this.uploads.frames++;
    this.uploads.bytes += bytes;
    this.uploads.lastBytes = bytes;
    return bytes;
  }

  draw(rect) {
    const { context, canvas } = this;
    context.fillStyle = `rgb(${BACKGROUND_RGB.join(' ')})`;
    context.fillRect(0, 0, canvas.width, canvas.height);
    if (!this.width) return;
    context.imageSmoothingEnabled = false;
    context.drawImage(this.offscreen, rect.x, rect.y, rect.width, rect.height);
  }
}
