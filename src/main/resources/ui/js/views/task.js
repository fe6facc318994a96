import { app, STATUS, TASK_TYPES, WORKER_STRATEGIES, REVIEW_STRATEGIES, enumLabel, workerIds, reviewerIds,
  taskConceptIds } from '../api.js';
import { h, show, progress } from '../dom.js';
import { session, isOwner } from '../session.js';
import { manageSection } from './taskmanage.js';
import { teamSection } from './taskstats.js';

const COLUMNS = [['pending', 'Pending'], ['awaiting_consensus_review', 'Awaiting consensus'],
  ['awaiting_review', 'Awaiting review'], ['success', 'Approved'], ['review_denied', 'Rejected']];

/** One task: its definition, progress from Task.metrics, and per-worker counts. */
export async function taskView(taskId) {
  const path = `/tasks/${encodeURIComponent(taskId)}`;
  const [{ task }, inputCounts, annotationCounts] = await Promise.all([
    app.get(path, { additional_fields: 'all' }),
    app.get(`${path}/inputs/count`),
    app.get(`${path}/annotations/count`),
  ]);
  const me = session().user.id;
  const m = task.metrics || {};
  const r = task.review || {};
  const info = r.consensus_strategy_info || {};
  const owner = isOwner();
  show(
    h('div', { class: 'row' }, h('h1', { class: 'ellipsis', title: task.name || task.id }, task.name || task.id),
      h('span', { class: 'badge', id: 'task-status' }, STATUS[task.status?.code] || '')),
    h('div', { class: 'actions' },
      workerIds(task).includes(me) ? h('a', { class: 'button primary', href: `#/label/${encodeURIComponent(task.id)}` }, 'Label') : null,
      reviewerIds(task).includes(me) ? h('a', { class: 'button', href: `#/review/${encodeURIComponent(task.id)}` }, 'Review') : null,
      owner ? h('a', { class: 'button', href: `#/browse?task=${encodeURIComponent(task.id)}`, id: 'browse-task' }, 'Browse its inputs')
        : null),
    task.description ? h('p', { class: 'wrap', id: 'task-description' }, task.description) : null,
    owner ? manageSection(task, `${path}`, inputCounts.counts, () => taskView(taskId)) : null,
    h('div', { class: 'grid2' },
      h('dl', { class: 'facts' },
        fact('Id', task.id), fact('Type', enumLabel(TASK_TYPES, task.type)),
        fact('Concepts', taskConceptIds(task).join(', ')),
        fact('Labelers', `${enumLabel(WORKER_STRATEGIES, task.worker?.strategy)}: ${workerIds(task).join(', ')}`),
        fact('Review', `${enumLabel(REVIEW_STRATEGIES, r.strategy)}${reviewerIds(task).length ? ': ' + reviewerIds(task).join(', ') : ''}`),
        info.approval_threshold_labelers ? fact('Consensus', `${info.approval_threshold_labelers} labelers must agree`) : null),
      h('div', { class: 'card' },
        h('div', {}, 'Labeling'), progress(m.work?.inputs_percent_estimated, 'Labeling'),
        h('div', {}, 'Review'), progress(m.review?.inputs_percent_estimated, 'Review'),
        h('p', { class: 'muted' }, `${m.input_source?.inputs_count_estimated ?? 0} inputs · `
          + `${m.work?.inputs_count_estimated ?? 0} labeled · ${m.review?.inputs_count_estimated ?? 0} final`))),
    h('h2', {}, 'Inputs per worker'), countsTable('input-counts', inputCounts.counts),
    h('h2', {}, 'Annotations per worker'), countsTable('annotation-counts', annotationCounts.counts),
    owner ? teamSection(path) : null);
}

function fact(term, value) {
  return [h('dt', {}, term), h('dd', { class: 'wrap' }, value || '—')];
}

function countsTable(id, counts) {
  if (!counts.length) return h('p', { class: 'muted', id }, 'Nothing yet.');
  return h('table', { id, class: 'counts' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Worker'), COLUMNS.map(([, label]) => h('th', {}, label)))),
    h('tbody', {}, counts.map((c) => h('tr', { dataset: { worker: c.worker?.user?.id || c.user_id } },
      h('td', {}, h('span', { class: 'ellipsis', title: c.worker?.user?.id || c.user_id }, c.worker?.user?.id || c.user_id)),
      COLUMNS.map(([key]) => h('td', { class: 'num', dataset: { col: key } }, c[key] ?? 0))))));
}
