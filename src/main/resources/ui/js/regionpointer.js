import { move, resizeBox, snap, newUid } from './regionshapes.js';

/**
 * The region editor's mouse (and pen, and touch) editing: a drag on the image draws a box, clicks
 * draw a polygon, a drag on a shape moves it, on a handle resizes it or moves a polygon's point.
 * Each drag is one undoable step, recorded when the pointer is let go.
 */
export function listenPointer(ed) {
  let drag = null;
  const min = () => ({ row: 2 / ed.size.height, col: 2 / ed.size.width });
  ed.el.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    e.preventDefault(); // no text selection, no native drag of a selection: they would cancel the pointer
    const p = ed.point(e);
    const target = e.target.dataset || {};
    if (target.suggestion !== undefined && !ed.draft) {
      ed.onAccept(Number(target.suggestion));
      return;
    }
    ed.el.setPointerCapture(e.pointerId);
    const index = Number(target.index);
    if (target.handle !== undefined && !ed.isLocked(index)) {
      drag = { kind: 'handle', index, handle: Number(target.handle), before: ed.snap() };
    } else if (target.index !== undefined && !ed.draft) {
      ed.select(index);
      if (!ed.isLocked(index)) drag = { kind: 'move', index, from: p, before: ed.snap() };
    } else if (ed.mode === 'box') {
      if (!ed.activeConcept) return;
      const before = ed.snap();
      ed.regions.push({ concept: ed.activeConcept, box: { top: p.row, left: p.col, bottom: p.row, right: p.col }, uid: newUid() });
      ed.selected = ed.regions.length - 1;
      drag = { kind: 'new', index: ed.selected, origin: p, before };
    } else {
      if (!ed.activeConcept) return;
      if (ed.draft && ed.draft.points.length >= 3 && ed.near(ed.draft.points[0], p)) {
        ed.closeDraft();
        return;
      }
      ed.selected = -1;
      ed.draft = ed.draft || { concept: ed.activeConcept, points: [] };
      ed.draft.points.push(p);
    }
    ed.render();
  });
  const dragTo = (e) => {
    const p = ed.point(e);
    const r = ed.regions[drag.index];
    if (drag.kind === 'new') {
      r.box = { top: Math.min(p.row, drag.origin.row), bottom: Math.max(p.row, drag.origin.row),
        left: Math.min(p.col, drag.origin.col), right: Math.max(p.col, drag.origin.col) };
    } else if (drag.kind === 'move') {
      move(r, p.row - drag.from.row, p.col - drag.from.col);
      snap(r, ed.size);
      drag.from = p;
    } else if (r.box) {
      resizeBox(r.box, drag.handle, p, min());
    } else {
      r.points[drag.handle] = p;
    }
    ed.render();
  };
  ed.el.addEventListener('pointermove', (e) => { if (drag) dragTo(e); });
  // Let go: where the pointer was let go, whether or not a move event told it; cancelled
  // (the browser took the pointer): where the last move left it.
  const end = (e, cancelled) => {
    if (!drag) return;
    if (!cancelled) dragTo(e);
    const r = ed.regions[drag.index];
    const done = drag;
    drag = null;
    if (done.kind === 'new') {
      if (r.box.bottom - r.box.top < min().row || r.box.right - r.box.left < min().col) {
        ed.regions.splice(done.index, 1);
        ed.select(-1);
        ed.render();
        return;
      }
      ed.fresh = true;
    }
    ed.history.record(done.before, ed.snap());
    ed.changed();
    ed.onSelect(ed.selected);
  };
  ed.el.addEventListener('pointerup', (e) => end(e, false));
  ed.el.addEventListener('pointercancel', (e) => end(e, true));
  ed.el.addEventListener('dblclick', () => ed.closeDraft());
}
