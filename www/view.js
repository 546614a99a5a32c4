// Where the world sits on the canvas: centred and as large as fits. When a
// whole-number scale still fills most of the room it is used, so every cell
// is the same number of device pixels; cells are always sampled nearest, so
// they stay crisp at any scale.

/** A whole-number scale is used when it keeps at least this share of the fitting size. */
const INTEGER_SCALE_MIN_COVER = 0.75;

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
