// The toolbar, the material palette, the messages and the keyboard
// shortcuts. It only shows state and forwards intents to `actions`; main.js
// decides what they do. The replay bar's own controls and keys are in
// replay-bar.js; Space, which is also the pan modifier, stays here.

import { BRUSH_MAX, BRUSH_MIN, SCENE_GROUPS, SCENES, SPEED_MAX, SPEEDS, TOAST_MS, WORLD_PRESETS } from './config.js';
import { parseSpeed, touchFirst } from './settings.js';
import { ERASER, KINDS, MATERIALS, SHADES } from './materials.js';
import { PAINT_TOOL } from './pkg/abi.js';
import { paintOverChoices, TOOLS } from './tools.js';
import { onClick } from './buttons.js';

/** Swatches drawn with CSS, not from the palette: the tools that are no material. */
const TOOL_SWATCHES = new Map([
  [ERASER, 'eraser'],
  [PAINT_TOOL.HEAT, 'heat'],
  [PAINT_TOOL.COOL, 'cool'],
]);
/** Degrees shown in the readout: one decimal, as fine as play needs. */
const READOUT_DECIMALS = 1;

/** Keys (KeyboardEvent.code) and the action each triggers; the buttons show them too. */
const SHORTCUTS = [
  { code: 'KeyN', action: 'step' },
  { code: 'KeyC', action: 'clear' },
  { code: 'KeyZ', action: 'undo' },
  { code: 'BracketLeft', action: 'brushSmaller' },
  { code: 'BracketRight', action: 'brushLarger' },
  { code: 'KeyS', action: 'save' },
  { code: 'KeyO', action: 'open' },
  { code: 'KeyI', action: 'toggleStats' },
  { code: 'KeyH', action: 'toggleStats' },
  { code: 'KeyT', action: 'toggleThermal' },
];
/** Keys with Shift (the digits with Shift are materials, materials.js). */
const SHIFT_SHORTCUTS = [
  { code: 'KeyS', action: 'saveReplay' },
  { code: 'KeyL', action: 'shareReplay' },
];
/**
 * What the keys may not do while a replay is shown (replay-bar.js): the
 * controls they stand for are hidden then (style.css, body.replaying), and
 * the bar has its own Play.
 */
const LIVE_ONLY_ACTIONS = new Set(['step', 'saveReplay', 'shareReplay']);

/** Zoom keys, by KeyboardEvent.key (so + works with or without Shift, on any layout). */
const ZOOM_KEYS = new Map([
  ['+', 'zoomIn'],
  ['=', 'zoomIn'],
  ['-', 'zoomOut'],
  ['_', 'zoomOut'],
  ['0', 'fitView'],
]);

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
      saveReplay: $('save-replay'),
      shareReplay: $('share-replay'),
      replayBar: $('replay-bar'),
      replayPlay: $('replay-play'),
      file: $('file'),
      palette: $('palette'),
      fault: $('fault'),
      faultText: $('fault-text'),
      restart: $('restart'),
      toast: $('toast'),
      pausedHint: $('paused-hint'),
      engineLine: $('engine-line'),
      statsToggle: $('stats-toggle'),
      thermal: $('thermal'),
      toolbar: $('toolbar'),
      menuToggle: $('menu-toggle'),
      tools: $('tools'),
      paintOver: $('paint-over'),
      firstHint: $('first-hint'),
      firstHintClose: $('first-hint-close'),
      readout: $('readout'),
      readoutName: $('readout-name'),
      readoutTemperature: $('readout-temperature'),
      readoutDescription: $('readout-description'),
    };
    this.shownReadout = null;
    this.toastTimer = 0;
    /** Space went down on the page (not on a control) and is not yet released. */
    this.spacePressed = false;
    this.materialButtons = new Map();
    this.build();
    this.bind();
  }

  build() {
    const e = this.elements;
    e.speed.append(...SPEEDS.map((s) => option(s, `${s}×`)), option(SPEED_MAX, 'Max'));
    for (const { group, title } of SCENE_GROUPS) {
      const optgroup = document.createElement('optgroup');
      optgroup.label = title;
      optgroup.append(...SCENES.filter((s) => s.group === group).map((s) => option(s.id, s.name)));
      e.scene.append(optgroup);
    }
    e.size.append(...WORLD_PRESETS.map((p) => option(p, `${p}²`)));
    this.toolButtons = new Map();
    for (const tool of TOOLS) {
      const button = document.createElement('button');
      button.dataset.tool = tool.id;
      button.title = `${tool.title} (${tool.key})`;
      button.setAttribute('aria-pressed', 'false');
      const key = document.createElement('kbd');
      key.textContent = tool.key;
      button.append(tool.name, key);
      e.tools.append(button);
      this.toolButtons.set(tool.id, button);
    }
    e.paintOver.append(...paintOverChoices(MATERIALS).map((c) => option(c.value, c.name)));
    e.brush.min = String(BRUSH_MIN);
    e.brush.max = String(BRUSH_MAX);
  }

  bind() {
    const e = this.elements;
    const a = this.actions;
    const change = (element, fn, parse = Number) =>
      element.addEventListener('change', () => {
        // A focused select would take the next letter key as a search.
        element.blur();
        fn(parse(element.value));
      });
    onClick(e.play, () => a.togglePlay());
    onClick(e.step, () => a.step());
    onClick(e.undo, () => a.undo());
    onClick(e.redo, () => a.redo());
    onClick(e.clear, () => a.clear());
    onClick(e.save, () => a.save());
    onClick(e.open, () => a.open());
    onClick(e.saveReplay, () => a.saveReplay());
    onClick(e.shareReplay, () => a.shareReplay());
    onClick(e.restart, () => a.restart());
    onClick(e.statsToggle, () => a.toggleStats());
    onClick(e.thermal, () => a.toggleThermal());
    onClick(e.menuToggle, () => {
      const open = !e.toolbar.classList.contains('open');
      e.toolbar.classList.toggle('open', open);
      e.menuToggle.setAttribute('aria-expanded', String(open));
    });
    onClick(e.firstHintClose, () => a.dismissFirstHint());
    for (const [id, button] of this.toolButtons) onClick(button, () => a.setTool(id));
    change(e.paintOver, (v) => a.setPaintOver(v));
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
    document.addEventListener('keyup', (event) => this.keyUp(event));
    // A file dropped anywhere on the page opens like one picked (files.js).
    document.addEventListener('dragover', (event) => {
      if (event.dataTransfer?.types.includes('Files')) event.preventDefault();
    });
    document.addEventListener('drop', (event) => {
      const file = event.dataTransfer?.files[0];
      if (!file) return;
      event.preventDefault();
      a.load(file);
    });
  }

  /** Whether a key event belongs to a control that has focus (a select, a text field, a tabbed-to button). */
  static ownedByControl(event) {
    const target = event.target;
    if (target instanceof HTMLSelectElement || (target instanceof HTMLInputElement && target.type !== 'range')) return true;
    return target instanceof HTMLButtonElement && (event.code === 'Space' || event.code === 'Enter');
  }

  /** Whether the replay bar is shown (playback mode, replay-bar.js). */
  replaying() {
    return !this.elements.replayBar.hidden;
  }

  /**
   * Space toggles play as it is released, not pressed: held down, it is
   * the pan modifier (navigation.js), and a Space+drag must not also pause.
   * While a replay is shown it presses the replay bar's Play instead.
   */
  keyUp(event) {
    if (event.code !== 'Space' || !this.spacePressed) return;
    this.spacePressed = false;
    if (this.actions.spacePanned()) return;
    if (this.replaying()) this.elements.replayPlay.click();
    else this.actions.togglePlay();
  }

  key(event) {
    // A focused select or text field keeps its keys; a button reached with Tab keeps its own Space/Enter.
    if (Toolbar.ownedByControl(event)) return;
    if (event.code === 'Space' && !event.altKey && !event.ctrlKey && !event.metaKey) {
      // The page would scroll; the toggle comes on release (keyUp).
      event.preventDefault();
      if (!event.repeat) this.spacePressed = true;
      return;
    }
    const history = historyShortcut(event);
    if (history) {
      // Also keeps the browser's own Ctrl+Y (history) and Cmd+Shift+Z away.
      event.preventDefault();
      this.actions[history]();
      return;
    }
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const zoom = ZOOM_KEYS.get(event.key);
    if (zoom) {
      event.preventDefault();
      this.actions[zoom]();
      return;
    }
    const tool = !event.shiftKey && TOOLS.find((t) => t.code === event.code);
    if (tool) {
      event.preventDefault();
      this.actions.setTool(tool.id);
      return;
    }
    const material = MATERIALS.find((m) => m.code === event.code && Boolean(m.shift) === event.shiftKey);
    if (material) {
      event.preventDefault();
      this.actions.setMaterial(material.id);
      return;
    }
    const shortcut = (event.shiftKey ? SHIFT_SHORTCUTS : SHORTCUTS).find((s) => s.code === event.code);
    // Holding a key repeats only the brush size, not toggles or steps.
    const repeats = shortcut?.action === 'brushSmaller' || shortcut?.action === 'brushLarger';
    if (!shortcut || (event.repeat && !repeats)) return;
    if (LIVE_ONLY_ACTIONS.has(shortcut.action) && this.replaying()) return;
    event.preventDefault();
    this.actions[shortcut.action]();
  }

  /**
   * The material buttons, grouped by kind (materials.js KINDS), coloured
   * from the sim's palette (`colour(id, shade)` → CSS); tools get CSS swatches.
   */
  fillPalette(colour) {
    const e = this.elements;
    e.palette.replaceChildren();
    this.materialButtons.clear();
    for (const { kind, title } of KINDS) {
      const members = MATERIALS.filter((m) => m.kind === kind);
      if (members.length === 0) continue;
      const group = document.createElement('section');
      group.className = 'palette-group';
      group.setAttribute('aria-label', title);
      const heading = document.createElement('h2');
      heading.textContent = title;
      group.append(heading, ...members.map((material) => this.materialButton(material, colour)));
      e.palette.append(group);
    }
  }

  materialButton(material, colour) {
    const button = document.createElement('button');
    button.className = 'material';
    button.setAttribute('role', 'radio');
    button.dataset.material = String(material.id);
    button.title = material.key ? `${material.name} (${material.key}): ${material.description}` : `${material.name}: ${material.description}`;
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    const tool = TOOL_SWATCHES.get(material.id);
    if (tool) swatch.classList.add(tool);
    else {
      const shades = Array.from({ length: SHADES }, (_, shade) => colour(material.id, shade));
      swatch.style.background = `linear-gradient(135deg, ${shades.join(', ')})`;
    }
    const name = document.createElement('span');
    name.className = 'material-name';
    name.textContent = material.name;
    button.append(swatch, name);
    if (material.key) {
      const key = document.createElement('kbd');
      key.textContent = material.key;
      button.append(key);
    }
    button.addEventListener('click', (event) => {
      if (event.detail > 0) button.blur();
      this.actions.setMaterial(material.id);
    });
    this.materialButtons.set(material.id, button);
    return button;
  }

  setMaterial(id) {
    for (const [materialId, button] of this.materialButtons) button.setAttribute('aria-checked', String(materialId === id));
  }

  setTool(id) {
    for (const [toolId, button] of this.toolButtons) button.setAttribute('aria-pressed', String(toolId === id));
  }

  setPaintOver(mask) {
    this.elements.paintOver.value = String(mask);
  }

  /** The one line for a first-time player (in touch words on a touch screen); gone after their first stroke. */
  firstHint(show) {
    const text = this.elements.firstHint.querySelector('span');
    if (show && touchFirst()) text.textContent = 'Pick a material above and drag across the world to pour it. Pinch to zoom.';
    this.elements.firstHint.hidden = !show;
  }

  setThermal(on) {
    this.elements.thermal.setAttribute('aria-pressed', String(on));
  }

  /** What lies under the pointer: `{ name, description, celsius }`, or null to hide. */
  readout(cell) {
    const e = this.elements;
    const text = cell && `${cell.name}|${cell.celsius.toFixed(READOUT_DECIMALS)}`;
    if (text === this.shownReadout) return;
    this.shownReadout = text;
    e.readout.hidden = !cell;
    if (!cell) return;
    e.readoutName.textContent = cell.name;
    e.readoutTemperature.textContent = `${cell.celsius.toFixed(READOUT_DECIMALS)} °C`;
    e.readoutDescription.textContent = cell.description;
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
