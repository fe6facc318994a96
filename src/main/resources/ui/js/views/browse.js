import { app, inputName, ANNOTATION_STATUS } from '../api.js';
import { h, show, errorBox } from '../dom.js';
import { prepare, mediaElement } from '../media.js';

const PER_PAGE = 24;
const FILTERS = ['dataset', 'concept', 'labeler', 'status', 'task'];

/**
 * The owner's browser of inputs and their labels: filters by dataset, concept, labeler,
 * annotation status and task, sent as one PostInputsSearches (the annotation conditions in one
 * filter, so one annotation must meet them all), paged, with thumbnails named by file name.
 * The filters live in the route (#/browse?labeler=w1&concept=cat), so the input page's
 * "back" and a reload keep them.
 */
export async function browseView(queryText = '') {
  const chosen = Object.fromEntries(new URLSearchParams(queryText));
  const page = Math.max(1, Number.parseInt(chosen.page, 10) || 1);
  const [concepts, datasets, workers, tasks] = await Promise.all([
    app.get('/concepts', { per_page: 1000 }), app.get('/datasets', { per_page: 1000 }),
    app.get('/annotations/workers', { per_page: 1000 }), app.get('/tasks', { per_page: 1000 })]);
  const select = (name, label, options) => {
    const el = h('select', { id: `filter-${name}`, name },
      h('option', { value: '' }, `Any ${label.toLowerCase()}`),
      options.map(([value, text]) => h('option', { value, selected: chosen[name] === value ? true : null }, text)));
    return h('div', { class: 'field' }, h('label', { for: `filter-${name}` }, label), el);
  };
  const form = h('form', { class: 'filters card', id: 'browse-filters', onsubmit: (e) => {
    e.preventDefault();
    const params = new URLSearchParams();
    for (const name of FILTERS) if (form.elements[name].value) params.set(name, form.elements[name].value);
    location.hash = `#/browse${params.toString() ? `?${params}` : ''}`;
  } },
  select('dataset', 'Dataset', datasets.datasets.map((d) => [d.id, d.id])),
  select('concept', 'Concept', concepts.concepts.map((c) => [c.id, c.name && c.name !== c.id ? `${c.name} (${c.id})` : c.id])),
  select('labeler', 'Labeler', (workers.workers || []).map((w) => w.user?.id).filter(Boolean).map((id) => [id, id])),
  select('status', 'Label status', Object.entries(ANNOTATION_STATUS).map(([code, text]) => [code, text])),
  select('task', 'Task', tasks.tasks.map((t) => [t.id, t.name || t.id])),
  h('div', { class: 'filter-buttons' }, h('button', { type: 'submit', class: 'primary', id: 'apply-filters' }, 'Show'),
    h('a', { class: 'button', href: '#/browse', id: 'clear-filters' }, 'Clear')));
  const results = h('section', { id: 'browse-results', 'aria-live': 'polite', 'aria-label': 'Inputs found' });
  show(h('h1', {}, 'Browse inputs and labels'), form, results);

  const query = { filters: filtersOf(chosen) };
  try {
    const [found, counted] = await Promise.all([
      app.post('/inputs/searches', { searches: [{ query }], pagination: { page, per_page: PER_PAGE } }),
      app.post('/inputs/searches', { searches: [{ query }], only_count: true })]);
    const total = Number(counted.hit_counts?.[0]?.estimated_total ?? found.hits.length);
    const inputs = found.hits.map((hit) => hit.input);
    await prepare(inputs);
    results.replaceChildren(...[
      h('p', { class: 'muted', id: 'browse-count' }, total ? `${total} input${total === 1 ? '' : 's'} · page ${page} of ${Math.max(1, Math.ceil(total / PER_PAGE))}`
        : 'No input matches these filters.'),
      h('ul', { class: 'gallery plain', id: 'gallery' }, inputs.map((input) => h('li', {},
        h('a', { class: 'thumb', href: `#/input/${encodeURIComponent(input.id)}${queryText ? `?${queryText}` : ''}`,
          dataset: { inputId: input.id }, title: `${inputName(input)} (id ${input.id})` },
        mediaElement(input, { loading: 'lazy', alt: '' }),
        h('span', { class: 'ellipsis caption' }, inputName(input)))))),
      pager(chosen, page, total)].filter(Boolean));
  } catch (error) {
    results.replaceChildren(errorBox(error));
  }
}

/** The search's filters: the input's dataset, and one annotation filter holding every label condition. */
function filtersOf(chosen) {
  const filters = [];
  if (chosen.dataset) filters.push({ input: { dataset_ids: [chosen.dataset] } });
  const annotation = {};
  if (chosen.concept) annotation.data = { concepts: [{ id: chosen.concept, value: 1 }] };
  if (chosen.labeler) annotation.user_id = chosen.labeler;
  if (chosen.status) annotation.status = { code: Number(chosen.status) };
  if (chosen.task) annotation.task_id = chosen.task;
  if (Object.keys(annotation).length) filters.push({ annotation });
  return filters;
}

function pager(chosen, page, total) {
  const pages = Math.ceil(total / PER_PAGE);
  if (pages <= 1) return null;
  const link = (to, text, rel) => {
    const params = new URLSearchParams({ ...chosen, page: String(to) });
    return h('a', { class: 'button', href: `#/browse?${params}`, rel, id: `page-${rel}` }, text);
  };
  return h('nav', { class: 'row pager', 'aria-label': 'Pages' },
    page > 1 ? link(page - 1, '← Previous', 'prev') : null,
    h('span', { class: 'muted' }, `Page ${page} of ${pages}`),
    page < pages ? link(page + 1, 'Next →', 'next') : null);
}
