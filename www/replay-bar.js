// The replay bar: the controls of playback mode. Play/pause, the speed, a
// scrub bar over the replay's steps, "Take over" (continue live from the
// step shown), close (back to live play), and at the end the final hash
// with whether it matches the recording. Like the toolbar (ui.js) it only
// shows state and forwards intents to `actions`; main.js decides what
// they do.
//
// While shown, <body> has the class `replaying` (the stylesheet hides the
// live-only controls by it, and ui.js gives Space to the bar's Play), and
// the bar takes its own keys: ← → (jump), Home End (start, end), , .
// (slower, faster), Enter (take over), Esc (close). No other control of
// the page uses them.

import { REPLAY_KEY_SEEK_FRACTION, SPEED_MAX, SPEEDS } from './config.js';
import { parseSpeed } from './settings.js';
import { onClick } from './buttons.js';

/** The class <body> has while a replay is shown. */
const REPLAYING_CLASS = 'replaying';
const numbers = new Intl.NumberFormat('en');

/** Speed keys, by KeyboardEvent.key (so they work with or without Shift on layouts that put < and > there). */
const SPEED_KEYS = new Map([
  [',', -1],
  ['<', -1],
  ['.', 1],
  ['>', 1],
]);

function option(value, text) {
  const element = document.createElement('option');
  element.value = String(value);
  element.textContent = text;
  return element;
}

/** Whether a key belongs to the focused control: a select or text field, or Space/Enter on a button. */
function ownedByControl(event) {
  const target = event.target;
  if (target instanceof HTMLSelectElement || (target instanceof HTMLInputElement && target.type !== 'range')) return true;
  return target instanceof HTMLButtonElement && (event.code === 'Space' || event.code === 'Enter');
}

export class ReplayBar {
  /**
   * `root`: the #replay-bar element (index.html). `actions`: `{ play(),
   * pause(), setSpeed(speed), seek(step), takeOver(), close() }`; `seek`
   * may return a promise, and the bar sends no further seek until it
   * settles and update() no longer reports `seeking`.
   */
  constructor(root, actions) {
    this.root = root;
    this.actions = actions;
    const part = (id) => root.querySelector(`#${id}`);
    this.elements = {
      play: part('replay-play'),
      speed: part('replay-speed'),
      scrub: part('replay-scrub'),
      position: part('replay-position'),
      verdict: part('replay-verdict'),
      takeOver: part('replay-take-over'),
      close: part('replay-close'),
    };
    this.shown = false;
    this.range = { startStep: 0, endStep: 0, recordedHash: null };
    this.state = { step: 0, playing: false, speed: SPEEDS[0], hash: null, matches: null, seeking: false };
    /** The scrub thumb is held (pointer down on it): playback does not move it meanwhile. */
    this.dragging = false;
    /** A seek sent and not yet settled; the latest position asked for meanwhile (null: none). */
    this.seekInFlight = false;
    this.pendingSeek = null;
    /** The step the last seek asked for, shown until playback reports it. */
    this.seekTarget = null;
    /** What the verdict shows now, so that a frame's update does not rebuild it. */
    this.shownVerdict = undefined;
    this.build();
    this.bind();
  }

  build() {
    const e = this.elements;
    e.speed.append(...SPEEDS.map((s) => option(s, `${s}×`)), option(SPEED_MAX, 'Max'));
    e.scrub.step = '1';
    // "step 1,234 / 5,678": the word goes on narrow screens (style.css), the numbers stay.
    const word = document.createElement('span');
    word.className = 'replay-word';
    word.textContent = 'step ';
    this.steps = document.createElement('span');
    this.steps.className = 'replay-steps';
    e.position.replaceChildren(word, this.steps);
  }

  bind() {
    const e = this.elements;
    const a = this.actions;
    onClick(e.play, () => this.togglePlay());
    onClick(e.takeOver, () => a.takeOver());
    onClick(e.close, () => a.close());
    e.speed.addEventListener('change', () => {
      // A focused select would take the next key as a search.
      e.speed.blur();
      a.setSpeed(parseSpeed(e.speed.value, this.state.speed));
    });
    e.scrub.addEventListener('pointerdown', () => {
      this.dragging = true;
    });
    const release = () => {
      this.dragging = false;
    };
    window.addEventListener('pointerup', release);
    window.addEventListener('pointercancel', release);
    // While dragging ('input') and on release ('change'); seek() keeps one in flight.
    e.scrub.addEventListener('input', () => this.seek(Number(e.scrub.value)));
    e.scrub.addEventListener('change', () => {
      this.dragging = false;
      this.seek(Number(e.scrub.value));
    });
    document.addEventListener('keydown', (event) => this.key(event));
  }

  /** Enters playback mode: the bar appears over a replay of steps `startStep`..`endStep`. */
  show({ startStep, endStep, recordedHash }) {
    this.range = { startStep, endStep: Math.max(startStep, endStep), recordedHash: recordedHash ?? null };
    this.state = { ...this.state, step: startStep, hash: null, matches: null, seeking: false };
    this.shownVerdict = undefined;
    this.dragging = false;
    this.seekInFlight = false;
    this.pendingSeek = null;
    this.seekTarget = null;
    const scrub = this.elements.scrub;
    scrub.min = String(this.range.startStep);
    scrub.max = String(this.range.endStep);
    scrub.value = String(startStep);
    // Room for the longest position, so that the scrub bar keeps its width while the numbers change.
    this.steps.style.minWidth = `${2 * numbers.format(this.range.endStep).length + 3}ch`;
    this.shown = true;
    this.root.hidden = false;
    document.body.classList.add(REPLAYING_CLASS);
    this.render();
  }

  hide() {
    this.shown = false;
    this.dragging = false;
    this.pendingSeek = null;
    this.root.hidden = true;
    document.body.classList.remove(REPLAYING_CLASS);
  }

  /**
   * Playback's state: `step` (in startStep..endStep), `playing`, `speed`
   * (SPEEDS or SPEED_MAX), `hash` (16 hex digits once at the end, else
   * null), `matches` (whether it is the recorded hash, once at the end),
   * `seeking` (a seek is still being worked out).
   */
  update({ step, playing, speed, hash = null, matches = null, seeking = false }) {
    this.state = { step, playing, speed, hash, matches, seeking };
    if (!seeking && !this.seekInFlight && this.pendingSeek === null) this.seekTarget = null;
    this.render();
    if (!seeking) this.sendPendingSeek();
  }

  render() {
    const e = this.elements;
    const { startStep, endStep } = this.range;
    const { playing, speed, hash, matches, seeking } = this.state;
    const atEnd = this.state.step >= endStep;
    e.play.querySelector('.label').textContent = playing ? 'Pause' : atEnd ? 'Play again' : 'Play';
    e.play.title = playing ? 'Pause the replay (Space)' : atEnd ? 'Play the replay again from the start (Space)' : 'Play the replay (Space)';
    e.speed.value = String(speed);
    // The thumb follows playback, except under the player's finger or while a seek is on its way.
    const busy = this.dragging || this.seekInFlight || this.pendingSeek !== null;
    const shownStep = busy || seeking ? (this.seekTarget ?? this.state.step) : this.state.step;
    if (!this.dragging) e.scrub.value = String(shownStep);
    this.steps.textContent = `${numbers.format(shownStep)} / ${numbers.format(endStep)}`;
    e.position.classList.toggle('seeking', Boolean(seeking || busy));
    e.scrub.setAttribute('aria-valuetext', `step ${numbers.format(shownStep)} of ${numbers.format(endStep)}`);
    this.root.setAttribute('aria-busy', String(Boolean(seeking || busy)));
    this.renderVerdict(hash, matches);
  }

  /** At the end: the final hash and whether it is the recorded one. */
  renderVerdict(hash, matches) {
    const verdict = this.elements.verdict;
    const recorded = this.range.recordedHash;
    verdict.classList.toggle('matches', hash !== null && matches === true);
    verdict.classList.toggle('differs', hash !== null && matches === false);
    const shown = hash === null ? null : `${matches}|${hash}`;
    if (shown === this.shownVerdict) return;
    this.shownVerdict = shown;
    if (hash === null) {
      verdict.replaceChildren();
      verdict.title = '';
      return;
    }
    const code = document.createElement('span');
    code.className = 'replay-hash';
    code.textContent = matches || !recorded ? hash : `${hash} ≠ ${recorded}`;
    verdict.replaceChildren(matches ? '✓ matches the recording' : '✗ differs from the recording', code);
    verdict.title = matches
      ? `The world's final hash, ${hash}, is the one the recording ended with: the replay played back exactly.`
      : `The world's final hash is ${hash}, the recording ended with ${recorded ?? 'another'}: this build did not play it back exactly.`;
  }

  /** Play or pause; at the end, Play starts again from the first step. */
  togglePlay() {
    if (this.state.playing) {
      this.actions.pause();
      return;
    }
    if (this.state.step < this.range.endStep) {
      this.actions.play();
      return;
    }
    Promise.resolve(this.actions.seek(this.range.startStep)).then(
      () => this.actions.play(),
      (error) => globalThis.reportError?.(error),
    );
  }

  /** Seeks to `step`, at most one seek in flight: while one is, only the latest position asked for is kept. */
  seek(step) {
    const { startStep, endStep } = this.range;
    const target = Math.max(startStep, Math.min(endStep, Math.round(step)));
    this.seekTarget = target;
    if (this.seekInFlight || this.state.seeking) {
      this.pendingSeek = target;
      this.render();
      return;
    }
    this.sendSeek(target);
  }

  async sendSeek(target) {
    this.seekInFlight = true;
    this.pendingSeek = null;
    this.render();
    try {
      await this.actions.seek(target);
    } catch (error) {
      globalThis.reportError?.(error);
    } finally {
      this.seekInFlight = false;
    }
    if (this.state.seeking) return;
    // Landed with nothing asked for meanwhile: playback's own step is the position again.
    if (this.pendingSeek === null) this.seekTarget = null;
    this.sendPendingSeek();
    this.render();
  }

  /** Sends the position asked for while the last seek was under way, if it is another one. */
  sendPendingSeek() {
    if (this.seekInFlight || this.pendingSeek === null || !this.shown) return;
    const target = this.pendingSeek;
    this.pendingSeek = null;
    this.sendSeek(target);
  }

  /** The speed one step slower (-1) or faster (+1) in the picker's order, Max last. */
  nudgeSpeed(direction) {
    const speeds = [...SPEEDS, SPEED_MAX];
    const index = speeds.indexOf(this.state.speed);
    const next = speeds[Math.max(0, Math.min(speeds.length - 1, (index < 0 ? 0 : index) + direction))];
    if (next !== this.state.speed) this.actions.setSpeed(next);
  }

  key(event) {
    if (!this.shown || ownedByControl(event) || event.altKey || event.ctrlKey || event.metaKey) return;
    const { startStep, endStep } = this.range;
    const jump = Math.max(1, Math.round((endStep - startStep) * REPLAY_KEY_SEEK_FRACTION));
    const from = this.seekTarget ?? this.state.step;
    const speed = SPEED_KEYS.get(event.key);
    let handled = true;
    if (speed) {
      if (!event.repeat) this.nudgeSpeed(speed);
    } else if (event.shiftKey) handled = false;
    else if (event.code === 'ArrowLeft') this.seek(from - jump);
    else if (event.code === 'ArrowRight') this.seek(from + jump);
    else if (event.code === 'Home') this.seek(startStep);
    else if (event.code === 'End') this.seek(endStep);
    else if (event.code === 'Enter' && !event.repeat) this.actions.takeOver();
    else if (event.code === 'Escape' && !event.repeat) this.actions.close();
    else handled = false;
    if (handled) event.preventDefault();
  }
}
