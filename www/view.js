// Where the world sits on the canvas. At zoom 1 it is centred and as large
// as fits; when a whole-number scale still fills most of the room it is
// used, so every cell is the same number of device pixels. Zooming
// multiplies that scale and centres the view on a cell (`{ zoom, centerX,
// centerY }`, cells); the renderers take the result as a rectangle (shader
// uniforms in WebGL2), so a zoom or a pan costs no upload. Cells are always
// sampled nearest, so they stay crisp at any scale.

/** A whole-number scale is used when it keeps at least this share of the fitting size. */
const INTEGER_SCALE_MIN_COVER = 0.75;
/** Zoom 1 is "fit"; the closest zoom shows a cell this many device pixels wide (or fit, if larger). */
export const ZOOM_MIN = 1;
export const MAX_PIXELS_PER_CELL = 48;

/** The view of a whole world: fit, centred. */
export function fitView(worldWidth, worldHeight) {
  return { zoom: ZOOM_MIN, centerX: worldWidth / 2, centerY: worldHeight / 2 };
}

/** The largest zoom for this canvas and world. */
export function maxZoom(canvasWidth, canvasHeight, worldWidth, worldHeight) {
  const fit = fitWorld(canvasWidth, canvasHeight, worldWidth, worldHeight).scale;
  return Math.max(ZOOM_MIN, MAX_PIXELS_PER_CELL / fit);
}

/**
 * `view` made valid: the zoom within [ZOOM_MIN, maxZoom], and the centre
 * where no empty margin shows on an axis the world overfills (centred on an
 * axis it does not fill), so the world can never be lost off-screen.
 */
export function clampView(view, canvasWidth, canvasHeight, worldWidth, worldHeight) {
  const zoom = Math.min(maxZoom(canvasWidth, canvasHeight, worldWidth, worldHeight), Math.max(ZOOM_MIN, Number(view.zoom) || ZOOM_MIN));
  const scale = fitWorld(canvasWidth, canvasHeight, worldWidth, worldHeight).scale * zoom;
  const axis = (center, canvasSide, worldSide) => {
    const half = canvasSide / scale / 2;
    if (half * 2 >= worldSide) return worldSide / 2;
    const wanted = Number.isFinite(center) ? center : worldSide / 2;
    return Math.min(worldSide - half, Math.max(half, wanted));
  };
  return { zoom, centerX: axis(view.centerX, canvasWidth, worldWidth), centerY: axis(view.centerY, canvasHeight, worldHeight) };
}

/** The world's rectangle in canvas pixels (top-left origin) and its scale for `view` (clamped first). */
export function viewRect(canvasWidth, canvasHeight, worldWidth, worldHeight, view) {
  const fit = fitWorld(canvasWidth, canvasHeight, worldWidth, worldHeight);
  const { zoom, centerX, centerY } = clampView(view, canvasWidth, canvasHeight, worldWidth, worldHeight);
  if (zoom === ZOOM_MIN) return fit;
  const scale = fit.scale * zoom;
  return {
    x: Math.round(canvasWidth / 2 - centerX * scale),
    y: Math.round(canvasHeight / 2 - centerY * scale),
    width: Math.round(worldWidth * scale),
    height: Math.round(worldHeight * scale),
    scale,
  };
}

/**
 * The view after zooming by `factor` around canvas point (px, py): the cell
 * under that point stays under it (before clamping).
 */
export function zoomViewAt(view, rect, factor, px, py, canvasWidth, canvasHeight, worldWidth, worldHeight) {
  const cellX = (px - rect.x) / rect.scale;
  const cellY = (py - rect.y) / rect.scale;
  const zoom = Math.min(maxZoom(canvasWidth, canvasHeight, worldWidth, worldHeight), Math.max(ZOOM_MIN, view.zoom * factor));
  const scale = fitWorld(canvasWidth, canvasHeight, worldWidth, worldHeight).scale * zoom;
  const next = { zoom, centerX: cellX - (px - canvasWidth / 2) / scale, centerY: cellY - (py - canvasHeight / 2) / scale };
  return clampView(next, canvasWidth, canvasHeight, worldWidth, worldHeight);
}

/** The view moved by (dx, dy) canvas pixels: the world follows the pointer. */
export function panView(view, rect, dx, dy, canvasWidth, canvasHeight, worldWidth, worldHeight) {
  const next = { zoom: view.zoom, centerX: view.centerX - dx / rect.scale, centerY: view.centerY - dy / rect.scale };
  return clampView(next, canvasWidth, canvasHeight, worldWidth, worldHeight);
}

/** Canvas pixels per client (CSS) pixel. */
export function canvasPixelsPerClient(canvas) {
  const box = canvas.getBoundingClientRect();
  return box.width > 0 ? canvas.width / box.width : 1;
}

/** A client (CSS) point in canvas pixels. */
export function clientToCanvas(canvas, clientX, clientY) {
  const box = canvas.getBoundingClientRect();
  const ratio = canvasPixelsPerClient(canvas);
  return { x: (clientX - box.left) * ratio, y: (clientY - box.top) * ratio };
}

/**
 * The world's rectangle in canvas pixels (top-left origin) and its scale
 * (canvas pixels per cell).
 */
export function fitWorld(canvasWidth, canvasHeight, worldWidth, worldHeight) {
  const fit = Math.min(canvasWidth / worldWidth, canvasHeight / worldHeight);
  const whole = Math.floor(fit);
  const scale = whole >= 1 && whole / fit >= INTEGER_SCALE_MIN_COVER ? whole : fit;
  const width = Math.round(worldWidth * scale);
  const height = Math.round(worldHeight * scale);
  return {
    x: Math.floor((canvasWidth - width) / 2),
    y: Math.floor((canvasHeight - height) / 2),
    width,
    height,
    scale,
  };
}

/** Sizes the canvas's backing store to its CSS box in device pixels; true if it changed. */
export function syncCanvasSize(canvas) {
  const ratio = window.devicePixelRatio || 1;
  const width = Math.max(1, Math.round(canvas.clientWidth * ratio));
  const height = Math.max(1, Math.round(canvas.clientHeight * ratio));
  if (canvas.width === width && canvas.height === height) return false;
  canvas.width = width;
  canvas.height = height;
  return true;
}

/** The world cell under a client (CSS) position; may lie outside the world. */
export function clientToCell(canvas, rect, clientX, clientY) {
  const box = canvas.getBoundingClientRect();
  const ratioX = canvas.width / box.width;
  const ratioY = canvas.height / box.height;
  const px = (clientX - box.left) * ratioX;
  const py = (clientY - box.top) * ratioY;
  return { x: Math.floor((px - rect.x) / rect.scale), y: Math.floor((py - rect.y) / rect.scale) };
}

/** CSS pixels per cell, for the brush outline. */
export function cssPixelsPerCell(canvas, rect) {
  const box = canvas.getBoundingClientRect();
  return rect.scale * (box.width / canvas.width);
}

/** The client (CSS) position of the centre of cell (x, y). */
export function cellToClient(canvas, rect, x, y) {
  const box = canvas.getBoundingClientRect();
  const toCss = box.width / canvas.width;
  return { x: box.left + (rect.x + (x + 0.5) * rect.scale) * toCss, y: box.top + (rect.y + (y + 0.5) * rect.scale) * toCss };
}

/** The world's rectangle in client (CSS) pixels. */
export function worldClientRect(canvas, rect) {
  const box = canvas.getBoundingClientRect();
  const toCss = box.width / canvas.width;
  return { x: box.left + rect.x * toCss, y: box.top + rect.y * toCss, width: rect.width * toCss, height: rect.height * toCss };
}
