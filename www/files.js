// Files: saving the world as a `.qsand` download, and opening one (the
// file picker and drag-and-drop both arrive as `load`, see ui.js), with
// the player's words for a refused save. Methods of the App (main.js),
// which mixes them in.

import { ERROR } from './pkg/abi.js';
import { describeCode } from './errors.js';
import { downloadSave, parseHeader, readSaveFile, SaveError, saveName } from './saves.js';

const BYTES_PER_KIB = 1024;

/** The sim's reasons for refusing a save, as sentences for the player. */
const SAVE_REFUSAL = Object.freeze({
  [ERROR.NOT_A_SAVE]: 'This file is not a quicksand save',
  [ERROR.UNSUPPORTED_VERSION]: 'This save is from a format version this page cannot read',
  [ERROR.SIZE_MISMATCH]: 'This save is for a world of another size',
  [ERROR.CORRUPT]: 'This save is damaged: its checksum does not match its contents',
});

/** Words for the player: save-format codes get their own sentence. */
export function explain(error) {
  if (error instanceof SaveError) return error.message;
  const refusal = SAVE_REFUSAL[error?.code];
  if (refusal) return `${refusal} (${describeCode(error.code)}).`;
  return error?.message ?? String(error);
}

export const files = {
  async saveFile() {
    const engine = this.live();
    const bytes = await engine.exclusive(() => engine.snapshotNow());
    const name = saveName(engine.width, engine.height, engine.stepCount());
    downloadSave(bytes, name);
    this.toolbar.toast(`Saved ${name} (${(bytes.length / BYTES_PER_KIB).toFixed(0)} KiB).`, { ok: true });
  },

  async loadFile(file) {
    let bytes;
    try {
      bytes = await readSaveFile(file);
    } catch (error) {
      this.toolbar.toast(`${explain(error)} The current world is kept.`);
      return;
    }
    const result = await this.loadBytes(bytes);
    if (result.ok) this.toolbar.toast(`Opened ${file.name}.`, { ok: true });
  },

  /** Loads save bytes; a bad file leaves the world as it was. Returns `{ ok, message }`. */
  async loadBytes(bytes) {
    try {
      const engine = this.live();
      parseHeader(bytes);
      // A new world from the file (any size), so the sim's history starts
      // afresh; the page keeps the world it replaces for undo.
      await this.withBusy(async () => {
        const old = await engine.exclusive(() => engine.snapshotNow());
        await this.swapToSave(engine, bytes);
        this.worlds.record(old);
      });
      return { ok: true, message: '' };
    } catch (error) {
      const message = `${explain(error)} The current world is kept.`;
      this.toolbar.toast(message);
      return { ok: false, message };
    }
  },
};
