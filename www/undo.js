// The last few world states before an edit, as save bytes copied out of
// wasm memory, so they survive engine restarts and memory growth.

export class UndoStack {
  constructor(depth) {
    this.depth = depth;
    this.entries = [];
    this.onChange = () => {};
  }

  /** `entry`: `{ bytes, stroke }`; strokes queued from `stroke` on are dropped on undo. */
  push(entry) {
    this.entries.push(entry);
    if (this.entries.length > this.depth) this.entries.shift();
    this.onChange();
  }

  pop() {
    const entry = this.entries.pop() ?? null;
    this.onChange();
    return entry;
  }

  clear() {
    this.entries = [];
    this.onChange();
  }

  get size() {
    return this.entries.length;
  }
}
