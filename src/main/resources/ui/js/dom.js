// A tiny element builder: every text goes in as text (never HTML), so names from the API
// cannot inject markup, however long or strange they are.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    // Through the CSSOM: the page's Content-Security-Policy refuses inline style attributes.
    else if (key === 'style') el.style.cssText = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'value') el.value = value;
    else if (key === 'checked') el.checked = !!value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function svg(tag, attrs = {}) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, String(value));
  return el;
}

/** Replaces the main view's content and moves focus there, for keyboard and screen reader users. */
export function show(...children) {
  const view = document.getElementById('view');
  // Sections a page leaves out (null) are skipped, as h skips them, never printed as "null".
  view.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return view;
}

/** Removes the toast now: the router calls it on every page change, so none outlives its page. */
export function clearToast() {
  clearTimeout(toast.timer);
  document.getElementById('toast')?.replaceChildren();
}

export function toast(text, kind = 'info') {
  const box = document.getElementById('toast');
  box.replaceChildren(h('div', { class: 'toast ' + kind }, text));
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => box.replaceChildren(), 4000);
}

/** A progress bar with its percentage written out, for a 0–100 value. */
export function progress(percent, label) {
  const p = Math.max(0, Math.min(100, Math.round(percent || 0)));
  return h('div', { class: 'progress', role: 'progressbar', 'aria-valuenow': p, 'aria-valuemin': 0,
    'aria-valuemax': 100, 'aria-label': label, title: `${label}: ${p}%` },
  h('div', { class: 'bar', style: `width:${p}%` }), h('span', {}, `${p}%`));
}

/** The API error's description and details, as a block the user can read. */
export function errorBox(error) {
  const box = h('div', { class: 'error', role: 'alert' });
  if (error) {
    box.append(h('strong', {}, error.description || 'Request failed'));
    if (error.details) box.append(h('div', { class: 'details' }, error.details));
    if (error.code) box.append(h('div', { class: 'code' }, `status ${error.code}`));
  }
  return box;
}

/** The screen shown when a labeling or review queue has nothing left, linking to the task's progress. */
export function emptyQueue(id, title, text, taskId) {
  return h('div', { class: 'done', id }, h('h2', {}, title), h('p', {}, text),
    h('a', { class: 'button', href: `#/task/${encodeURIComponent(taskId)}` }, 'Task progress'));
}

/**
 * A secret shown once (a new key): read-only, selectable, with a copy button, and the warning
 * that it cannot be shown again. The page never stores it.
 */
export function secretBox(secret, id = 'new-secret') {
  const field = h('input', { id, class: 'secret', readonly: true, value: secret, 'aria-label': 'New key secret',
    onfocus: (e) => e.target.select() });
  const copied = h('span', { class: 'muted', role: 'status' });
  const copy = h('button', { type: 'button', class: 'copy', id: `${id}-copy`, onclick: async () => {
    try {
      await navigator.clipboard.writeText(secret);
    } catch {
      // No clipboard API (a page served over plain HTTP from another host): copy the selection.
      field.select();
      document.execCommand('copy');
    }
    copied.textContent = 'Copied';
  } }, 'Copy');
  return h('div', { class: 'secret-box', role: 'region', 'aria-label': 'New key' },
    h('p', {}, h('strong', {}, 'Copy this secret now: '), 'it is shown only once, and the server keeps only its hash.'),
    h('div', { class: 'row' }, field, copy, copied));
}

/**
 * A yes/no question shown in place (no browser dialog): resolves true when confirmed. The
 * question replaces the children of {@code slot} until answered.
 */
export function confirmInPlace(slot, question, yesText, danger = true) {
  return new Promise((resolve) => {
    const before = [...slot.childNodes];
    const answer = (yes) => {
      slot.replaceChildren(...before);
      resolve(yes);
    };
    const yes = h('button', { type: 'button', class: danger ? 'danger confirm-yes' : 'primary confirm-yes',
      onclick: () => answer(true) }, yesText);
    slot.replaceChildren(h('div', { class: 'confirm', role: 'alertdialog', 'aria-label': question },
      h('p', {}, question), h('div', { class: 'row' }, yes,
        h('button', { type: 'button', class: 'confirm-no', onclick: () => answer(false) }, 'Cancel'))));
    yes.focus();
  });
}

/**
 * {@link confirmInPlace} for a table row: the question takes a full-width row under it, so a
 * narrow actions cell need not hold it. Resolves true when confirmed.
 */
export function confirmBelow(row, question, yesText) {
  const cell = h('td', { colspan: row.children.length });
  const below = h('tr', { class: 'confirm-row' }, cell);
  row.after(below);
  return confirmInPlace(cell, question, yesText).finally(() => below.remove());
}

/** A short date for tables: "2026-12-01 14:03" in the browser's time zone, or "—". */
export function when(timestamp) {
  if (!timestamp) return '—';
  const d = new Date(timestamp);
  if (Number.isNaN(d.getTime())) return '—';
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
