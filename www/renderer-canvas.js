// Canvas2D fallback for browsers without WebGL2. Here the palette indices
// must become RGBA ImageData in JS (the one copy the page allows itself, and
// only in this fallback); the world is then scaled with smoothing off. Like
// the WebGL2 renderer, it converts and puts only the rectangle that changed
// (putImageData's dirty rectangle), and all of it after a new world.
// The thermal view blends every cell's material colour with the colour of
// its temperature (thermal-colours.js, the scale the WebGL2 shader uses),
// for the whole world at each new frame.

import { CELL, TEMPERATURE } from './pkg/abi.js';
import { BACKGROUND_RGB, WORLD_BORDER_CSS_PX, WORLD_BORDER_RGB } from './config.js';
import { THERMAL_MATERIAL_MIX, thermalRgb, unitsToCelsius } from './thermal-colours.js';

const BYTES_PER_COLOUR = CELL.PALETTE_ENTRY_BYTES;
const INDEX_VALUES = 256;
const BYTE_MASK = 0xff;
const ALPHA_OPAQUE = 0xff000000;
const [RED_SHIFT, GREEN_SHIFT, BLUE_SHIFT] = [0, 8, 16];

/** The thermal colour of every temperature the plane can hold, as little-endian RGBA words, from TEMPERATURE.MIN. */
function thermalLookup() {
  const table = new Uint32Array(TEMPERATURE.MAX - TEMPERATURE.MIN + 1);
  for (let i = 0; i < table.length; i++) {
    const [r, g, b] = thermalRgb(unitsToCelsius(TEMPERATURE.MIN + i));
    table[i] = (ALPHA_OPAQUE | (b << BLUE_SHIFT) | (g << GREEN_SHIFT) | (r << RED_SHIFT)) >>> 0;
  }
  return table;
}

/** `heat` mixed with `THERMAL_MATERIAL_MIX` of `material`, both RGBA words. */
function blend(heat, material) {
  const channel = (word, shift) => (word >>> shift) & BYTE_MASK;
  const mix = (shift) => Math.round(channel(heat, shift) * (1 - THERMAL_MATERIAL_MIX) + channel(material, shift) * THERMAL_MATERIAL_MIX) << shift;
  return (ALPHA_OPAQUE | mix(BLUE_SHIFT) | mix(GREEN_SHIFT) | mix(RED_SHIFT)) >>> 0;
}

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
    this.cells = cells;
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

  /**
   * The thermal view (see the top): every cell, from the last frame's
   * materials and `plane` (`{ cells, stride, origin }`, as the WebGL2
   * renderer takes it). `leaveThermal` brings the material colours back.
   */
  uploadTemperature(plane) {
    if (!this.width || !this.cells) return 0;
    this.thermalColours ??= thermalLookup();
    const { pixels, lookup, width, height, cells, thermalColours } = this;
    for (let y = 0; y < height; y++) {
      const row = plane.origin + y * plane.stride;
      for (let x = 0; x < width; x++) {
        const i = y * width + x;
        pixels[i] = blend(thermalColours[plane.cells[row + x] - TEMPERATURE.MIN] ?? thermalColours[0], lookup[cells[i]]);
      }
    }
    this.offscreenContext.putImageData(this.image, 0, 0);
    return width * height * BYTES_PER_COLOUR;
  }

  /**
   * Back from the thermal view: every cell in its material colour again,
   * from the last frame, at once (a paused world publishes no new frame).
   */
  leaveThermal() {
    if (!this.width || !this.cells) return;
    this.wholeNeeded = true;
    this.upload(this.cells);
  }

  draw(rect) {
    const { context, canvas } = this;
    context.fillStyle = `rgb(${BACKGROUND_RGB.join(' ')})`;
    context.fillRect(0, 0, canvas.width, canvas.height);
    if (!this.width) return;
    const border = WORLD_BORDER_CSS_PX * (window.devicePixelRatio || 1);
    context.fillStyle = `rgb(${WORLD_BORDER_RGB.join(' ')})`;
    context.fillRect(rect.x - border, rect.y - border, rect.width + 2 * border, rect.height + 2 * border);
    context.imageSmoothingEnabled = false;
    context.drawImage(this.offscreen, rect.x, rect.y, rect.width, rect.height);
  }
}
