// Keyframes of a replay's worlds: saves `{ step, eventIndex, bytes }` of a
// segment's world at a step boundary, taken on an idle world, from which a
// seek re-simulates instead of from the segment's start. `eventIndex` is
// how many of the segment's events the world had applied when it was
// saved (events of the keyframe's own step may lie on either side).
//
// Compression. A player's keyframe is kept deflated (`CompressionStream
// ('deflate-raw')`): a save of a sand world is mostly long runs (empty
// space, ambient temperature), so a 1024² save of ~4 MB packs into a few
// hundred KB (docs/PERFORMANCE.md, "Replays"), and the budget holds many
// more keyframes: seeks re-simulate fewer steps. Packing runs after `add`
// returns (the raw bytes serve until it is done, and count against the
// budget meanwhile); inflating one costs a few ms of a seek.
//
// Memory: all keyframes of one collection together stay within its budget
// (as stored): PLAYER_KEYFRAME_BUDGET_BYTES for a player's deflated ones,
// RECORDER_KEYFRAME_BUDGET_BYTES for the recorder's raw checkpoints. Past
// it every other keyframe of each segment is dropped and `spacing`
// doubles, so that the ones taken from then on are as far apart as the
// ones kept. Pinned keyframes (the start of a RELOAD segment, which has no
// start of its own) are never dropped.
//
// Reach. A keyframe has no undo history, so an UNDO or REDO played from it
// may come out otherwise than recorded (replay-player.js says why that is
// the only way it can differ). `reach` is the index of the first event it
// is known to get wrong: it serves only worlds with fewer events applied.
//
// The recorder adds the checkpoint saves the page takes anyway
// (checkpoint.js); the player adds its own as it plays (replay-player.js).

/**
 * A player's keyframes. Deflated, a busy 1024² world's keyframe is ~420 KB,
 * so a 10-minute replay's keyframes every ~500 ms of crew time take ~150 MB
 * (docs/PERFORMANCE.md, "Replays"): half this budget held them only twice
 * as far apart, and its seeks took up to 1.7 s instead of 0.7 s.
 */
export const PLAYER_KEYFRAME_BUDGET_BYTES = 256 * 1024 * 1024;
/** The recorder's checkpoint saves, kept raw (~4 MB at 1024²): live play never packs. */
export const RECORDER_KEYFRAME_BUDGET_BYTES = 128 * 1024 * 1024;

const COMPRESSION = 'deflate-raw';
const canCompress = typeof CompressionStream === 'function' && typeof DecompressionStream === 'function';

async function pipe(bytes, transform) {
  const stream = new Blob([bytes]).stream().pipeThrough(transform);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export class ReplayKeyframes {
  /**
   * `compress` packs keyframes (where the browser can): the player's do;
   * the recorder's checkpoint saves do not, because packing a big save
   * costs the main thread tens of ms, a hitch in live play.
   */
  constructor(budgetBytes, { compress = false } = {}) {
    this.budgetBytes = budgetBytes;
    this.compress = compress && canCompress;
    /** Per segment (the segment object itself): keyframes in step, then event order. */
    this.bySegment = new Map();
    /** Bytes held, as stored (packed where packing is done). */
    this.bytes = 0;
    /** How many times the keyframes were thinned out: takers space theirs by 2^spacing. */
    this.spacing = 0;
    /** Packings not done yet. */
    this.packing = new Set();
  }

  /**
   * Adds a keyframe of `segment`'s world from save `bytes`; thins out when
   * over the budget. Returns a promise that settles once it is packed
   * (never rejects: a keyframe that cannot be packed stays raw).
   */
  add(segment, { step, eventIndex, bytes, pinned = false }) {
    const keyframe = this.insert(segment, { step, eventIndex, stored: bytes, packed: false, size: bytes.length, pinned, reach: Infinity });
    if (!keyframe || !this.compress) return Promise.resolve();
    const packing = pipe(bytes, new CompressionStream(COMPRESSION)).then(
      (packed) => {
        // Dropped meanwhile: nothing to account for.
        if (!this.holds(segment, keyframe)) return;
        this.bytes += packed.length - keyframe.stored.length;
        keyframe.stored = packed;
        keyframe.packed = true;
      },
      () => {},
    );
    this.packing.add(packing);
    packing.then(() => this.packing.delete(packing));
    return packing;
  }

  /** Resolves once every keyframe added so far is packed. */
  async whenPacked() {
    while (this.packing.size) await Promise.all([...this.packing]);
  }

  /** Puts `keyframe` into `segment`'s list in order (null when one is there already) and keeps to the budget. */
  insert(segment, keyframe) {
    const list = this.bySegment.get(segment) ?? [];
    if (!this.bySegment.has(segment)) this.bySegment.set(segment, list);
    if (list.some((k) => k.step === keyframe.step && k.eventIndex === keyframe.eventIndex)) return null;
    const at = list.findIndex((k) => k.step > keyframe.step || (k.step === keyframe.step && k.eventIndex > keyframe.eventIndex));
    list.splice(at < 0 ? list.length : at, 0, keyframe);
    this.bytes += keyframe.stored.length;
    while (this.bytes > this.budgetBytes && this.thin()) {
      // Each pass drops about half of what can go.
    }
    return keyframe;
  }

  holds(segment, keyframe) {
    return (this.bySegment.get(segment) ?? []).includes(keyframe);
  }

  /** The save bytes of `keyframe` (inflated when packed). */
  async bytesOf(keyframe) {
    return keyframe.packed ? pipe(keyframe.stored, new DecompressionStream(COMPRESSION)) : keyframe.stored;
  }

  /** Drops every other unpinned keyframe of every segment; false when nothing could go. */
  thin() {
    let dropped = false;
    for (const [segment, list] of this.bySegment) {
      let odd = false;
      const kept = list.filter((k) => {
        if (k.pinned) return true;
        odd = !odd;
        if (odd) return true;
        this.bytes -= k.stored.length;
        dropped = true;
        return false;
      });
      this.bySegment.set(segment, kept);
    }
    // A single unpinned keyframe per segment survives a pass: drop those too when still over.
    if (!dropped) {
      for (const [segment, list] of this.bySegment) {
        const kept = list.filter((k) => k.pinned);
        for (const k of list) if (!k.pinned) this.bytes -= k.stored.length;
        dropped ||= kept.length !== list.length;
        this.bySegment.set(segment, kept);
      }
    }
    if (dropped) this.spacing++;
    return dropped;
  }

  /**
   * The last keyframe of `segment` at or before `step` (and, if given, at
   * or before event `eventIndex`) that reaches a world with `applied`
   * events applied, or null.
   */
  atOrBefore(segment, step, eventIndex = Infinity, applied = 0) {
    const list = this.bySegment.get(segment) ?? [];
    for (let i = list.length - 1; i >= 0; i--) {
      const k = list[i];
      if (k.step <= step && k.eventIndex <= eventIndex && applied <= k.reach) return k;
    }
    return null;
  }

  /**
   * Played from `origin`, event `eventIndex` came out otherwise than
   * recorded: neither `origin` nor any later keyframe up to that event
   * (with even less of the history) reaches past it.
   */
  cannotReach(segment, origin, eventIndex) {
    for (const k of this.bySegment.get(segment) ?? []) {
      const between = k === origin || (k.step >= origin.step && k.eventIndex >= origin.eventIndex && k.eventIndex <= eventIndex);
      if (between && !k.pinned) k.reach = Math.min(k.reach, eventIndex);
    }
  }

  /** How many keyframes there are, and how many bytes they hold as stored. */
  summary() {
    let count = 0;
    let packed = 0;
    for (const list of this.bySegment.values()) {
      count += list.length;
      packed += list.filter((k) => k.packed).length;
    }
    return { count, packed, bytes: this.bytes, spacing: this.spacing };
  }

  /** The last keyframe of `segment`, or null. */
  last(segment) {
    const list = this.bySegment.get(segment);
    return list?.length ? list[list.length - 1] : null;
  }

  /** Forgets `segment`'s keyframes (it left the recording). */
  drop(segment) {
    for (const k of this.bySegment.get(segment) ?? []) this.bytes -= k.stored.length;
    this.bySegment.delete(segment);
  }

  /**
   * The keyframes for a branch: `mapping` pairs each kept segment with its
   * copy, and `limit(segment, keyframe)` says which keyframes of it stay.
   * They share their stored bytes (never changed once packed).
   */
  branch(mapping, limit = () => true) {
    const copy = new ReplayKeyframes(this.budgetBytes, { compress: this.compress });
    copy.spacing = this.spacing;
    for (const [from, to] of mapping) {
      for (const k of this.bySegment.get(from) ?? []) {
        if (!limit(from, k)) continue;
        // One still being packed stays raw in the copy.
        copy.insert(to, { ...k });
      }
    }
    return copy;
  }
}
