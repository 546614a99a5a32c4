// Where the page starts: URL parameters (for links and the tests) over
// defaults that suit the device.
//
//   ?threads=N   workers, 1..navigator.hardwareConcurrency
//   ?size=N      a square world of N cells (default: fits the viewport)
//   ?scene=N     a SCENE id (abi.js; default: the landscape)
//   ?seed=N      the world's seed (default: FIRST_SCREEN_SEED, config.js)
//   ?speed=1..4  steps per frame; ?speed=max: as fast as the workers go
//   ?renderer=canvas   Canvas2D; ?renderer=webgl: WebGL2 even where it is a
//                software rasterizer (the default picks Canvas2D there:
//                renderer-choice.js)
//
// The stats overlay's state (hidden, details shown) is remembered across
// visits in localStorage.

import { LIMITS } from './pkg/abi.js';
import { DEFAULT_SCENE, DEFAULT_SPEED, FIRST_SCREEN_SEED, DEFAULT_WORLD_CAP, MIN_WORLD, SCENES, SPEED_MAX, SPEEDS, TOUCH_MIN_CELL_CSS_PX, WORLD_PRESETS } from './config.js';

/** Most threads the default picks; more can be chosen up to the core count. */
const DEFAULT_THREADS_CAP = 8;
const SEED_RANGE = 2 ** 31;

/** One worker per core, but no more than a crew takes. */
export function maxThreads() {
  return Math.max(1, Math.min(LIMITS.MAX_CREW_WORKERS, navigator.hardwareConcurrency || 1));
}

/** Whether the main pointer is a finger (a phone or tablet): coarse, and no hover. */
export function touchFirst() {
  return typeof matchMedia === 'function' && matchMedia('(pointer: coarse) and (hover: none)').matches;
}

/**
 * The largest preset that fits the stage's shorter side in device pixels;
 * on touch screens, also at least TOUCH_MIN_CELL_CSS_PX CSS pixels a cell,
 * so a fingertip paints something visible.
 */
function defaultWorldSize(stage) {
  const cssSide = Math.min(stage.clientWidth, stage.clientHeight);
  const limit = touchFirst() ? cssSide / TOUCH_MIN_CELL_CSS_PX : cssSide * (window.devicePixelRatio || 1);
  const fitting = WORLD_PRESETS.filter((p) => p <= Math.min(limit, DEFAULT_WORLD_CAP));
  return fitting.length ? fitting[fitting.length - 1] : MIN_WORLD;
}

/** A speed from the picker or the URL: one of SPEEDS, or SPEED_MAX; `fallback` for anything else. */
export function parseSpeed(text, fallback = DEFAULT_SPEED) {
  if (text === SPEED_MAX) return SPEED_MAX;
  const value = Number(text);
  return SPEEDS.includes(value) ? value : fallback;
}

export function initialSettings(stage) {
  const params = new URLSearchParams(location.search);
  const int = (name, fallback, min, max) => {
    const value = Number.parseInt(params.get(name) ?? '', 10);
    return Number.isInteger(value) && value >= min && value <= max ? value : fallback;
  };
  // One core for the page itself, the rest step the world.
  const defaultThreads = Math.min(DEFAULT_THREADS_CAP, Math.max(1, maxThreads() - 1));
  return {
    threads: int('threads', defaultThreads, 1, maxThreads()),
    size: int('size', defaultWorldSize(stage), 1, LIMITS.MAX_WORLD_SIZE),
    scene: int('scene', DEFAULT_SCENE, SCENES[0].id, SCENES[SCENES.length - 1].id),
    // A fixed seed: every first screen is the same valley (www/README.md).
    seed: int('seed', FIRST_SCREEN_SEED, 0, SEED_RANGE - 1),
    speed: parseSpeed(params.get('speed')),
    renderer: params.get('renderer'),
  };
}

/** localStorage key of the stats overlay's state. */
const OVERLAY_KEY = 'quicksand.stats';
/** A first visit: the small overlay, shown. */
const OVERLAY_DEFAULTS = Object.freeze({ hidden: false, details: false });

/** The stats overlay's remembered `{ hidden, details }`, or the defaults. */
export function loadOverlaySettings() {
  try {
    const stored = JSON.parse(localStorage.getItem(OVERLAY_KEY) ?? 'null');
    return {
      hidden: typeof stored?.hidden === 'boolean' ? stored.hidden : OVERLAY_DEFAULTS.hidden,
      details: typeof stored?.details === 'boolean' ? stored.details : OVERLAY_DEFAULTS.details,
    };
  } catch {
    // Storage disabled or a value another version wrote: the defaults.
    return { ...OVERLAY_DEFAULTS };
  }
}

/** Remembers the stats overlay's `{ hidden, details }` (best effort). */
export function saveOverlaySettings({ hidden, details }) {
  try {
    localStorage.setItem(OVERLAY_KEY, JSON.stringify({ hidden, details }));
  } catch {
    // Storage may be full or disabled; the choice then lasts this visit.
  }
}

/** localStorage key set once a player has made a first stroke. */
const VISITED_KEY = 'quicksand.visited';

/** Whether this browser has never seen a stroke here (the first-visit hint shows until one). */
export function isFirstVisit() {
  try {
    return localStorage.getItem(VISITED_KEY) === null;
  } catch {
    return true;
  }
}

export function rememberVisit() {
  try {
    localStorage.setItem(VISITED_KEY, '1');
  } catch {
    // Storage disabled: the hint simply shows again next time.
  }
}
