import { h } from './dom.js';
import { describe } from './regionshapes.js';

/**
 * The list of an input's regions beside the image, as Label Studio has it: each with its
 * concept and kind; a click selects it (on purpose: the next concept key relabels it), and
 * buttons hide/show, lock/unlock and delete it. Locked regions cannot be moved, resized,
 * relabeled or deleted until unlocked; hidden ones are still saved.
 */
export function regionList(editor, colorOf) {
  const rows = editor.regions.map((r, i) => {
    const hidden = editor.isHidden(i);
    const locked = editor.isLocked(i);
    const name = `${r.box ? 'box' : 'polygon'} ${i + 1} (${r.concept})`;
    const selected = i === editor.selected;
    return h('li', { class: `region-item${selected ? ' selected' : ''}${hidden ? ' is-hidden' : ''}`,
      dataset: { index: i, concept: r.concept }, style: `--c:${colorOf(r.concept)}` },
    h('button', { type: 'button', class: 'region-select', 'aria-pressed': selected ? 'true' : 'false',
      title: hidden ? 'Hidden: show it to select it' : 'Select (then a concept relabels it)', disabled: hidden,
      onclick: () => editor.select(selected ? -1 : i) },
    h('span', { class: 'swatch', 'aria-hidden': 'true' }),
    h('span', { class: 'ellipsis region-concept' }, r.concept),
    h('span', { class: 'muted region-kind' }, describe(r, editor.size))),
    h('button', { type: 'button', class: 'icon region-hide', 'aria-pressed': hidden ? 'true' : 'false',
      'aria-label': `${hidden ? 'Show' : 'Hide'} ${name}`, title: hidden ? 'Show' : 'Hide',
      onclick: () => editor.toggleHidden(i) }, eye(hidden)),
    h('button', { type: 'button', class: 'icon region-lock', 'aria-pressed': locked ? 'true' : 'false',
      'aria-label': `${locked ? 'Unlock' : 'Lock'} ${name}`, title: locked ? 'Unlock' : 'Lock',
      onclick: () => editor.toggleLocked(i) }, lock(locked)),
    h('button', { type: 'button', class: 'icon region-delete', 'aria-label': `Delete ${name}`,
      title: locked ? 'Locked: unlock it to delete it' : 'Delete', disabled: locked, onclick: () => editor.remove(i) }, '✕'));
  });
  return h('section', { class: 'region-list', 'aria-label': 'Regions' },
    h('h2', {}, `Regions (${editor.regions.length})`),
    rows.length ? h('ul', { id: 'region-list' }, rows)
      : h('p', { class: 'muted', id: 'region-list' }, editor.mode === 'polygon'
        ? 'None yet: click points on the image, then Enter.' : 'None yet: drag on the image to draw a box.'));
}

// Icons as inline SVG built with the DOM (the page's CSP forbids inline markup strings).
const NS = 'http://www.w3.org/2000/svg';
function icon(paths) {
  const el = document.createElementNS(NS, 'svg');
  el.setAttribute('viewBox', '0 0 24 24');
  el.setAttribute('aria-hidden', 'true');
  el.setAttribute('class', 'icon-svg');
  for (const d of paths) {
    const p = document.createElementNS(NS, 'path');
    p.setAttribute('d', d);
    el.append(p);
  }
  return el;
}

function eye(hidden) {
  return icon(hidden
    ? ['M2 12s3.6-7 10-7 10 7 10 7-3.6 7-10 7S2 12 2 12z', 'M12 9a3 3 0 1 0 0 6 3 3 0 0 0 0-6z', 'M3 3l18 18']
    : ['M2 12s3.6-7 10-7 10 7 10 7-3.6 7-10 7S2 12 2 12z', 'M12 9a3 3 0 1 0 0 6 3 3 0 0 0 0-6z']);
}

function lock(locked) {
  return icon(locked
    ? ['M6 11h12v10H6z', 'M8 11V7a4 4 0 0 1 8 0v4']
    : ['M6 11h12v10H6z', 'M8 11V7a4 4 0 0 1 7.5-2']);
}
