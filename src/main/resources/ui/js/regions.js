import { svg } from './dom.js';
import { History } from './history.js';
import { clamp, move, snap, drawShapes, newUid } from './regionshapes.js';
import { listenPointer } from './regionpointer.js';

export { regionsOf, regionData, annotationsOf } from './regiondata.js';

/**
 * Draws and edits boxes and polygons over an image, in Clarifai's normalised coordinates
 * (0–1, rows from the top), whatever the zoom: the overlay is stretched over the image, so a
 * pointer's place on it is already the place on the image. Regions: { concept, box: {top, left,
 * bottom, right} } or { concept, points: [{row, col}] }, optionally with a color and a label
 * (review view); the editor gives each a {@code uid} for hiding and locking, which are view
 * state and never saved.
 *
 * Mouse: drag on the image draws a box (polygon tasks: click points, then Enter, a double
 * click or a click on the first point closes it); drag a shape to move it, a handle to resize
 * it or move a polygon's point. Keyboard: see {@link RegionEditor#key}. Draw, move, resize,
 * relabel and delete can be undone (history cleared by {@link RegionEditor#setRegions}, i.e.
 * per input). In 'view' mode it only draws.
 *
 * A shape just drawn is selected but "fresh": a concept key then picks the concept of the next
 * shape and leaves it alone; it is relabeled only once selected on purpose (a click on it or
 * its row, Tab).
 */
export class RegionEditor {
  constructor({ mode, colorOf, onChange, onSelect }) {
    this.mode = mode; // 'box' | 'polygon' | 'view'
    this.colorOf = colorOf;
    this.onChange = onChange || (() => {});
    this.onSelect = onSelect || (() => {});
    this.regions = [];
    this.suggestions = []; // pre-labels: drawn dashed, never edited; a click accepts one
    this.onAccept = () => {};
    this.selected = -1;
    this.fresh = false;
    this.draft = null;
    this.activeConcept = null;
    this.hidden = new Set();
    this.locked = new Set();
    this.size = { width: 1000, height: 1000 }; // the image's pixels, once it has loaded
    this.history = new History();
    this.el = svg('svg', { class: `regions mode-${mode}`, viewBox: '0 0 1000 1000', preserveAspectRatio: 'none',
      role: 'img', 'aria-label': 'regions' });
    if (mode !== 'view') listenPointer(this);
  }

  /** Takes the image's pixel size once it has loaded (keyboard nudges move by its pixels). */
  watchImage(img) {
    const take = () => {
      if (!img.naturalWidth) return;
      this.size = { width: img.naturalWidth, height: img.naturalHeight };
      this.el.setAttribute('viewBox', `0 0 ${this.size.width} ${this.size.height}`);
      this.render();
    };
    if (img.complete) take();
    img.addEventListener('load', take);
  }

  setRegions(regions) {
    this.regions = regions.map((r) => ({ ...structuredClone(r), uid: newUid() }));
    this.selected = -1;
    this.fresh = false;
    this.draft = null;
    this.hidden.clear();
    this.locked.clear();
    this.history.clear();
    this.render();
  }

  /** Pre-labels shown under the regions; clicking one calls onAccept(index). */
  setSuggestions(suggestions, onAccept) {
    this.suggestions = suggestions.map((r) => structuredClone(r));
    this.onAccept = onAccept || (() => {});
    this.render();
  }

  /** Adds regions (accepted suggestions) as one undoable step. */
  add(regions) {
    this.edit(() => regions.forEach((r) => this.regions.push({ ...structuredClone(r), uid: newUid() })));
  }

  snap() {
    return JSON.stringify(this.regions);
  }

  /** Runs a change as one undoable step. */
  edit(change) {
    const before = this.snap();
    change();
    this.history.record(before, this.snap());
    this.changed();
  }

  changed() {
    this.render();
    this.onChange(this.regions);
  }

  restore(snapshot) {
    if (snapshot === null) return;
    this.regions = JSON.parse(snapshot);
    this.selected = -1;
    this.draft = null;
    this.changed();
    this.onSelect(this.selected);
  }

  undo() { this.restore(this.history.undo(this.snap())); }

  redo() { this.restore(this.history.redo(this.snap())); }

  /** Selects region i (-1: none); {@code fresh} marks a shape just drawn. Tells onSelect (the list redraws). */
  select(i, fresh = false) {
    this.selected = i;
    this.fresh = fresh && i >= 0;
    this.render();
    this.onSelect(i);
  }

  isLocked(i) { return this.locked.has(this.regions[i]?.uid); }

  isHidden(i) { return this.hidden.has(this.regions[i]?.uid); }

  toggleHidden(i) {
    const uid = this.regions[i].uid;
    if (!this.hidden.delete(uid)) this.hidden.add(uid);
    if (this.hidden.has(uid) && this.selected === i) this.select(-1);
    else this.select(this.selected, this.fresh);
  }

  toggleLocked(i) {
    const uid = this.regions[i].uid;
    if (!this.locked.delete(uid)) this.locked.add(uid);
    this.select(this.selected, this.fresh);
  }

  /** Deletes region i unless it is locked; returns whether it did. */
  remove(i) {
    if (!this.regions[i] || this.isLocked(i)) return false;
    this.edit(() => this.regions.splice(i, 1));
    this.select(-1);
    return true;
  }

  /** Moves the selected region by whole image pixels, stopping at the image's edges. */
  nudge(dy, dx) {
    const r = this.regions[this.selected];
    if (!r || this.isLocked(this.selected)) return;
    this.edit(() => {
      move(r, dy / this.size.height, dx / this.size.width);
      snap(r, this.size);
    });
  }

  /** Keyboard editing; returns true when the key was the editor's. */
  key(e) {
    if (this.mode === 'view') return false;
    if (e.key === 'b' && !e.ctrlKey && !e.metaKey) {
      if (!this.activeConcept) return false;
      this.edit(() => this.regions.push(this.mode === 'box'
        ? { concept: this.activeConcept, box: { top: 0.3, left: 0.3, bottom: 0.7, right: 0.7 }, uid: newUid() }
        : { concept: this.activeConcept, points: [{ row: 0.3, col: 0.3 }, { row: 0.3, col: 0.7 }, { row: 0.7, col: 0.7 },
          { row: 0.7, col: 0.3 }], uid: newUid() }));
      this.select(this.regions.length - 1, true);
      return true;
    }
    if (e.key === 'Tab' && this.regions.length) {
      const shown = this.regions.map((r, i) => i).filter((i) => !this.isHidden(i));
      if (!shown.length) return false;
      const at = shown.indexOf(this.selected);
      const next = at < 0 ? (e.shiftKey ? shown.length - 1 : 0) : (at + (e.shiftKey ? shown.length - 1 : 1)) % shown.length;
      this.select(shown[next]);
      return true;
    }
    if (e.key === 'Escape' && (this.draft || this.selected >= 0)) {
      this.draft = null;
      this.select(-1);
      return true;
    }
    if (this.draft && e.key === 'Enter') {
      this.closeDraft();
      return true;
    }
    if (this.draft && e.key === 'Backspace') {
      this.draft.points.pop();
      if (!this.draft.points.length) this.draft = null;
      this.render();
      return true;
    }
    if (this.selected < 0) return false;
    if (e.key === 'Delete' || e.key === 'Backspace') {
      this.remove(this.selected);
      return true; // a locked shape stays, and the key does nothing else
    }
    const arrows = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    if (arrows[e.key]) {
      const step = e.shiftKey ? 10 : 1;
      this.nudge(arrows[e.key][0] * step, arrows[e.key][1] * step);
      return true;
    }
    return false;
  }

  /**
   * A concept key: the concept of the next shape, and of the selected one when it was
   * selected on purpose (not one just drawn) and is not locked.
   */
  setConcept(concept) {
    this.activeConcept = concept;
    const r = this.regions[this.selected];
    if (r && !this.fresh && !this.isLocked(this.selected) && r.concept !== concept) this.edit(() => { r.concept = concept; });
    else this.render();
  }

  /** The pointer's place on the image, on whole image pixels (so moves and resizes stay on them too). */
  point(e) {
    const rect = this.el.getBoundingClientRect();
    const { width, height } = this.size;
    return { row: clamp(Math.round((e.clientY - rect.top) / rect.height * height) / height),
      col: clamp(Math.round((e.clientX - rect.left) / rect.width * width) / width) };
  }

  /** True when two points are within 8 screen pixels (closing a polygon on its first point). */
  near(a, b) {
    const rect = this.el.getBoundingClientRect();
    return Math.abs(a.row - b.row) * rect.height < 8 && Math.abs(a.col - b.col) * rect.width < 8;
  }

  closeDraft() {
    if (!this.draft) return;
    const draft = this.draft;
    this.draft = null;
    if (draft.points.length < 3) {
      this.render();
      return;
    }
    this.edit(() => this.regions.push({ ...draft, uid: newUid() }));
    this.select(this.regions.length - 1, true);
  }

  render() {
    const width = this.el.getBoundingClientRect().width;
    const u = width > 0 ? this.size.width / width : 1; // viewBox units per screen pixel
    this.el.replaceChildren(...drawShapes(this, this.size, u));
  }
}
