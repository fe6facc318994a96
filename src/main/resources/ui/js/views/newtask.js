import { app, ENUM_TEXT } from '../api.js';
import { h, show, errorBox } from '../dom.js';
import { session } from '../session.js';
import { workloads, loadText } from './people.js';
import { personPicker, picked, weightsOf, showShares } from './picker.js';

/** Pages of ListDatasetInputs read to count a dataset's inputs; past it the count reads "at least". */
const COUNT_PAGES = 10;
const PAGE = 1000;

/**
 * Task creation without ids: labelers and reviewers are picked from the app's people (with
 * their current load), PARTITIONED weights are set per person with the share each will get,
 * the inputs come from the app or one of its datasets (with their count), and a summary says
 * what the task will amount to before it is created. The form leaves validation to the API:
 * its status description and details are shown as they come, so the page and the API never
 * disagree on what a valid task is.
 */
export async function newTaskView() {
  const me = session().user.id;
  const [{ concepts }, { datasets }, { collaborators }, status] = await Promise.all([
    app.get('/concepts', { per_page: 1000 }), app.get('/datasets', { per_page: 1000 }),
    app.get('/collaborators', { per_page: 1000 }), app.get('/inputs/status')]);
  const ids = [me, ...collaborators.map((c) => c.user?.id).filter(Boolean)];
  const loads = await workloads(ids);
  const people = ids.map((id) => ({ id, name: id === me ? '(you)' : '', load: loadText(loads.get(id)) }));
  const counts = { all: status.counts?.processed || 0, datasets: new Map() };

  const f = {
    name: h('input', { id: 'task-name', required: true, autocomplete: 'off' }),
    type: choice('task-type', ['CONCEPTS_CLASSIFICATION', 'BOUNDING_BOX_DETECTION', 'POLYGON_DETECTION']),
    source: choice('task-source', datasets.length ? ['ALL_INPUTS', 'DATASET'] : ['ALL_INPUTS']),
    dataset: h('select', { id: 'task-dataset' }, datasets.map((d) => h('option', { value: d.id }, d.id))),
    strategy: choice('worker-strategy', ['FULL', 'PARTITIONED', 'DYNAMIC']),
    partition: choice('partition-type', ['EVENLY', 'WEIGHTED']),
    perInput: h('input', { id: 'workers-per-input', type: 'number', min: 1, value: 1 }),
    review: choice('review-strategy', ['NONE', 'MANUAL', 'CONSENSUS']),
    sample: h('input', { id: 'sample-percent', type: 'number', min: 1, max: 100, step: 1, value: 100 }),
    labelers: h('input', { id: 'threshold-labelers', type: 'number', min: 1, value: 2 }),
    reviewersNeeded: h('select', { id: 'threshold-reviewers' }, h('option', { value: '1' }, 'One reviewer per input'),
      h('option', { value: '-1' }, 'Every reviewer')),
  };
  const update = () => sync();
  const workers = personPicker('workers', 'Labelers', people, update, { weights: true });
  const reviewers = personPicker('reviewers', 'Reviewers', people, update);
  const conceptBoxes = h('fieldset', { class: 'concept-picks', id: 'task-concepts' }, h('legend', {}, 'Concepts'),
    concepts.length ? concepts.map((c) => h('label', { class: 'pick', title: c.id },
      h('input', { type: 'checkbox', value: c.id, onchange: update }), h('span', { class: 'ellipsis' }, c.id)))
      : h('p', { class: 'muted' }, 'No concepts yet: add some on the ', h('a', { href: '#/data' }, 'Data'), ' page.'));
  const sourceCount = h('p', { class: 'muted', id: 'source-count', role: 'status' });
  const summary = h('p', { class: 'summary', id: 'task-summary', role: 'status' });
  const error = h('div', { id: 'task-error' });
  const partitioned = group(field('Split', f.partition), field('Labelers per input', f.perInput));
  const manual = group(field('Share of each labeler\'s work to review (%)', f.sample));
  const consensus = group(field('Labelers who must agree', f.labelers), field('Reviewer approvals', f.reviewersNeeded));
  const datasetField = field('Dataset', f.dataset);
  const reviewersBox = h('div', {}, reviewers);

  async function countSource() {
    if (f.source.value !== 'DATASET') return counts.all;
    const id = f.dataset.value;
    if (!counts.datasets.has(id)) {
      let n = 0;
      let page = 1;
      for (; page <= COUNT_PAGES; page++) {
        const reply = await app.get(`/datasets/${encodeURIComponent(id)}/inputs`, { page, per_page: PAGE });
        n += reply.dataset_inputs.length;
        if (reply.dataset_inputs.length < PAGE) break;
      }
      counts.datasets.set(id, { n, more: page > COUNT_PAGES });
    }
    return counts.datasets.get(id);
  }

  async function sync() {
    try {
      await refresh();
    } catch (err) {
      sourceCount.replaceChildren(errorBox(err));
    }
  }

  async function refresh() {
    partitioned.hidden = f.strategy.value !== 'PARTITIONED';
    manual.hidden = f.review.value !== 'MANUAL';
    consensus.hidden = f.review.value !== 'CONSENSUS';
    reviewersBox.hidden = f.review.value === 'NONE';
    datasetField.hidden = f.source.value !== 'DATASET';
    workers.classList.toggle('weighted', f.strategy.value === 'PARTITIONED' && f.partition.value === 'WEIGHTED');
    const counted = await countSource();
    const inputs = typeof counted === 'number' ? counted : counted.n;
    const atLeast = typeof counted === 'object' && counted.more ? 'at least ' : '';
    sourceCount.textContent = `${atLeast}${inputs} input${inputs === 1 ? '' : 's'} now; inputs added later join the task.`;
    const plan = planOf(f, picked(workers), weightsOf(workers));
    showShares(workers, Object.fromEntries(Object.entries(plan.shares).map(([id, share]) =>
      [id, `labels ${Math.round(share * 100)}% of the inputs (~${Math.round(share * inputs)})`])));
    summary.textContent = summaryOf(f, inputs, atLeast, plan, picked(reviewers).length);
  }
  [f.strategy, f.review, f.source, f.dataset, f.partition].forEach((s) => s.addEventListener('change', sync));
  [f.perInput, f.sample, f.labelers].forEach((s) => s.addEventListener('input', sync));

  const form = h('form', { class: 'card task-form', onsubmit: async (e) => {
    e.preventDefault();
    error.replaceChildren();
    try {
      const reply = await app.post('/tasks', { tasks: [taskOf(f, conceptBoxes, workers, reviewers)] });
      location.hash = `#/task/${encodeURIComponent(reply.tasks[0].id)}`;
    } catch (err) {
      error.replaceChildren(errorBox(err));
      error.scrollIntoView({ block: 'nearest' });
    }
  } },
  field('Name', f.name), field('Type', f.type, explain(f.type)), conceptBoxes,
  h('fieldset', {}, h('legend', {}, 'Inputs'), field('Source', f.source, explain(f.source)), datasetField, sourceCount),
  h('fieldset', {}, h('legend', {}, 'Labeling'), field('How inputs are shared out', f.strategy, explain(f.strategy)),
    partitioned, explain(f.partition, partitioned), workers),
  h('fieldset', {}, h('legend', {}, 'Review'), field('Review', f.review, explain(f.review)), manual, consensus, reviewersBox),
  summary, error, h('button', { type: 'submit', class: 'primary', id: 'create-task' }, 'Create task'));
  show(h('h1', {}, 'New task'), form);
  await sync();
  f.name.focus();
}

/** Labelers per input, and the share of the inputs each picked labeler will label (0–1). */
function planOf(f, workerIds, weights) {
  const n = workerIds.length;
  const shares = {};
  let perInput = 1;
  if (f.strategy.value === 'FULL') {
    perInput = n;
    workerIds.forEach((id) => { shares[id] = 1; });
  } else if (f.strategy.value === 'PARTITIONED') {
    perInput = Math.max(1, Number(f.perInput.value) || 1);
    const weighted = f.partition.value === 'WEIGHTED';
    const total = workerIds.reduce((sum, id) => sum + (weighted ? weights[id] : 1), 0) || 1;
    workerIds.forEach((id) => { shares[id] = Math.min(1, perInput * (weighted ? weights[id] : 1) / total); });
  } else {
    perInput = f.review.value === 'CONSENSUS' ? Math.max(1, Number(f.labelers.value) || 1) : 1;
  }
  return { perInput, shares, labelers: n };
}

/** "120 inputs, 2 labelers each, ~240 labelings, 10% reviewed". */
function summaryOf(f, inputs, atLeast, plan, reviewerCount) {
  if (!plan.labelers) return 'Pick at least one labeler.';
  const each = f.strategy.value === 'DYNAMIC'
    ? `${plan.perInput} of ${plan.labelers} labeler${plan.labelers === 1 ? '' : 's'} each, first come first served`
    : `${plan.perInput} labeler${plan.perInput === 1 ? '' : 's'} each`;
  const labelings = inputs * plan.perInput;
  let review = 'no review';
  if (f.review.value === 'MANUAL') review = `${Math.min(100, Math.max(1, Number(f.sample.value) || 100))}% reviewed`;
  if (f.review.value === 'CONSENSUS') {
    review = `inputs where fewer than ${f.labelers.value} labelers agree go to review`;
  }
  if (f.review.value !== 'NONE' && !reviewerCount) review += ' (pick reviewers)';
  return `${atLeast}${inputs} inputs, ${each}, ~${atLeast}${labelings} labelings, ${review}.`;
}

function taskOf(f, conceptBoxes, workersPicker, reviewersPicker) {
  const worker = { strategy: f.strategy.value, workers: picked(workersPicker).map((id) => ({ user: { id } })) };
  if (f.strategy.value === 'PARTITIONED') {
    const info = { type: f.partition.value, workers_per_input: Number(f.perInput.value || 0) };
    if (f.partition.value === 'WEIGHTED') info.weights = weightsOf(workersPicker);
    worker.partitioned_strategy_info = info;
  }
  const review = { strategy: f.review.value, users: f.review.value === 'NONE' ? [] : picked(reviewersPicker).map((id) => ({ id })) };
  if (f.review.value === 'MANUAL') {
    review.manual_strategy_info = { sample_percentage: Math.min(100, Math.max(0, Number(f.sample.value) || 100)) / 100 };
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

/** A select of enum values, shown by their human labels. */
function choice(id, values) {
  return h('select', { id }, values.map((v) => h('option', { value: v }, ENUM_TEXT[v]?.[0] || v)));
}

/** The one line explaining the select's current value, kept up to date. */
function explain(select, hiddenWith) {
  const line = h('p', { class: 'explain muted', id: `${select.id}-help` });
  const sync = () => { line.textContent = ENUM_TEXT[select.value]?.[1] || ''; };
  select.addEventListener('change', sync);
  sync();
  if (hiddenWith) {
    new MutationObserver(() => { line.hidden = hiddenWith.hidden; }).observe(hiddenWith, { attributes: true });
    line.hidden = hiddenWith.hidden;
  }
  return line;
}

function field(label, control, help) {
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control, help || null);
}

function group(...fields) {
  return h('div', { class: 'subfields' }, fields);
}
