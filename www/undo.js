// The page's part of undo: the worlds a size change or an opened file
// replaced, as saves. Strokes, clears and scenes are undone by the sim
// itself (`engine.undo()`, docs/ABI.md "Undo and redo"); a replaced world
// is gone from wasm memory, so only a save can bring it back.

export class WorldHistory {
  /** Keeps at most `depth` saves each way (a save is 2 bytes a cell). */
  constructor(depth) {
    this.depth = depth;
    this.undone = [];
    this.redone = [];
  }

  /** The world `bytes` was just replaced by a new one: undo brings it back. */
  record(bytes) {
    this.undone.push(bytes);
    if (this.undone.length > this.depth) this.undone.shift();
    this.redone = [];
  }

  /** Takes the newest replaced world for undo; `current` (the world now) becomes the redo. */
  undo(current) {
    const bytes = this.undone.pop() ?? null;
    if (bytes) this.redone.push(current);
    return bytes;
  }

  /** Takes the world the last undo replaced; `current` becomes undoable again. */
  redo(current) {
    const bytes = this.redone.pop() ?? null;
    if (bytes) this.undone.push(current);
    return bytes;
  }

  /** A new edit: what was undone stays undone. */
  dropRedo() {
    this.redone = [];
  }

  get undoSize() {
    return this.undone.length;
  }

  get redoSize() {
    return this.redone.length;
  }
}
