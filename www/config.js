// Every tunable number of the page, named in one place. Numbers the sim
// decides (limits, ids, codes) are not here: they come from ./pkg/abi.js.

import { LIMITS, SCENE, SCENE_NAME } from './pkg/abi.js';

/** Square world sizes offered in the size picker. */
export const WORLD_PRESETS = [128, 256, 512, 1024, 2048];
/** On touch screens the default world keeps every cell at least this wide (CSS pixels). */
export const TOUCH_MIN_CELL_CSS_PX = 2;
/** The default world is the largest preset that fits the viewport, up to this. */
export const DEFAULT_WORLD_CAP = 1024;
/** The smallest preset, used when the viewport is tiny. */
export const MIN_WORLD = WORLD_PRESETS[0];

/** Steps per displayed frame offered by the speed picker. */
export const SPEEDS = [1, 2, 3, 4];
export const DEFAULT_SPEED = 2;
/**
 * The picker's last speed (`?speed=max`): the crew runs ahead continuously,
 * not tied to the display rate, and each frame shows the latest published
 * frame. The page keeps about MAX_SPEED_FRAMES_AHEAD frames' worth of steps
 * requested (measured each frame), between the two bounds below.
 */
export const SPEED_MAX = 'max';
export const MAX_SPEED_FRAMES_AHEAD = 8;
/** A frame that needed fewer steps shrinks the target at most to this share of it. */
export const MAX_SPEED_DECAY = 0.95;
export const MAX_SPEED_MIN_STEPS_AHEAD = 2;
export const MAX_SPEED_MAX_STEPS_AHEAD = 65_536;

/** Brush radius in cells offered by the slider; the sim accepts up to LIMITS.MAX_BRUSH_RADIUS. */
export const BRUSH_MIN = 0;
export const BRUSH_MAX = Math.min(32, LIMITS.MAX_BRUSH_RADIUS);
/** 4 cells: on a touch screen's default world (TOUCH_MIN_CELL_CSS_PX) a dot is at least 18 CSS pixels wide. */
export const BRUSH_DEFAULT = 4;

const capitalised = (name) => name[0].toUpperCase() + name.slice(1);

/**
 * How the scene picker names the sim's scenes (`SCENE_NAME` keeps the
 * sim's own, which the tests and saves use). The benchmark scenes are
 * grouped apart: they are made to measure, not to play.
 */
const SCENE_LABELS = new Map([
  ['landscape', { name: 'Valley', group: 'play' }],
  ['empty', { name: 'Empty', group: 'play' }],
  ['thermal', { name: 'Fire and ice', group: 'play' }],
  ['active', { name: 'Active (falling bands)', group: 'benchmark' }],
  ['mixed', { name: 'Mixed (chunks of everything)', group: 'benchmark' }],
  ['settled', { name: 'Settled (at rest)', group: 'benchmark' }],
]);
export const SCENE_GROUPS = [
  { group: 'play', title: 'Worlds' },
  { group: 'benchmark', title: 'Benchmark' },
];

/** The scenes of `qs_world_scene`, in id order: `{ id, name, group }`. */
export const SCENES = Object.values(SCENE)
  .sort((a, b) => a - b)
  .map((id) => ({ id, ...(SCENE_LABELS.get(SCENE_NAME[id]) ?? { name: capitalised(SCENE_NAME[id]), group: 'play' }) }));
/** The seed of every world unless ?seed= says otherwise, so the first screen is always the same valley. */
export const FIRST_SCREEN_SEED = 2026;
/** The first screen: the handcrafted valley (sim/src/sand/scene.rs, `Landscape`). */
export const DEFAULT_SCENE = SCENE.LANDSCAPE;

/** Strokes (and clears) that can be undone. */
export const UNDO_DEPTH = 8;
/** While the world changes, the last good state (checkpoint.js) is saved this often. */
export const CHECKPOINT_INTERVAL_MS = 5_000;

/** The busy bars and rates average over this many displayed frames. */
export const STATS_WINDOW_FRAMES = 30;
/** The overlay's text is rewritten at most this often (layout is not free). */
export const STATS_REFRESH_MS = 250;

/** Per-thread stack, as the loader's default. */
export const STACK_BYTES = 1024 * 1024;
/** A barrier wait inside a step gives up after this (a stuck or dead worker). */
export const SERVE_BARRIER_TIMEOUT_MS = 30_000;
/** Stopping the crew must finish within this, or it counts as a fault. */
export const STOP_TIMEOUT_MS = 5_000;
/** Waiting for requested steps to finish gives up after this. */
export const IDLE_TIMEOUT_MS = 20_000;
/** How often the main thread looks whether the crew finished, where it has no `Atomics.waitAsync` (it never blocks). */
export const IDLE_POLL_MS = 1;
/**
 * With `Atomics.waitAsync` the main thread sleeps until a step ends, but
 * looks again after this long anyway: a worker that trapped notifies nobody.
 */
export const IDLE_WAIT_SLICE_MS = 100;
/** The single-threaded engine stops stepping within a frame after this much time. */
export const SINGLE_FRAME_BUDGET_MS = 12;
/** Large single-threaded step batches yield to the page this often. */
export const SINGLE_BATCH_STEPS = 16;

/** The sim's paint ring holds LIMITS.PAINT_RING_CAPACITY strokes; the page keeps at most this many more waiting. */
export const PAINT_BACKLOG_LIMIT = 8192;

/** Toasts (load errors, hints) stay this long. */
export const TOAST_MS = 6_000;

/** The background around the world, as the CSS uses it. */
export const BACKGROUND_RGB = [0x0b, 0x0c, 0x10];
/** + and - zoom by this factor. */
export const ZOOM_KEY_FACTOR = 1.5;
/** The frame drawn around the world, so its edge shows against the background. */
export const WORLD_BORDER_RGB = [0x4a, 0x50, 0x5e];
export const WORLD_BORDER_CSS_PX = 2;

/**
 * The biggest `.qsreplay` file shared as a link (share-link.js); bigger
 * replays are shared as files. A link carries the file in base64url, 4
 * characters for every 3 bytes, so 24,000 bytes make 32,000 characters
 * after `#replay=`, and the whole link stays under the two limits that
 * bite first: Chromium's address bar shows at most 32 KiB (32,768
 * characters) of a URL (Chromium's URL display guidelines; it accepts up
 * to 2 MiB, but a player copies what the bar shows), and Slack truncates a
 * message above 40,000 characters (api.slack.com changelog, April 2018).
 * That leaves 768 characters for the page's own address. The fragment is
 * never sent to a server, so no server limit applies. Chat apps with a
 * smaller message limit (Discord 2,000, Telegram 4,096) carry only small
 * replays as links; the file works everywhere.
 */
export const REPLAY_LINK_MAX_BYTES = 24_000;
/** ← and → in the replay bar jump by this share of the replay's steps (at least one step). */
export const REPLAY_KEY_SEEK_FRACTION = 0.05;
