import { app } from '../api.js';
import { h, show, errorBox } from '../dom.js';

/**
 * Task creation with every worker and review strategy. The form checks nothing itself: the
 * API validates, and its status description and details are shown as they come, so the page
 * and the API can never disagree on what a valid task is.
 */
export async function newTaskView() {
  const [{ concepts }, { datasets }, { collaborators }] = await Promise.all([
    app.get('/concepts', { per_page: 1000 }), app.get('/datasets', { per_page: 1000 }),
    app.get('/collaborators', { per_page: 1000 })]);
  const people = collaborators.map((c) => c.user?.id).filter(Boolean);
  const f = {
    name: h('input', { id: 'task-name', required: true }),
    type: select('task-type', ['CONCEPTS_CLASSIFICATION', 'BOUNDING_BOX_DETECTION', 'POLYGON_DETECTION']),
    source: select('task-source', ['ALL_INPUTS', 'DATASET']),
    dataset: select('task-dataset', datasets.map((d) => d.id)),
    strategy: select('worker-strategy', ['FULL', 'PARTITIONED', 'DYNAMIC']),
    workers: h('input', { id: 'workers', list: 'people', placeholder: 'alice, bob' }),
    partition: select('partition-type', ['EVENLY', 'WEIGHTED']),
    perInput: h('input', { id: 'workers-per-input', type: 'number', min: 1, value: 1 }),
    weights: h('input', { id: 'weights', placeholder: 'alice=3, bob=1' }),
    review: select('review-strategy', ['NONE', 'MANUAL', 'CONSENSUS']),
    reviewers: h('input', { id: 'reviewers', list: 'people', placeholder: 'carol' }),
    sample: h('input', { id: 'sample-percentage', type: 'number', min: 0, max: 1, step: 0.01, placeholder: '1 = all' }),
    labelers: h('input', { id: 'threshold-labelers', type: 'number', min: 0, value: 2 }),
    reviewersNeeded: select('threshold-reviewers', [['1', 'One reviewer per input'], ['-1', 'Every reviewer']]),
  };
  const conceptBoxes = h('fieldset', { class: 'concept-picks', id: 'task-concepts' }, h('legend', {}, 'Concepts'),
    concepts.length ? concepts.map((c) => h('label', { class: 'pick', title: c.id },
      h('input', { type: 'checkbox', value: c.id }), h('span', { class: 'ellipsis' }, c.id)))
      : h('p', { class: 'muted' }, 'No concepts yet: add some on the Data page.'));
  const error = h('div', { id: 'task-error' });
  const partitioned = group(field('Split', f.partition), field('Workers per input', f.perInput),
    field('Weights (user=weight)', f.weights));
  const manual = group(field('Share to review (0–1)', f.sample));
  const consensus = group(field('Labelers who must agree', f.labelers), field('Reviewer approvals', f.reviewersNeeded));
  const datasetField = field('Dataset', f.dataset);
  const sync = () => {
    partitioned.hidden = f.strategy.value !== 'PARTITIONED';
    manual.hidden = f.review.value !== 'MANUAL';
    consensus.hidden = f.review.value !== 'CONSENSUS';
    datasetField.hidden = f.source.value !== 'DATASET';
  };
  [f.strategy, f.review, f.source].forEach((s) => s.addEventListener('change', sync));
  sync();

  const form = h('form', { class: 'card task-form', onsubmit: async (e) => {
    e.preventDefault();
    error.replaceChildren();
    try {
      const reply = await app.post('/tasks', { tasks: [taskOf(f, conceptBoxes)] });
      location.hash = `#/task/${encodeURIComponent(reply.tasks[0].id)}`;
    } catch (err) {
      error.replaceChildren(errorBox(err));
      error.scrollIntoView({ block: 'nearest' });
    }
  } },
  h('datalist', { id: 'people' }, people.map((p) => h('option', { value: p }))),
  field('Name', f.name), field('Type', f.type), conceptBoxes,
  h('fieldset', {}, h('legend', {}, 'Inputs'), field('Source', f.source), datasetField),
  h('fieldset', {}, h('legend', {}, 'Labelers'), field('Strategy', f.strategy),
    field('Labelers (user ids, comma separated)', f.workers), partitioned),
  h('fieldset', {}, h('legend', {}, 'Review'), field('Strategy', f.review), field('Reviewers', f.reviewers),
    manual, consensus),
  error, h('button', { type: 'submit', class: 'primary', id: 'create-task' }, 'Create task'));
  show(h('h1', {}, 'New task'), form);
  f.name.focus();
}

function taskOf(f, conceptBoxes) {
  const ids = (text) => text.split(/[\s,]+/).filter(Boolean);
  const worker = { strategy: f.strategy.value, workers: ids(f.workers.value).map((id) => ({ user: { id } })) };
  if (f.strategy.value === 'PARTITIONED') {
    const info = { type: f.partition.value, workers_per_input: Number(f.perInput.value || 0) };
    if (f.weights.value.trim()) {
      info.weights = Object.fromEntries(ids(f.weights.value).map((pair) => {
        const [user, weight] = pair.split('=');
        return [user, Number(weight)];
      }));
    }
    worker.partitioned_strategy_info = info;
  }
  const review = { strategy: f.review.value, users: ids(f.reviewers.value).map((id) => ({ id })) };
  if (f.review.value === 'MANUAL' && f.sample.value !== '') {
    review.manual_strategy_info = { sample_percentage: Number(f.sample.value) };
  }
  if (f.review.value === 'CONSENSUS') {
    review.consensus_strategy_info = { approval_threshold_labelers: Number(f.labelers.value || 0),
      approval_threshold_reviewers: Number(f.reviewersNeeded.value) };
  }
  const source = { type: f.source.value };
  if (f.source.value === 'DATASET') source.id = f.dataset.value;
  return {
    name: f.name.value, type: f.type.value, input_source: source, worker, review,
    concepts: [...conceptBoxes.querySelectorAll('input:checked')].map((box) => ({ concept: { id: box.value } })),
  };
}

function select(id, options) {
  return h('select', { id }, options.map((o) => Array.isArray(o) ? h('option', { value: o[0] }, o[1])
    : h('option', { value: o }, o)));
}

function field(label, control) {
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control);
}

function group(...fields) {
  return h('div', { class: 'subfields' }, fields);
}
