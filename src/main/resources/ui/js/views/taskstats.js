import { app } from '../api.js';
import { h, errorBox } from '../dom.js';
import { barChart, lineChart, legend } from '../charts.js';
import { colorFor } from '../shortcuts.js';

const OK = '#1e7b34';
const WAITING = '#8fb0ef';
const BAD = '#b42318';
const PENDING = '#c9ced8';

/**
 * The task page's "Team" section for the app's owner: per-labeler and per-reviewer progress,
 * agreement with the final label, throughput over the last 24 hours or 7 days and median time
 * per input, from one GetTaskWorkerStats call (annotask.admin) per window. Charts are SVG with
 * a title and description; the table under them holds every number.
 */
export function teamSection(taskPath) {
  const body = h('div', { id: 'team-stats' }, h('p', { class: 'muted' }, 'Loading…'));
  const windows = [['24', 'Last 24 hours'], ['168', 'Last 7 days']];
  const picker = h('div', { class: 'segmented', role: 'group', 'aria-label': 'Time window' }, windows.map(([hours, text]) =>
    h('button', { type: 'button', dataset: { hours }, 'aria-pressed': hours === '24' ? 'true' : 'false',
      onclick: () => load(hours) }, text)));
  async function load(hours) {
    for (const b of picker.children) b.setAttribute('aria-pressed', b.dataset.hours === hours ? 'true' : 'false');
    try {
      render(body, await app.get(`${taskPath}/worker_stats`, { window_hours: hours }));
    } catch (error) {
      body.replaceChildren(errorBox(error));
    }
  }
  load('24');
  return h('section', { 'aria-labelledby': 'team-title', class: 'team' },
    h('div', { class: 'row' }, h('h2', { id: 'team-title' }, 'Labelers and reviewers'), picker), body);
}

function render(body, stats) {
  const workers = stats.workers || [];
  const labelers = workers.filter((w) => w.role === 'labeler');
  const reviewers = workers.filter((w) => w.role === 'reviewer');
  const color = new Map(workers.map((w) => w.user.id).filter((id, i, all) => all.indexOf(id) === i)
    .map((id, i) => [id, colorFor(i + 2)]));
  const n = (v) => Number(v || 0);
  const start = Date.parse(stats.window_start);
  const bucketMs = n(stats.bucket_seconds) * 1000;
  const per = bucketMs < 86_400_000 ? 'hour' : 'day';
  const series = (list) => list.map((w) => ({ name: w.user.id, color: color.get(w.user.id), values: (w.per_bucket || []).map(n) }));
  const agreement = (w) => (w.agreement < 0 ? null : Math.round(w.agreement * 100));
  const median = (w) => (w.median_seconds_per_input < 0 ? null : w.median_seconds_per_input);

  const charts = [];
  if (labelers.length) {
    charts.push(h('figure', { class: 'chart-box', id: 'chart-done' }, h('figcaption', {}, 'Inputs labeled'),
      barChart('Inputs labeled per labeler', `Turned-in labelings per labeler, split into final (green), awaiting review `
        + `(blue) and rejected (red); grey is held and not turned in. ${labelers.map((w) => `${w.user.id}: ${n(w.done)} done, `
        + `${n(w.approved)} final, ${n(w.awaiting)} awaiting, ${n(w.rejected)} rejected, ${n(w.pending)} held`).join('; ')}.`,
      labelers.map((w) => ({ label: w.user.id, segments: [{ value: n(w.approved), color: OK, name: 'final' },
        { value: n(w.awaiting), color: WAITING, name: 'awaiting review' }, { value: n(w.rejected), color: BAD, name: 'rejected' },
        { value: n(w.pending), color: PENDING, name: 'held' }] }))),
      legend([{ name: 'Final', color: OK }, { name: 'Awaiting review', color: WAITING }, { name: 'Rejected', color: BAD },
        { name: 'Held', color: PENDING }])));
    charts.push(h('figure', { class: 'chart-box', id: 'chart-throughput' }, h('figcaption', {}, `Labelings per ${per}`),
      lineChart(`Labelings turned in per ${per}`, `One line per labeler over the window. Totals: ${labelers.map((w) =>
        `${w.user.id} ${series([w])[0].values.reduce((a, b) => a + b, 0)}`).join(', ')}.`,
      series(labelers), start, bucketMs, n(stats.bucket_count)),
      legend(labelers.map((w) => ({ name: w.user.id, color: color.get(w.user.id) })))));
    charts.push(h('figure', { class: 'chart-box', id: 'chart-agreement' }, h('figcaption', {}, 'Agreement with the final label'),
      barChart('Agreement with the final label', `Share of each labeler's decided labelings that became final (approved or `
        + `agreed by consensus). ${labelers.map((w) => `${w.user.id}: ${agreement(w) === null ? 'nothing decided' : `${agreement(w)}%`}`)
          .join('; ')}.`,
      labelers.map((w) => ({ label: w.user.id, segments: [{ value: agreement(w) ?? 0, color: color.get(w.user.id), name: 'agreement' }],
        empty: agreement(w) === null ? 'nothing decided' : null })), (v) => `${v}%`)));
    charts.push(h('figure', { class: 'chart-box', id: 'chart-time' }, h('figcaption', {}, 'Median time per input'),
      barChart('Median time per input', `Median seconds each labeler spent per input. ${labelers.map((w) =>
        `${w.user.id}: ${median(w) === null ? 'no data' : seconds(median(w))}`).join('; ')}.`,
      labelers.map((w) => ({ label: w.user.id, segments: [{ value: median(w) ?? 0, color: color.get(w.user.id), name: 'median' }],
        empty: median(w) === null ? 'no data' : null })), seconds)));
  }
  if (reviewers.length) {
    charts.push(h('figure', { class: 'chart-box', id: 'chart-reviews' }, h('figcaption', {}, 'Verdicts'),
      barChart('Verdicts per reviewer', `Approvals (green) and rejections (red) per reviewer; grey is held without a verdict. `
        + `${reviewers.map((w) => `${w.user.id}: ${n(w.approved)} approved, ${n(w.rejected)} rejected, ${n(w.sent_back)} sent back`
          + ` with a note, ${n(w.pending)} held`).join('; ')}.`,
      reviewers.map((w) => ({ label: w.user.id, segments: [{ value: n(w.approved), color: OK, name: 'approved' },
        { value: n(w.rejected), color: BAD, name: 'rejected' }, { value: n(w.pending), color: PENDING, name: 'held' }] })))));
  }
  body.replaceChildren(
    charts.length ? h('div', { class: 'charts' }, charts) : h('p', { class: 'muted' }, 'Nobody works in this task yet.'),
    table(labelers, reviewers, agreement, median));
}

function table(labelers, reviewers, agreement, median) {
  const row = (w) => h('tr', { dataset: { worker: w.user.id, role: w.role } },
    h('th', { scope: 'row' }, h('span', { class: 'ellipsis', title: w.user.id }, w.user.id)),
    h('td', {}, w.role === 'labeler' ? 'Labeler' : 'Reviewer'),
    h('td', { class: 'num', dataset: { col: 'done' } }, Number(w.done || 0)),
    h('td', { class: 'num' }, Number(w.pending || 0)),
    h('td', { class: 'num' }, Number(w.approved || 0)),
    h('td', { class: 'num' }, Number(w.rejected || 0)),
    h('td', { class: 'num' }, Number(w.sent_back || 0)),
    h('td', { class: 'num', dataset: { col: 'agreement' } }, agreement(w) === null ? '—' : `${agreement(w)}%`),
    h('td', { class: 'num' }, w.role === 'labeler' && median(w) !== null ? seconds(median(w)) : '—'),
    h('td', { class: 'num' }, (w.per_bucket || []).reduce((a, b) => a + Number(b), 0)));
  return h('div', { class: 'table-scroll' }, h('table', { class: 'team-table', id: 'team-table' },
    h('caption', { class: 'muted' }, 'Every number of the charts. Agreement: a labeler\'s share of decided labelings that '
      + 'became final; a reviewer\'s share of verdicts that approved.'),
    h('thead', {}, h('tr', {}, ['Person', 'Role', 'Done', 'Held', 'Final / approved', 'Rejected', 'Sent back', 'Agreement',
      'Median per input', 'In window'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, [...labelers, ...reviewers].map(row))));
}

function seconds(s) {
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${(s / 3600).toFixed(1)} h`;
}
