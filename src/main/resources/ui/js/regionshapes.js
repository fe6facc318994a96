import { svg } from './dom.js';

// Geometry and drawing of the region editor. Regions hold Clarifai's normalised coordinates
// (0–1, rows from the top); the overlay's viewBox is the image in pixels, so shapes, handles and
// labels keep their proportions, and sizes given in screen pixels are divided by the zoom.

export const clamp = (v) => Math.max(0, Math.min(1, v));

let lastUid = 0;
/** A region's id in the editor (hiding and locking follow it through undo and redo). */
export const newUid = () => ++lastUid;

/** Box handles, clockwise from the top-left corner: which edges each one drags, and its cursor. */
const BOX_HANDLES = [
  { edges: 'tl', cursor: 'nwse' }, { edges: 't', cursor: 'ns' }, { edges: 'tr', cursor: 'nesw' }, { edges: 'r', cursor: 'ew' },
  { edges: 'br', cursor: 'nwse' }, { edges: 'b', cursor: 'ns' }, { edges: 'bl', cursor: 'nesw' }, { edges: 'l', cursor: 'ew' }];

/** Moves a region by (dr, dc), as a whole: it stops at the image's edges without changing shape. */
export function move(r, dr, dc) {
  if (r.box) {
    const h = r.box.bottom - r.box.top;
    const w = r.box.right - r.box.left;
    r.box.top = Math.max(0, Math.min(1 - h, r.box.top + dr));
    r.box.left = Math.max(0, Math.min(1 - w, r.box.left + dc));
    r.box.bottom = r.box.top + h;
    r.box.right = r.box.left + w;
  } else {
    const rows = r.points.map((p) => p.row);
    const cols = r.points.map((p) => p.col);
    const cr = Math.max(-Math.min(...rows), Math.min(1 - Math.max(...rows), dr));
    const cc = Math.max(-Math.min(...cols), Math.min(1 - Math.max(...cols), dc));
    r.points = r.points.map((p) => ({ row: p.row + cr, col: p.col + cc }));
  }
}

/**
 * Puts the region's coordinates back on whole image pixels: sums of fractions (k / width) drift
 * by a rounding error each, and a region moved a thousand times must still say the same pixel.
 */
export function snap(r, size) {
  const row = (v) => Math.round(v * size.height) / size.height;
  const col = (v) => Math.round(v * size.width) / size.width;
  if (r.box) r.box = { top: row(r.box.top), left: col(r.box.left), bottom: row(r.box.bottom), right: col(r.box.right) };
  else r.points = r.points.map((p) => ({ row: row(p.row), col: col(p.col) }));
}

/** Drags box handle {@code handle} to point p, keeping the box at least {@code min} (row, col) large. */
export function resizeBox(box, handle, p, min) {
  const edges = BOX_HANDLES[handle].edges;
  if (edges.includes('t')) box.top = Math.min(p.row, box.bottom - min.row);
  if (edges.includes('b')) box.bottom = Math.max(p.row, box.top + min.row);
  if (edges.includes('l')) box.left = Math.min(p.col, box.right - min.col);
  if (edges.includes('r')) box.right = Math.max(p.col, box.left + min.col);
}

/** The region's kind and size in image pixels, for the region list. */
export function describe(r, size) {
  if (r.box) {
    return `box ${Math.round((r.box.right - r.box.left) * size.width)}×${Math.round((r.box.bottom - r.box.top) * size.height)}`;
  }
  return `polygon, ${r.points.length} points`;
}

const pts = (points, size) => points.map((p) => `${p.col * size.width},${p.row * size.height}`).join(' ');

function shapeOf(r, size, attrs) {
  return r.box
    ? svg('rect', { ...attrs, x: r.box.left * size.width, y: r.box.top * size.height,
      width: (r.box.right - r.box.left) * size.width, height: (r.box.bottom - r.box.top) * size.height })
    : svg('polygon', { ...attrs, points: pts(r.points, size) });
}

function handle(row, col, size, u, attrs) {
  const half = 5 * u;
  return svg('rect', { class: 'handle', x: col * size.width - half, y: row * size.height - half, width: 2 * half,
    height: 2 * half, ...attrs });
}

/**
 * The overlay's shapes: suggestions (dashed), the regions that are not hidden, the selected
 * one's handles (none when locked), labels, and the polygon being drawn. {@code u} is viewBox
 * units per screen pixel.
 */
export function drawShapes(ed, size, u) {
  const out = [];
  ed.suggestions.forEach((r, index) => out.push(shapeOf(r, size, { class: 'shape suggestion', stroke: ed.colorOf(r.concept),
    'data-suggestion': index, 'data-concept': r.concept })));
  ed.regions.forEach((r, index) => {
    if (ed.hidden.has(r.uid)) return;
    const color = r.color || ed.colorOf(r.concept);
    const selected = index === ed.selected;
    const locked = ed.locked.has(r.uid);
    out.push(shapeOf(r, size, { class: `shape${selected ? ' selected' : ''}${r.flagged ? ' flagged' : ''}${locked ? ' locked' : ''}`,
      stroke: color, 'data-index': index, 'data-concept': r.concept }));
    if (selected && !locked && ed.mode !== 'view') {
      if (r.box) {
        const b = r.box;
        const mid = { row: (b.top + b.bottom) / 2, col: (b.left + b.right) / 2 };
        [[b.top, b.left], [b.top, mid.col], [b.top, b.right], [mid.row, b.right], [b.bottom, b.right], [b.bottom, mid.col],
          [b.bottom, b.left], [mid.row, b.left]].forEach(([row, col], i) => out.push(handle(row, col, size, u,
          { 'data-index': index, 'data-handle': i, class: `handle cursor-${BOX_HANDLES[i].cursor}` })));
      } else {
        r.points.forEach((p, i) => out.push(handle(p.row, p.col, size, u, { 'data-index': index, 'data-handle': i, class: 'handle vertex' })));
      }
    }
    const anchor = r.box ? { row: r.box.top, col: r.box.left } : r.points[0];
    const fontPx = 14;
    const label = svg('text', { x: anchor.col * size.width + 3 * u,
      y: Math.max(anchor.row * size.height - 4 * u, fontPx * u) + fontPx * 1.2 * u * (r.labelOffset || 0),
      fill: color, class: 'shape-label', 'font-size': fontPx * u });
    label.textContent = r.label || r.concept;
    out.push(label);
  });
  if (ed.draft) {
    out.push(svg('polyline', { class: 'draft', stroke: ed.colorOf(ed.draft.concept), points: pts(ed.draft.points, size) }));
    ed.draft.points.forEach((p) => out.push(svg('circle', { class: 'draft-point', cx: p.col * size.width, cy: p.row * size.height, r: 4 * u })));
  }
  return out;
}
