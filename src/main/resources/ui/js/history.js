/**
 * Undo and redo as whole snapshots (strings) of what can be undone: small (an input's regions),
 * so a copy per step is cheaper to get right than inverse operations. The owner takes a
 * snapshot before a change and hands it to {@link History#record} once the change is done;
 * a step that changed nothing is not recorded.
 */
export class History {
  constructor(limit = 200) {
    this.limit = limit;
    this.clear();
  }

  clear() {
    this.past = [];
    this.future = [];
  }

  record(before, after) {
    if (before === after) return;
    this.past.push(before);
    if (this.past.length > this.limit) this.past.shift();
    this.future = [];
  }

  /** The snapshot to go back to, or null; {@code current} becomes redoable. */
  undo(current) {
    if (!this.past.length) return null;
    this.future.push(current);
    return this.past.pop();
  }

  redo(current) {
    if (!this.future.length) return null;
    this.past.push(current);
    return this.future.pop();
  }

  get canUndo() { return this.past.length > 0; }

  get canRedo() { return this.future.length > 0; }
}
