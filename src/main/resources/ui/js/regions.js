import { svg } from './dom.js';

const SCALE = 1000; // the overlay's viewBox is 0..1000 on both axes, stretched over the image
const STEP = 0.02;
const MIN_SIZE = 0.01;
const clamp = (v) => Math.max(0, Math.min(1, v));

/**
 * Draws and edits boxes and polygons over an image, in Clarifai's normalised coordinates
 * (0–1, rows from the top). Regions: { concept, box: {top, left, bottom, right} } or
 * { concept, points: [{row, col}] }, optionally with a color and a label (review view).
 *
 * Mouse: drag on the image draws a box (polygon tasks: click points, then Enter, a double
 * click or a click on the first point closes it); drag a shape to move it, a handle to resize.
 * Keyboard: see {@link RegionEditor#key}. In 'view' mode it only draws.
 */
export class RegionEditor {
  constructor({ mode, colorOf, onChange }) {
    this.mode = mode; // 'box' | 'polygon' | 'view'
    this.colorOf = colorOf;
    this.onChange = onChange || (() => {});
    this.regions = [];
    this.suggestions = []; // pre-labels: drawn dashed, never edited; a click accepts one
    this.onAccept = () => {};
    this.selected = -1;
    this.draft = null;
    this.activeConcept = null;
    this.el = svg('svg', { class: `regions mode-${mode}`, viewBox: `0 0 ${SCALE} ${SCALE}`, preserveAspectRatio: 'none',
      role: 'img', 'aria-label': 'regions' });
    if (mode !== 'view') this.listen();
  }

  setRegions(regions) {
    this.regions = regions.map((r) => structuredClone(r));
    this.selected = -1;
    this.draft = null;
    this.render();
  }

  /** Pre-labels shown under the regions; clicking one calls onAccept(index). */
  setSuggestions(suggestions, onAccept) {
    this.suggestions = suggestions.map((r) => structuredClone(r));
    this.onAccept = onAccept || (() => {});
    this.render();
  }

  changed() {
    this.render();
    this.onChange(this.regions);
  }

  /** Keyboard editing; returns true when the key was the editor's. */
  key(e) {
    if (this.mode === 'view') return false;
    const r = this.regions[this.selected];
    if (e.key === 'b' && !e.ctrlKey && !e.metaKey) {
      if (!this.activeConcept) return false;
      this.regions.push(this.mode === 'box'
        ? { concept: this.activeConcept, box: { top: 0.3, left: 0.3, bottom: 0.7, right: 0.7 } }
        : { concept: this.activeConcept, points: [{ row: 0.3, col: 0.3 }, { row: 0.3, col: 0.7 }, { row: 0.7, col: 0.7 }, { row: 0.7, col: 0.3 }] });
      this.selected = this.regions.length - 1;
      this.changed();
      return true;
    }
    if (e.key === 'Tab' && this.regions.length) {
      const n = this.regions.length;
      this.selected = ((this.selected < 0 ? (e.shiftKey ? 0 : -1) : this.selected) + (e.shiftKey ? n - 1 : 1)) % n;
      this.render();
      return true;
    }
    if (e.key === 'Escape' && (this.draft || this.selected >= 0)) {
      this.draft = null;
      this.selected = -1;
      this.render();
      return true;
    }
    if (e.key === 'Enter' && this.draft) {
      this.closeDraft();
      return true;
    }
    if (!r) return false;
    if (e.key === 'Delete' || e.key === 'Backspace') {
      this.regions.splice(this.selected, 1);
      this.selected = -1;
      this.changed();
      return true;
    }
    const arrows = { ArrowUp: [-STEP, 0], ArrowDown: [STEP, 0], ArrowLeft: [0, -STEP], ArrowRight: [0, STEP] };
    if (arrows[e.key]) {
      const [dr, dc] = arrows[e.key];
      if (e.shiftKey) resize(r, dr, dc);
      else move(r, dr, dc);
      this.changed();
      return true;
    }
    return false;
  }

  /** A concept key with a region selected gives it that concept. */
  setConcept(concept) {
    this.activeConcept = concept;
    const r = this.regions[this.selected];
    if (r && r.concept !== concept) {
      r.concept = concept;
      this.changed();
    } else {
      this.render();
    }
  }

  point(e) {
    const rect = this.el.getBoundingClientRect();
    return { row: clamp((e.clientY - rect.top) / rect.height), col: clamp((e.clientX - rect.left) / rect.width) };
  }

  listen() {
    let drag = null;
    this.el.addEventListener('pointerdown', (e) => {
      if (e.button !== 0) return;
      const p = this.point(e);
      const target = e.target.dataset || {};
      if (target.suggestion !== undefined && !this.draft) {
        this.onAccept(Number(target.suggestion));
        return;
      }
      this.el.setPointerCapture(e.pointerId);
      if (target.handle !== undefined) {
        drag = { kind: 'handle', index: Number(target.index), handle: Number(target.handle), from: p };
      } else if (target.index !== undefined && !this.draft) {
        this.selected = Number(target.index);
        drag = { kind: 'move', index: this.selected, from: p, moved: false };
      } else if (this.mode === 'box') {
        if (!this.activeConcept) return;
        this.regions.push({ concept: this.activeConcept, box: { top: p.row, left: p.col, bottom: p.row, right: p.col } });
        this.selected = this.regions.length - 1;
        drag = { kind: 'new', index: this.selected, origin: p };
      } else {
        if (!this.activeConcept) return;
        if (this.draft && this.draft.points.length >= 3 && near(this.draft.points[0], p)) {
          this.closeDraft();
          return;
        }
        this.draft = this.draft || { concept: this.activeConcept, points: [] };
        this.draft.points.push(p);
      }
      this.render();
    });
    this.el.addEventListener('pointermove', (e) => {
      if (!drag) return;
      const p = this.point(e);
      const r = this.regions[drag.index];
      if (drag.kind === 'new') {
        r.box = { top: Math.min(p.row, drag.origin.row), bottom: Math.max(p.row, drag.origin.row),
          left: Math.min(p.col, drag.origin.col), right: Math.max(p.col, drag.origin.col) };
      } else if (drag.kind === 'move') {
        move(r, p.row - drag.from.row, p.col - drag.from.col);
        drag.from = p;
        drag.moved = true;
      } else if (r.box) {
        const corner = drag.handle; // 0 top-left, 1 top-right, 2 bottom-right, 3 bottom-left
        if (corner === 0 || corner === 1) r.box.top = Math.min(p.row, r.box.bottom - MIN_SIZE);
        if (corner === 2 || corner === 3) r.box.bottom = Math.max(p.row, r.box.top + MIN_SIZE);
        if (corner === 0 || corner === 3) r.box.left = Math.min(p.col, r.box.right - MIN_SIZE);
        if (corner === 1 || corner === 2) r.box.right = Math.max(p.col, r.box.left + MIN_SIZE);
      } else {
        r.points[drag.handle] = p;
      }
      this.render();
    });
    this.el.addEventListener('pointerup', () => {
      if (!drag) return;
      const r = this.regions[drag.index];
      if (drag.kind === 'new' && (r.box.bottom - r.box.top < MIN_SIZE || r.box.right - r.box.left < MIN_SIZE)) {
        this.regions.splice(drag.index, 1);
        this.selected = -1;
      }
      drag = null;
      this.changed();
    });
    this.el.addEventListener('dblclick', () => this.closeDraft());
  }

  closeDraft() {
    if (this.draft && this.draft.points.length >= 3) {
      this.regions.push(this.draft);
      this.selected = this.regions.length - 1;
    }
    this.draft = null;
    this.changed();
  }

  render() {
    const shapes = [];
    this.suggestions.forEach((r, index) => {
      const common = { class: 'shape suggestion', stroke: this.colorOf(r.concept), 'data-suggestion': index,
        'data-concept': r.concept };
      shapes.push(r.box
        ? svg('rect', { ...common, x: r.box.left * SCALE, y: r.box.top * SCALE, width: (r.box.right - r.box.left) * SCALE,
          height: (r.box.bottom - r.box.top) * SCALE })
        : svg('polygon', { ...common, points: r.points.map((p) => `${p.col * SCALE},${p.row * SCALE}`).join(' ') }));
    });
    this.regions.forEach((r, index) => {
      const color = r.color || this.colorOf(r.concept);
      const selected = index === this.selected;
      const common = { class: `shape${selected ? ' selected' : ''}${r.flagged ? ' flagged' : ''}`, stroke: color, 'data-index': index,
        'data-concept': r.concept };
      if (r.box) {
        const b = r.box;
        shapes.push(svg('rect', { ...common, x: b.left * SCALE, y: b.top * SCALE, width: (b.right - b.left) * SCALE,
          height: (b.bottom - b.top) * SCALE }));
        if (selected) [[b.top, b.left], [b.top, b.right], [b.bottom, b.right], [b.bottom, b.left]]
          .forEach(([row, col], handle) => shapes.push(handleAt(row, col, index, handle)));
      } else {
        shapes.push(svg('polygon', { ...common, points: r.points.map((p) => `${p.col * SCALE},${p.row * SCALE}`).join(' ') }));
        if (selected) r.points.forEach((p, handle) => shapes.push(handleAt(p.row, p.col, index, handle)));
      }
      const anchor = r.box ? { row: r.box.top, col: r.box.left } : r.points[0];
      const label = svg('text', { x: anchor.col * SCALE + 4, y: Math.max(anchor.row * SCALE - 6, 24) + 32 * (r.labelOffset || 0), fill: color,
        class: 'shape-label' });
      label.textContent = r.label || r.concept;
      shapes.push(label);
    });
    if (this.draft) {
      shapes.push(svg('polyline', { class: 'draft', stroke: this.colorOf(this.draft.concept),
        points: this.draft.points.map((p) => `${p.col * SCALE},${p.row * SCALE}`).join(' ') }));
      this.draft.points.forEach((p) => shapes.push(svg('circle', { class: 'draft-point', cx: p.col * SCALE, cy: p.row * SCALE, r: 5 })));
    }
    this.el.replaceChildren(...shapes);
  }
}

function handleAt(row, col, index, handle) {
  return svg('rect', { class: 'handle', x: col * SCALE - 7, y: row * SCALE - 7, width: 14, height: 14,
    'data-index': index, 'data-handle': handle });
}

function near(a, b) {
  return Math.abs(a.row - b.row) < 0.02 && Math.abs(a.col - b.col) < 0.02;
}

function move(r, dr, dc) {
  if (r.box) {
    const h = r.box.bottom - r.box.top;
    const w = r.box.right - r.box.left;
    r.box.top = Math.max(0, Math.min(1 - h, r.box.top + dr));
    r.box.left = Math.max(0, Math.min(1 - w, r.box.left + dc));
    r.box.bottom = r.box.top + h;
    r.box.right = r.box.left + w;
  } else {
    r.points = r.points.map((p) => ({ row: clamp(p.row + dr), col: clamp(p.col + dc) }));
  }
}

function resize(r, dr, dc) {
  if (r.box) {
    r.box.bottom = clamp(Math.max(r.box.top + MIN_SIZE, r.box.bottom + dr));
    r.box.right = clamp(Math.max(r.box.left + MIN_SIZE, r.box.right + dc));
  } else {
    // Polygons grow or shrink about their first point.
    const o = r.points[0];
    const fr = 1 + dr * 5;
    const fc = 1 + dc * 5;
    r.points = r.points.map((p) => ({ row: clamp(o.row + (p.row - o.row) * fr), col: clamp(o.col + (p.col - o.col) * fc) }));
  }
}

/** Regions of an annotation list, as the editor holds them. */
export function regionsOf(annotations) {
  const out = [];
  for (const a of annotations) {
    for (const region of a.data?.regions || []) {
      const info = region.region_info || {};
      const concept = region.data?.concepts?.[0]?.id || '';
      if (info.bounding_box) {
        const b = info.bounding_box;
        out.push({ concept, box: { top: b.top_row || 0, left: b.left_col || 0, bottom: b.bottom_row || 0, right: b.right_col || 0 } });
      } else if (info.polygon) {
        out.push({ concept, points: (info.polygon.points || []).map((p) => ({ row: p.row || 0, col: p.col || 0 })) });
      }
    }
  }
  return out;
}

/** The region as the API's Data: one region per annotation, its concept inside. */
export function regionData(r) {
  const region_info = r.box
    ? { bounding_box: { top_row: r.box.top, left_col: r.box.left, bottom_row: r.box.bottom, right_col: r.box.right } }
    : { polygon: { points: r.points.map((p) => ({ row: p.row, col: p.col })) } };
  return { regions: [{ region_info, data: { concepts: [{ id: r.concept, value: 1 }] } }] };
}

/**
 * A labeling as the API's annotations (data only): one for the concepts present, one per
 * region. What the labeler saves (PutTaskAnnotations) and a reviewer's correction is.
 */
export function annotationsOf(label) {
  const annotations = [];
  if (label.concepts.size) annotations.push({ data: { concepts: [...label.concepts].map((c) => ({ id: c, value: 1 })) } });
  label.regions.forEach((r) => annotations.push({ data: regionData(r) }));
  return annotations;
}
