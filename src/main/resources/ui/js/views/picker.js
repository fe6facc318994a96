import { h } from '../dom.js';

/**
 * A list of the app's people to pick from, with a search box (id or name) and each person's
 * current load. With {@code weights}, a picked person gets a weight field and the share it
 * gives them, which the caller computes ({@code shareText}). Picks and weights are read back
 * with {@link picked} and {@link weightsOf}.
 *
 * @param id the element id; checkboxes carry the user id as value
 * @param people [{ id, name, load }] where load is already in words
 * @param onChange called after every pick or weight change
 */
export function personPicker(id, label, people, onChange, { weights = false } = {}) {
  const search = h('input', { type: 'search', id: `${id}-search`, placeholder: 'Search by name or id',
    'aria-label': `Search ${label.toLowerCase()}`, autocomplete: 'off' });
  const rows = people.map((p) => {
    const box = h('input', { type: 'checkbox', value: p.id, id: `${id}-${p.id}`, onchange: () => { sync(); onChange(); } });
    const weight = weights ? h('input', { type: 'number', class: 'weight', min: 0.1, step: 'any', value: 1,
      'aria-label': `Weight of ${p.id}`, dataset: { user: p.id }, oninput: onChange }) : null;
    const share = h('span', { class: 'share muted', dataset: { user: p.id } });
    const row = h('li', { dataset: { user: p.id, search: `${p.id} ${p.name || ''}`.toLowerCase() } },
      h('label', { for: `${id}-${p.id}`, class: 'pick' }, box,
        h('span', { class: 'ellipsis', title: p.id }, p.id), p.name ? h('span', { class: 'muted ellipsis' }, p.name) : null),
      h('span', { class: 'load muted' }, p.load), weight, share);
    const sync = () => { if (weight) weight.disabled = !box.checked; };
    sync();
    return row;
  });
  search.addEventListener('input', () => {
    const q = search.value.trim().toLowerCase();
    rows.forEach((row) => { row.hidden = q !== '' && !row.dataset.search.includes(q); });
  });
  return h('fieldset', { class: 'picker', id },
    h('legend', {}, label),
    people.length > 6 ? search : null,
    people.length ? h('ul', { class: 'people-picks' }, rows)
      : h('p', { class: 'muted' }, 'Nobody to pick yet: invite people on the ', h('a', { href: '#/people' }, 'People'), ' page.'));
}

/** The user ids picked, in list order. */
export function picked(picker) {
  return [...picker.querySelectorAll('input[type=checkbox]:checked')].map((box) => box.value);
}

/** The weight of each picked user. */
export function weightsOf(picker) {
  const weights = {};
  for (const id of picked(picker)) {
    const field = picker.querySelector(`input.weight[data-user="${CSS.escape(id)}"]`);
    weights[id] = Number(field?.value) || 0;
  }
  return weights;
}

/** Writes each user's share text (empty for users without one). */
export function showShares(picker, texts) {
  picker.querySelectorAll('.share').forEach((span) => { span.textContent = texts[span.dataset.user] || ''; });
}
