// Files: saving the world as a `.qsand` download, and opening one (the
// file picker and drag-and-drop both arrive as `load`, see ui.js), with
// the player's words for a refused save. Replays too: a `.qsreplay` is
// told from a save by its magic, whatever its name, and opens in the
// replay player; "Save replay" downloads the session so far, "Share link"
// puts it in a `#replay=` link (share-link.js). Methods of the App
// (main.js), which mixes them in.

import { ERROR, REPLAY } from './pkg/abi.js';
import { describeCode } from './errors.js';
import { downloadSave, parseHeader, readSaveFile, SaveError, saveName } from './saves.js';
import { checkRules, decodeReplay, looksLikeReplay, REPLAY_EXTENSION, ReplayError } from './replay-format.js';
import { ReplayRecorder } from './replay-recorder.js';
import { replayLinkFor } from './share-link.js';

/**
 * The largest replay file worth reading: a header and a body of
 * REPLAY.MAX_BODY_BYTES that deflate could not shrink (stored blocks add
 * 5 bytes per 65535).
 */
const MAX_REPLAY_FILE_BYTES = REPLAY.HEADER_BYTES + REPLAY.MAX_BODY_BYTES + 5 * Math.ceil(REPLAY.MAX_BODY_BYTES / 65535) + 64;

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
  if (error instanceof SaveError || error instanceof ReplayError) return error.message;
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

  /** A picked or dropped file: a replay (by its magic) plays, anything else loads as a save. */
  async loadFile(file) {
    let bytes;
    try {
      const head = new Uint8Array(await file.slice(0, REPLAY.MAGIC.length).arrayBuffer());
      if (looksLikeReplay(head)) {
        if (file.size > MAX_REPLAY_FILE_BYTES) throw new ReplayError('too-big', `"${file.name}" is ${file.size} bytes, larger than any quicksand replay.`);
        const result = await this.openReplay(new Uint8Array(await file.arrayBuffer()));
        if (result.ok) this.toolbar.toast(`Playing ${file.name}.`, { ok: true });
        return;
      }
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
      // An open replay ends first: the file replaces the world the page went on from.
      if (this.player) await this.closeReplay();
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

  /**
   * The session so far as `.qsreplay` bytes: the recording, its running
   * segment ending now, and the hash of the idle world.
   */
  async sessionReplay() {
    const engine = this.live();
    if (!this.recorder.recording) throw new ReplayError('empty', 'A replay is playing: take over to record from it, or close it to go back to your own session.');
    const replay = await engine.exclusive(() => this.recorder.snapshot(engine, { rulesId: engine.rulesId(), finalHash: engine.hashNow() }));
    return ReplayRecorder.encode(replay);
  },

  async saveReplay() {
    const bytes = await this.sessionReplay();
    const name = replayName(new Date());
    downloadSave(bytes, name);
    this.toolbar.toast(`Saved ${name} (${(bytes.length / BYTES_PER_KIB).toFixed(1)} KiB).`, { ok: true });
  },

  /** A link that plays the session; a replay too big for one is offered as a file instead. */
  async shareReplay() {
    const bytes = await this.sessionReplay();
    const link = replayLinkFor(bytes, location.href);
    if (link.tooBig) {
      const kib = (n) => (n / BYTES_PER_KIB).toFixed(0);
      this.toolbar.toast(`This session's replay is ${kib(bytes.length)} KiB, too long for a link (at most ${kib(link.limit)} KiB). Use Save replay and share the file.`);
      return;
    }
    try {
      await navigator.clipboard.writeText(link.url);
      this.toolbar.toast('A link that plays this session was copied.', { ok: true });
    } catch {
      // No clipboard (permissions, an insecure page): the link itself, to copy by hand.
      this.toolbar.toast(`Copy this link to share the session: ${link.url}`, { ok: true });
    }
  },

  /**
   * Opens replay `bytes` in the player; resolves `{ ok, message }`. A
   * file that cannot be played keeps the world (and says why).
   */
  async openReplay(bytes, { autoplay = true, keyframeSteps } = {}) {
    try {
      const engine = this.live();
      const replay = await decodeReplay(bytes);
      checkRules(replay, engine.rulesId());
      await this.withBusy(() => this.startPlayer(replay, { keyframeSteps }));
      if (autoplay) this.player?.play();
      return { ok: true, message: '' };
    } catch (error) {
      const message = `${explain(error)} The current world is kept.`;
      this.toolbar.toast(message);
      return { ok: false, message };
    }
  },
};

/** A replay's file name: quicksand-2026-05-01-143005.qsreplay (local time). */
export function replayName(date) {
  const two = (n) => String(n).padStart(2, '0');
  const day = `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}`;
  return `quicksand-${day}-${two(date.getHours())}${two(date.getMinutes())}${two(date.getSeconds())}${REPLAY_EXTENSION}`;
}
