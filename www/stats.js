// The stats overlay: frame rate, wall time per step, throughput, and one bar
// per worker showing its share of the chunk updates over the last frames.

import { STATS_REFRESH_MS, STATS_WINDOW_FRAMES } from './config.js';

const MS_PER_SECOND = 1000;
const MEGA = 1e6;
const PERCENT = 100;
const U32 = 2 ** 32;

export class StatsOverlay {
  constructor(root) {
    this.root = root;
    this.lines = {
      fps: root.querySelector('[data-stat="fps"]'),
      step: root.querySelector('[data-stat="step"]'),
      rate: root.querySelector('[data-stat="rate"]'),
      cells: root.querySelector('[data-stat="cells"]'),
      steps: root.querySelector('[data-stat="steps"]'),
    };
    this.barsTitle = root.querySelector('.bars-title');
    this.bars = root.querySelector('.bars');
    this.reset(0);
  }

  /** Starts over for `workers` workers (0: the single-threaded engine). */
  reset(workers) {
    this.workers = workers;
    this.samples = [];
    this.lastStep = null;
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
  }

  /** Records one displayed frame: `items` is each worker's wrapping chunk-update count. */
  frame(now, { step, cells, items }) {
    // Only frames where the completed-step count changed time the steps.
    const changed = this.lastStep !== null && step !== this.lastStep;
    this.lastStep = step;
    this.samples.push({ now, step, items, changed });
    if (this.samples.length > STATS_WINDOW_FRAMES) this.samples.shift();
    if (now - this.lastRefresh >= STATS_REFRESH_MS) {
      this.lastRefresh = now;
      this.render(cells);
    }
  }

  /** Wall time from the first to the last change of the step count in the window, per step. */
  msPerStep() {
    const changes = this.samples.filter((s) => s.changed);
    if (changes.length < 2) return NaN;
    const first = changes[0];
    const last = changes[changes.length - 1];
    return (last.now - first.now) / ((last.step - first.step + U32) % U32);
  }

  render(cells) {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    const seconds = (last.now - first.now) / MS_PER_SECOND;
    const steps = (last.step - first.step + U32) % U32;
    const stepsPerSecond = seconds > 0 ? steps / seconds : 0;
    this.lines.fps.textContent = seconds > 0 ? ((this.samples.length - 1) / seconds).toFixed(0) : '–';
    const msPerStep = this.msPerStep();
    this.lines.step.textContent = Number.isFinite(msPerStep) ? msPerStep.toFixed(2) : '–';
    this.lines.rate.textContent = stepsPerSecond.toFixed(0);
    this.lines.cells.textContent = ((stepsPerSecond * cells) / MEGA).toFixed(1);
    this.lines.steps.textContent = String(last.step);
    const deltas = this.barFills.map((_, i) => (last.items[i] - first.items[i] + U32) % U32);
    const total = deltas.reduce((a, b) => a + b, 0);
    this.barFills.forEach(({ fill, value }, i) => {
      const share = total ? deltas[i] / total : 0;
      fill.style.width = `${share * PERCENT}%`;
      value.textContent = total ? `${Math.round(share * PERCENT)}%` : 'idle';
    });
  }
}
