import { h } from './dom.js';

/**
 * The tool bar above the labeling stage: undo/redo (detection tasks), zoom out/in, fit, the
 * zoom shown, brightness and contrast (on the image only, never saved) with a reset, and the
 * shortcut sheet. {@code update()} brings its state in line with the editor and the viewport.
 */
export function toolbar({ editor, viewport, openSheet }) {
  const button = (id, label, text, onclick) => h('button', { type: 'button', id, class: 'tool', 'aria-label': label,
    title: label, onclick }, text);
  const undo = editor ? button('undo', 'Undo (Ctrl+Z)', '↶ Undo', () => editor.undo()) : null;
  const redo = editor ? button('redo', 'Redo (Ctrl+Shift+Z)', '↷ Redo', () => editor.redo()) : null;
  const zoomOut = button('zoom-out', 'Zoom out (−)', '−', () => viewport.zoomBy(1 / 1.25));
  const zoomIn = button('zoom-in', 'Zoom in (+)', '+', () => viewport.zoomBy(1.25));
  const fit = button('zoom-fit', 'Fit the image (0)', 'Fit', () => viewport.fit());
  const zoom = h('output', { id: 'zoom-level', 'aria-label': 'Zoom' }, '100%');
  const slider = (name, label) => {
    const input = h('input', { type: 'range', id: name, min: 20, max: 300, step: 5, value: viewport.filters[name],
      oninput: (e) => viewport.setFilter(name, Number(e.target.value)) });
    return { input, el: h('label', { class: 'slider', for: name }, label, input) };
  };
  const brightness = slider('brightness', 'Brightness');
  const contrast = slider('contrast', 'Contrast');
  const reset = button('filters-reset', 'Reset brightness and contrast', 'Reset', () => viewport.resetFilters());
  const sheet = button('shortcuts-open', 'Keyboard shortcuts (?)', '?', openSheet);
  const imageTools = h('div', { class: 'tool-group', role: 'group', 'aria-label': 'Image view' },
    zoomOut, zoom, zoomIn, fit, brightness.el, contrast.el, reset);
  const el = h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Labeling tools' },
    editor ? h('div', { class: 'tool-group', role: 'group', 'aria-label': 'History' }, undo, redo) : null,
    imageTools, sheet);

  function update() {
    if (editor) {
      undo.disabled = !editor.history.canUndo;
      redo.disabled = !editor.history.canRedo;
    }
    imageTools.hidden = !viewport.enabled;
    el.hidden = !editor && !viewport.enabled; // a text to classify: nothing to zoom or undo (the side says `?`)
    zoom.textContent = `${Math.round(viewport.zoom * 100)}%`;
    zoomOut.disabled = viewport.zoom <= 1;
    brightness.input.value = viewport.filters.brightness;
    contrast.input.value = viewport.filters.contrast;
    reset.disabled = viewport.filters.brightness === 100 && viewport.filters.contrast === 100;
  }
  update();
  return { el, update };
}
