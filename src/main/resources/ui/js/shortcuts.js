import { h } from './dom.js';

// Concept shortcut keys, in order: digits first, then letters no command uses
// (commands: b box, n next, p previous, 0 fit the image). The review page's verbs (a, c, x, e)
// act only while no correction is open, and its concept keys only while one is.
const KEYS = '123456789qwertyuioasdfghjklzxcvm'.split('');

/** Shortcut key by concept id, for the first concepts (there are not enough keys for all). */
export function conceptKeys(conceptIds) {
  const byConcept = new Map();
  conceptIds.forEach((id, i) => { if (i < KEYS.length) byConcept.set(id, KEYS[i]); });
  return byConcept;
}

/** True when a key press belongs to a form field, not to the page's shortcuts. */
export function typing(e) {
  const t = e.target;
  return t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);
}

/** True for Ctrl (Cmd on a Mac) + the key, with Shift as given. */
export function command(e, key, shift = false) {
  return (e.ctrlKey || e.metaKey) && !e.altKey && e.shiftKey === shift && e.key.toLowerCase() === key;
}

/**
 * Every shortcut of the labeling page, the one source of the shortcut sheet (`?`) and the
 * README's list. {@code on}: 'all', 'regions' (detection tasks) or 'image' (image inputs).
 */
export const LABELING_SHORTCUTS = [
  { group: 'Labels', keys: [['1'], ['9']], sep: '–', text: 'Concepts in order (then q, w, e…: the key is on each concept\'s button). Classification: toggle it. Detection: the concept of the next shape, and of the shape selected on purpose (not one just drawn).', on: 'all' },
  { group: 'Labels', keys: [['Ctrl', 'Z']], text: 'Undo (draw, move, resize, relabel, delete)', on: 'regions' },
  { group: 'Labels', keys: [['Ctrl', 'Shift', 'Z'], ['Ctrl', 'Y']], text: 'Redo', on: 'regions' },
  { group: 'Shapes', keys: [['b']], text: 'New shape in the middle of the image', on: 'regions' },
  { group: 'Shapes', keys: [['Tab'], ['Shift', 'Tab']], text: 'Select the next / previous shape', on: 'regions' },
  { group: 'Shapes', keys: [['←'], ['→'], ['↑'], ['↓']], text: 'Move the selected shape by 1 image pixel', on: 'regions' },
  { group: 'Shapes', keys: [['Shift', 'arrows']], text: 'Move the selected shape by 10 image pixels', on: 'regions' },
  { group: 'Shapes', keys: [['Del'], ['Backspace']], text: 'Delete the selected shape (not when locked)', on: 'regions' },
  { group: 'Shapes', keys: [['Enter']], text: 'Close the polygon being drawn (also a double click, or a click on its first point)', on: 'regions' },
  { group: 'Shapes', keys: [['Esc']], text: 'Cancel the polygon being drawn, or deselect', on: 'regions' },
  { group: 'View', keys: [['+'], ['−']], text: 'Zoom in / out (also the mouse wheel, around the pointer)', on: 'image' },
  { group: 'View', keys: [['0']], text: 'Fit the image', on: 'image' },
  { group: 'View', keys: [['Space', 'drag']], text: 'Pan (also a middle-button drag)', on: 'image' },
  { group: 'View', keys: [['←'], ['→'], ['↑'], ['↓']], text: 'Pan while zoomed in and no shape is selected', on: 'image' },
  { group: 'Inputs', keys: [['→'], ['n'], ['Enter']], text: 'Next input (arrows: when not zoomed in and nothing is selected)', on: 'all' },
  { group: 'Inputs', keys: [['←'], ['p']], text: 'Previous input', on: 'all' },
  { group: 'Inputs', keys: [['Shift', 'Enter']], text: 'Submit the batch', on: 'all' },
  { group: 'Help', keys: [['?']], text: 'This list (Esc closes it)', on: 'all' },
];

const combo = (keys) => keys.flatMap((k, i) => [i ? '+' : null, h('kbd', {}, k)]).filter(Boolean);

/**
 * The shortcut sheet: a modal dialog (the page behind is inert, so focus stays in it; Esc and
 * the close button close it and focus returns where it was), labelled by its heading.
 * {@code kinds}: the 'on' values that apply to the page shown.
 */
export function shortcutSheet(kinds) {
  const rows = LABELING_SHORTCUTS.filter((s) => kinds.includes(s.on));
  const groups = [...new Set(rows.map((s) => s.group))];
  const close = h('button', { type: 'button', class: 'close', id: 'shortcuts-close', 'aria-label': 'Close' }, '×');
  const dialog = h('dialog', { class: 'shortcut-sheet', id: 'shortcuts', 'aria-labelledby': 'shortcuts-title' }, h('div', {},
    h('div', { class: 'row' }, h('h2', { id: 'shortcuts-title' }, 'Keyboard shortcuts'), close),
    groups.map((g) => h('section', {}, h('h3', {}, g), h('table', {}, h('tbody', {}, rows.filter((s) => s.group === g)
      .map((s) => h('tr', {}, h('th', { scope: 'row' }, s.keys.flatMap((k, i) => [i ? (s.sep || ' / ') : null, ...combo(k)])
        .filter(Boolean)), h('td', {}, s.text)))))))));
  close.addEventListener('click', () => dialog.close());
  // A click on the backdrop (outside the box) closes it too.
  dialog.addEventListener('click', (e) => { if (e.target === dialog) dialog.close(); });
  return dialog;
}

// Distinct hues, each dark enough for white text on it (WCAG AA, 4.5:1): a chosen concept's
// button is filled with its colour.
const PALETTE = ['#d1103f', '#1f7a35', '#3556c8', '#b54f00', '#8a1cab', '#0a7480', '#b5127a', '#66690a', '#8a5520', '#1a1a8c'];

export function colorFor(index) {
  return PALETTE[index % PALETTE.length];
}
