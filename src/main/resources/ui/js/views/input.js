import { app, inputName, ANNOTATION_STATUS, REVIEW_STRATEGIES, enumName } from '../api.js';
import { h, show, when } from '../dom.js';
import { prepare, mediaElement } from '../media.js';
import { RegionEditor, regionsOf } from '../regions.js';
import { colorFor } from '../shortcuts.js';

const FINAL = 24150;
const VERDICTS = { 1: 'Approved', 2: 'Sent back', 3: 'Rejected', APPROVE: 'Approved', REQUEST_CHANGES: 'Sent back', REJECT: 'Rejected' };

/**
 * One input as the owner sees it: the image with every labeler's annotations (a colour and a
 * switch per labeler) and the final labels (those with status ANNOTATION_SUCCESS: approved,
 * agreed by consensus, or final without review, a reviewer's correction among them), with how
 * each became final and the review notes on the input. Regions are drawn by the labeling
 * page's RegionEditor in its read-only mode.
 */
export async function inputView(inputId, back = '') {
  const [{ input }, listed] = await Promise.all([
    app.get(`/inputs/${encodeURIComponent(inputId)}`),
    app.get('/annotations', { input_ids: inputId, per_page: 1000 })]);
  const annotations = listed.annotations;
  const taskIds = [...new Set(annotations.map((a) => a.task_id).filter(Boolean))];
  const perTask = await Promise.all(taskIds.map(async (id) => {
    const path = `/tasks/${encodeURIComponent(id)}`;
    const [task, notes] = await Promise.all([app.get(path).catch(() => null),
      app.get(`${path}/review_notes`, { input_ids: inputId, per_page: 1000 }).catch(() => ({ review_notes: [] }))]);
    return { id, task: task?.task, notes: notes.review_notes };
  }));
  await prepare([input]);

  // One layer per labeler (in order of appearance), and the final labels on top.
  const people = [...new Set(annotations.map((a) => a.user_id || a.worker?.user?.id).filter(Boolean))];
  const layers = people.map((user, i) => ({ key: `user-${user}`, user, color: colorFor(i + 2), label: user,
    annotations: annotations.filter((a) => (a.user_id || a.worker?.user?.id) === user), on: true }));
  const final = annotations.filter((a) => a.status?.code === FINAL);
  layers.push({ key: 'final', user: null, color: '#f2c230', label: 'Final', annotations: final, on: true, final: true });

  const frame = h('div', { class: 'frame' }, mediaElement(input, { alt: inputName(input) }));
  const overlay = new RegionEditor({ mode: 'view', colorOf: () => '#000' });
  overlay.el.setAttribute('aria-label', 'Labels on the input');
  frame.append(overlay.el);
  const draw = () => {
    const regions = layers.filter((l) => l.on).flatMap((l, i) => l.annotations.flatMap((a) =>
      regionsOf([a]).map((r) => ({ ...r, color: l.color, label: `${l.label}: ${r.concept}`, labelOffset: i, final: !!l.final }))));
    overlay.setRegions(regions);
    // The final labels are dashed, so a labeler's box they repeat stays visible under them.
    for (const shape of overlay.el.querySelectorAll('.shape')) {
      if (regions[Number(shape.dataset.index)]?.final) shape.classList.add('final-shape');
    }
  };
  draw();

  const notes = perTask.flatMap((t) => t.notes.map((n) => ({ ...n, taskName: t.task?.name || t.id })));
  show(
    h('p', {}, h('a', { href: `#/browse${back ? `?${back}` : ''}`, id: 'back-to-browse' }, '← Back to the inputs')),
    h('div', { class: 'row' }, h('h1', { class: 'ellipsis', title: `${inputName(input)} (id ${input.id})`, id: 'input-name' },
      inputName(input))),
    h('div', { class: 'workspace' },
      h('div', { class: 'stage' }, frame),
      h('aside', { class: 'side', 'aria-label': 'Labels' },
        h('h2', {}, 'Labelers'),
        layers.length > 1 ? null : h('p', { class: 'muted' }, 'Nobody has labeled this input yet.'),
        h('ul', { class: 'layers', id: 'layers' }, layers.map((layer) => layerItem(layer, draw))),
        h('h2', {}, 'How it became final'),
        h('ul', { class: 'plain', id: 'final-how' }, perTask.length ? perTask.map((t) => h('li', {}, finalText(t, final)))
          : h('li', { class: 'muted' }, 'Labeled outside tasks.')),
        h('h2', {}, 'Review notes'),
        notes.length ? h('ul', { class: 'notes plain', id: 'review-notes' }, notes.map(noteItem))
          : h('p', { class: 'muted', id: 'review-notes' }, 'No review notes on this input.'))),
    h('p', { class: 'muted wrap' }, `Input id ${input.id}`));
}

function layerItem(layer, draw) {
  const box = h('input', { type: 'checkbox', checked: layer.on, id: `layer-${layer.key}`,
    onchange: () => { layer.on = box.checked; draw(); } });
  const concepts = [...new Set(layer.annotations.flatMap((a) => (a.data?.concepts || []).filter((c) => (c.value ?? 1) > 0.5)
    .map((c) => c.id)))];
  const regions = regionsOf(layer.annotations).length;
  const statuses = [...new Set(layer.annotations.map((a) => ANNOTATION_STATUS[a.status?.code] || a.status?.description)
    .filter(Boolean))];
  return h('li', { class: `layer${layer.final ? ' final' : ''}`, dataset: { layer: layer.user || 'final' } },
    h('label', { for: `layer-${layer.key}`, class: 'layer-name' }, box,
      h('span', { class: 'swatch', style: `background:${layer.color}`, 'aria-hidden': 'true' }),
      h('span', { class: 'ellipsis', title: layer.label }, layer.label)),
    h('div', { class: 'muted small' }, [
      regions ? `${regions} region${regions === 1 ? '' : 's'}` : null,
      concepts.length ? concepts.join(', ') : null,
      !layer.final && statuses.length ? statuses.join(', ') : null,
      !layer.annotations.length ? 'nothing final yet' : null].filter(Boolean).join(' · ')));
}

/** Who or what made the task's labels on this input final. */
function finalText(t, final) {
  const name = t.task?.name || t.id;
  const ofTask = final.filter((a) => a.task_id === t.id);
  if (!ofTask.length) return `${name}: not final yet.`;
  const strategy = enumName(REVIEW_STRATEGIES, t.task?.review?.strategy);
  const approvals = t.notes.filter((n) => VERDICTS[n.verdict] === 'Approved');
  const reviewers = [...new Set(approvals.map((n) => n.reviewer_user_id))];
  const corrected = t.notes.some((n) => (n.correction_annotation_ids || []).length);
  if (reviewers.length) return `${name}: approved by ${reviewers.join(', ')}${corrected ? ' (with their correction)' : ''}.`;
  if (strategy === 'CONSENSUS') return `${name}: the labelers agreed (consensus).`;
  if (strategy === 'NONE') return `${name}: final as turned in (no review).`;
  return `${name}: approved.`;
}

function noteItem(n) {
  return h('li', { class: 'note' },
    h('div', {}, h('strong', {}, VERDICTS[n.verdict] || String(n.verdict)), ` by ${n.reviewer_user_id} on ${n.worker_user_id}'s labels`,
      h('span', { class: 'muted' }, ` · ${when(n.created_at)} · ${n.taskName}`)),
    n.comment ? h('blockquote', { class: 'wrap' }, n.comment) : null);
}
