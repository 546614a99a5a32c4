// Canvas2D fallback for browsers without WebGL2. Here the palette indices
// must become RGBA ImageData in JS (the one copy the page allows itself, and
// only in this fallback); the world is then scaled with smoothing off.

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
  }

  upload(cells) {
    const { pixels, lookup } = this;
    for (let i = 0; i < pixels.length; i++) pixels[i] = lookup[cells[i]];
    this.offscreenContext.putImageData(this.image, 0, 0);
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
