// The toolbar, the material palette, the messages and the keyboard
// shortcuts. It only shows state and forwards intents to `actions`; main.js
// decides what they do.

import { BRUSH_MAX, BRUSH_MIN, SCENES, SPEED_MAX, SPEEDS, TOAST_MS, WORLD_PRESETS } from './config.js';
import { parseSpeed } from './settings.js';
import { ERASER, MATERIALS, SHADES } from './materials.js';

/** Keys (KeyboardEvent.code) and the action each triggers; the buttons show them too. */
const SHORTCUTS = [
  { code: 'Space', action: 'togglePlay' },
  { code: 'KeyN', action: 'step' },
  { code: 'KeyC', action: 'clear' },
  { code: 'KeyZ', action: 'undo' },
  { code: 'BracketLeft', action: 'brushSmaller' },
  { code: 'BracketRight', action: 'brushLarger' },
  { code: 'KeyS', action: 'save' },
  { code: 'KeyO', action: 'open' },
  { code: 'KeyI', action: 'toggleStats' },
];

/**
 * Undo and redo with Ctrl (Cmd on a Mac) as well: Ctrl/Cmd+Z undoes,
 * Ctrl/Cmd+Shift+Z and Ctrl+Y redo. Plain Z (in SHORTCUTS) undoes too.
 */
function historyShortcut(event) {
  const command = event.ctrlKey || event.metaKey;
  if (!command || event.altKey) return null;
  if (event.code === 'KeyZ') return event.shiftKey ? 'redo' : 'undo';
  if (event.code === 'KeyY' && event.ctrlKey && !event.shiftKey) return 'redo';
  return null;
}

const $ = (id) => document.getElementById(id);

function option(value, text) {
  const element = document.createElement('option');
  element.value = String(value);
  element.textContent = text;
  return element;
}

export class Toolbar {
  constructor(actions) {
    this.actions = actions;
    this.elements = {
      play: $('play'),
      step: $('step'),
      speed: $('speed'),
      undo: $('undo'),
      redo: $('redo'),
      clear: $('clear'),
      scene: $('scene'),
      brush: $('brush'),
      brushValue: $('brush-value'),
      size: $('size'),
      threads: $('threads'),
      threadsField: $('threads-field'),
      save: $('save'),
      open: $('open'),
      file: $('file'),
      palette: $('palette'),
      notice: $('notice'),
      fault: $('fault'),
      faultText: $('fault-text'),
      restart: $('restart'),
      toast: $('toast'),
      pausedHint: $('paused-hint'),
      engineLine: $('engine-line'),
      statsToggle: $('stats-toggle'),
    };
    this.toastTimer = 0;
    this.materialButtons = new Map();
    this.build();
    this.bind();
  }

  build() {
    const e = this.elements;
    e.speed.append(...SPEEDS.map((s) => option(s, `${s}×`)), option(SPEED_MAX, 'Max'));
    e.scene.append(...SCENES.map((s) => option(s.id, s.name)));
    e.size.append(...WORLD_PRESETS.map((p) => option(p, `${p}²`)));
    e.brush.min = String(BRUSH_MIN);
    e.brush.max = String(BRUSH_MAX);
  }

  bind() {
    const e = this.elements;
    const a = this.actions;
    const click = (element, fn) =>
      element.addEventListener('click', (event) => {
        // After a mouse click the button would keep focus and turn the next Space into a click.
        if (event.detail > 0) element.blur();
        fn();
      });
    const change = (element, fn, parse = Number) =>
      element.addEventListener('change', () => {
        // A focused select would take the next letter key as a search.
        element.blur();
        fn(parse(element.value));
      });
    click(e.play, () => a.togglePlay());
    click(e.step, () => a.step());
    click(e.undo, () => a.undo());
    click(e.redo, () => a.redo());
    click(e.clear, () => a.clear());
    click(e.save, () => a.save());
    click(e.open, () => a.open());
    click(e.restart, () => a.restart());
    click(e.statsToggle, () => a.toggleStats());
    change(e.speed, (v) => a.setSpeed(v), parseSpeed);
    change(e.scene, (v) => a.setScene(v));
    change(e.size, (v) => a.setSize(v));
    change(e.threads, (v) => a.setThreads(v));
    e.brush.addEventListener('input', () => a.setBrush(Number(e.brush.value)));
    e.file.addEventListener('change', () => {
      const [file] = e.file.files;
      e.file.value = '';
      if (file) a.load(file);
    });
    document.addEventListener('keydown', (event) => this.key(event));
  }

  key(event) {
    const target = event.target;
    if (target instanceof HTMLSelectElement || (target instanceof HTMLInputElement && target.type !== 'range')) return;
    // A button reached with Tab keeps its own Space/Enter.
    if (target instanceof HTMLButtonElement && (event.code === 'Space' || event.code === 'Enter')) return;
    const history = historyShortcut(event);
    if (history) {
      // Also keeps the browser's own Ctrl+Y (history) and Cmd+Shift+Z away.
      event.preventDefault();
      this.actions[history]();
      return;
    }
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const material = MATERIALS.find((m) => m.code === event.code && Boolean(m.shift) === event.shiftKey);
    if (material) {
      event.preventDefault();
      this.actions.setMaterial(material.id);
      return;
    }
    if (event.shiftKey) return;
    const shortcut = SHORTCUTS.find((s) => s.code === event.code);
    // Holding a key repeats only the brush size, not toggles or steps.
    const repeats = shortcut?.action === 'brushSmaller' || shortcut?.action === 'brushLarger';
    if (!shortcut || (event.repeat && !repeats)) return;
    event.preventDefault();
    this.actions[shortcut.action]();
  }

  /** The material buttons, coloured from the sim's palette (`colour(id, shade)` → CSS). */
  fillPalette(colour) {
    const e = this.elements;
    e.palette.replaceChildren();
    this.materialButtons.clear();
    for (const material of MATERIALS) {
      const button = document.createElement('button');
      button.className = 'material';
      button.setAttribute('role', 'radio');
      button.dataset.material = String(material.id);
      button.title = `${material.name} (${material.key})`;
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      if (material.id === ERASER) swatch.classList.add('eraser');
      else {
        const shades = Array.from({ length: SHADES }, (_, shade) => colour(material.id, shade));
        swatch.style.background = `linear-gradient(135deg, ${shades.join(', ')})`;
      }
      const name = document.createElement('span');
      name.textContent = material.name;
      const key = document.createElement('kbd');
      key.textContent = material.key;
      button.append(swatch, name, key);
      button.addEventListener('click', (event) => {
        if (event.detail > 0) button.blur();
        this.actions.setMaterial(material.id);
      });
      e.palette.append(button);
      this.materialButtons.set(material.id, button);
    }
  }

  setMaterial(id) {
    for (const [materialId, button] of this.materialButtons) button.setAttribute('aria-checked', String(materialId === id));
  }

  setPlaying(playing) {
    this.elements.play.querySelector('.label').textContent = playing ? 'Pause' : 'Play';
    this.elements.play.setAttribute('aria-pressed', String(!playing));
  }

  setSpeed(speed) {
    this.elements.speed.value = String(speed);
  }

  setScene(scene) {
    this.elements.scene.value = String(scene);
  }

  setBrush(radius) {
    this.elements.brush.value = String(radius);
    this.elements.brushValue.textContent = String(radius);
  }

  /** Shows the world size; a loaded save may have a size that is no preset. */
  setSize(width, height) {
    const select = this.elements.size;
    select.querySelector('option[data-loaded]')?.remove();
    if (width === height && WORLD_PRESETS.includes(width)) {
      select.value = String(width);
      return;
    }
    const loaded = option('', `${width}×${height}`);
    loaded.dataset.loaded = '';
    loaded.disabled = true;
    select.append(loaded);
    select.value = '';
  }

  /** Thread counts 1..max; disabled (with the reason as its tooltip) without threads. */
  setThreads(count, max, disabledReason) {
    const select = this.elements.threads;
    select.replaceChildren(...Array.from({ length: max }, (_, i) => option(i + 1, String(i + 1))));
    if (count > 0) select.value = String(count);
    this.threadsLocked = Boolean(disabledReason);
    select.disabled = this.threadsLocked;
    this.elements.threadsField.title = disabledReason || 'Worker threads stepping the world (restarts the engine)';
  }

  /** Enables Undo and Redo by how many entries each way there are. */
  setHistory(undoCount, redoCount) {
    const { undo, redo } = this.elements;
    const steps = (count) => `${count} step${count === 1 ? '' : 's'}`;
    undo.disabled = undoCount === 0;
    undo.title = undoCount ? `Undo (Z, Ctrl+Z): ${steps(undoCount)} back available` : 'Nothing to undo (Z)';
    redo.disabled = redoCount === 0;
    redo.title = redoCount ? `Redo (Ctrl+Shift+Z, Ctrl+Y): ${steps(redoCount)} forward available` : 'Nothing to redo (Ctrl+Shift+Z)';
  }

  /** Disables everything that restarts or replaces the engine while that runs. */
  setBusy(busy) {
    const e = this.elements;
    for (const element of [e.size, e.scene, e.clear]) element.disabled = busy;
    e.threads.disabled = busy || Boolean(this.threadsLocked);
  }

  setEngineLine(text) {
    this.elements.engineLine.textContent = text;
  }

  notice(text) {
    this.elements.notice.textContent = text;
    this.elements.notice.hidden = !text;
  }

  toast(text, { ok = false } = {}) {
    const toast = this.elements.toast;
    toast.textContent = text;
    toast.classList.toggle('ok', ok);
    toast.hidden = false;
    clearTimeout(this.toastTimer);
    this.toastTimer = setTimeout(() => {
      toast.hidden = true;
    }, TOAST_MS);
  }

  fault(text) {
    this.elements.faultText.textContent = text ?? '';
    this.elements.fault.hidden = !text;
  }

  pausedHint(show) {
    this.elements.pausedHint.hidden = !show;
  }

  openFilePicker() {
    this.elements.file.click();
  }
}
