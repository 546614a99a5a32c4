// The stats overlay. By default it is small and shows what a player reads:
// frames per second, steps per second and the workers. Behind its "details"
// toggle: the crew's own ms per step and the serial share of it (timed in
// the sim with the host clock, env.qs_now_ms), throughput, the world's step
// and one bar per worker with its share of the chunk updates. The overlay
// can be hidden; both choices are remembered (settings.js).
//
// Every rate is a delta of a counter that only grows, over a window of
// frames. The counters start again from zero when the crew is reset (a
// world swap, a thread-count change, a restart), and the world's own step
// count jumps back on undo or load, so the window starts afresh whenever
// the engine or its world changes or any counter goes backwards: a rate
// never spans two counters.

import { STATS_REFRESH_MS, STATS_WINDOW_FRAMES } from './config.js';
import { loadOverlaySettings, saveOverlaySettings } from './settings.js';

const MS_PER_SECOND = 1000;
const MEGA = 1e6;
const PERCENT = 100;
/** `qs_crew_items_done` wraps at 2³² (read as unsigned). */
const U32 = 2 ** 32;

/** `after - before` for two counters, or NaN when the counter went back. */
function growth(before, after) {
  const delta = after - before;
  return delta >= 0 ? delta : NaN;
}

/** One frame's readings of an engine's counters. */
function sample(now, engine) {
  const timing = engine.timing();
  return {
    now,
    steps: timing.steps,
    stepMs: timing.stepMs,
    serialMs: timing.serialMs,
    items: Array.from({ length: engine.workerCount }, (_, i) => engine.itemsDone(i)),
  };
}

const text = (value, digits) => (Number.isFinite(value) ? value.toFixed(digits) : '–');

export class StatsOverlay {
  constructor(root) {
    this.root = root;
    // The toolbar's Stats button (ui.js forwards its clicks and the I key
    // to `toggleHidden`); it shows whether the overlay is on.
    this.toggleButton = document.getElementById('stats-toggle');
    this.lines = Object.fromEntries([...root.querySelectorAll('[data-stat]')].map((element) => [element.dataset.stat, element]));
    this.details = root.querySelector('.stats-details');
    this.detailsButton = root.querySelector('[data-stats-action="details"]');
    this.barsTitle = root.querySelector('.bars-title');
    this.bars = root.querySelector('.bars');
    this.settings = loadOverlaySettings();
    this.detailsButton.addEventListener('click', (event) => {
      if (event.detail > 0) this.detailsButton.blur();
      this.setDetails(!this.settings.details);
    });
    root.querySelector('[data-stats-action="hide"]').addEventListener('click', () => this.setHidden(true));
    this.apply();
    this.reset(0);
  }

  /** Shows or hides the whole overlay (the toolbar button and the I key). */
  toggleHidden() {
    this.setHidden(!this.settings.hidden);
  }

  setHidden(hidden) {
    this.settings = { ...this.settings, hidden };
    saveOverlaySettings(this.settings);
    this.apply();
  }

  setDetails(details) {
    this.settings = { ...this.settings, details };
    saveOverlaySettings(this.settings);
    this.apply();
  }

  apply() {
    const { hidden, details } = this.settings;
    this.root.hidden = hidden;
    this.details.hidden = !details;
    this.detailsButton.setAttribute('aria-pressed', String(details));
    this.toggleButton?.setAttribute('aria-pressed', String(!hidden));
  }

  /** Starts over for `workers` workers (0: the single-threaded engine). */
  reset(workers) {
    this.workers = workers;
    this.engine = null;
    this.world = null;
    this.samples = [];
    this.lastRefresh = 0;
    this.bars.replaceChildren();
    this.barFills = [];
    for (let i = 0; i < workers; i++) {
      const row = document.createElement('div');
      row.className = 'bar';
      row.innerHTML = `<span class="bar-label">w${i}</span><span class="bar-track"><span class="bar-fill"></span></span><span class="bar-value">–</span>`;
      this.bars.append(row);
      this.barFills.push({ fill: row.querySelector('.bar-fill'), value: row.querySelector('.bar-value') });
    }
    this.barsTitle.textContent = workers
      ? `Share of chunk updates per worker (last ${STATS_WINDOW_FRAMES} frames)`
      : 'Single-threaded: every chunk update runs on the page’s main thread';
    this.lines.workers.textContent = workers ? String(workers) : '1 (page)';
  }

  /** Records one displayed frame of `engine`. */
  frame(now, engine) {
    if (engine !== this.engine || engine.world !== this.world) {
      // Another engine or world: its counters are not the ones in the window.
      this.engine = engine;
      this.world = engine.world;
      this.samples = [];
    }
    const next = sample(now, engine);
    const last = this.samples[this.samples.length - 1];
    if (last && !(growth(last.steps, next.steps) >= 0 && growth(last.stepMs, next.stepMs) >= 0)) {
      // The crew was reset under us (or a counter is broken): start over.
      this.samples = [];
    }
    this.samples.push(next);
    if (this.samples.length > STATS_WINDOW_FRAMES) this.samples.shift();
    if (now - this.lastRefresh >= STATS_REFRESH_MS) {
      this.lastRefresh = now;
      this.render(engine);
    }
  }

  /** The window's rates; NaN where the window cannot tell yet. */
  rates() {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || first === last) return { fps: NaN, stepsPerSecond: NaN, msPerStep: NaN, serialShare: NaN, items: [] };
    const seconds = (last.now - first.now) / MS_PER_SECOND;
    const steps = growth(first.steps, last.steps);
    const stepMs = growth(first.stepMs, last.stepMs);
    return {
      fps: (this.samples.length - 1) / seconds,
      stepsPerSecond: steps / seconds,
      msPerStep: steps > 0 ? stepMs / steps : NaN,
      serialShare: stepMs > 0 ? growth(first.serialMs, last.serialMs) / stepMs : NaN,
      items: last.items.map((count, i) => (count - first.items[i] + U32) % U32),
    };
  }

  render(engine) {
    const { fps, stepsPerSecond, msPerStep, serialShare, items } = this.rates();
    const cells = engine.width * engine.height;
    this.lines.fps.textContent = text(fps, 0);
    this.lines.rate.textContent = text(stepsPerSecond, 0);
    this.lines.step.textContent = text(msPerStep, 2);
    this.lines.serial.textContent = Number.isFinite(serialShare) ? `${(serialShare * PERCENT).toFixed(0)}%` : '–';
    this.lines.cells.textContent = text((stepsPerSecond * cells) / MEGA, 1);
    this.lines.steps.textContent = String(engine.stepCount());
    const total = items.reduce((a, b) => a + b, 0);
    this.barFills.forEach(({ fill, value }, i) => {
      const share = total ? items[i] / total : 0;
      fill.style.width = `${share * PERCENT}%`;
      value.textContent = total ? `${Math.round(share * PERCENT)}%` : 'idle';
    });
  }
}
