import { app, REVIEW_STRATEGIES, enumName, taskConceptIds, inputName } from '../api.js';
import { h, show, errorBox, toast, emptyQueue } from '../dom.js';
import { prepare, mediaElement } from '../media.js';
import { RegionEditor, regionsOf } from '../regions.js';
import { typing, colorFor } from '../shortcuts.js';

const VERBS = {
  approve: { action: 'REVIEW_APPROVE', config: 'review_approve_config', key: 'a', label: 'Approve', done: 'Approved' },
  changes: { action: 'REVIEW_REQUEST_CHANGES', config: 'review_request_changes_config', key: 'c', label: 'Request changes', done: 'Changes requested' },
  reject: { action: 'REVIEW_REJECT', config: 'review_reject_config', key: 'x', label: 'Reject', done: 'Rejected' },
};

/**
 * The review screen: REVIEW_START hands the reviewer a batch of submitted work; each input is
 * shown with every labeler's annotations side by side (in a color per labeler), with what they
 * disagreed on marked; each labeler's work is approved, sent back or rejected on its own, or
 * all of one labeler's work at once (bulk, by worker).
 */
export async function reviewView(taskId) {
  const taskPath = `/tasks/${encodeURIComponent(taskId)}`;
  const { task } = await app.get(taskPath);
  const consensus = enumName(REVIEW_STRATEGIES, task.review?.strategy) === 'CONSENSUS';
  const conceptOrder = taskConceptIds(task);
  const s = { groups: [], index: 0, card: 0, verdicts: new Map(), annotations: new Map(), workers: [], busy: false };
  const stage = h('div', { class: 'stage', id: 'stage' });
  const side = h('aside', { class: 'side' });
  const status = h('div', { id: 'review-status' });
  show(h('div', { class: 'row' }, h('h1', { class: 'ellipsis', title: task.name || task.id }, `Review: ${task.name || task.id}`), status),
    h('div', { class: 'workspace' }, stage, side));
  const workerColor = (id) => colorFor(Math.max(0, s.workers.indexOf(id)) + 2);

  async function startBatch() {
    const reply = await app.put(`${taskPath}/assignments`, { action: 'REVIEW_START' });
    const byInput = new Map();
    for (const a of reply.task_assignments) {
      if (!byInput.has(a.input.id)) byInput.set(a.input.id, { input: a.input, assignments: [] });
      byInput.get(a.input.id).assignments.push(a);
    }
    s.groups = [...byInput.values()];
    s.workers = [...new Set(reply.task_assignments.map((a) => a.worker?.user?.id))].filter(Boolean).sort();
    s.index = 0;
    s.card = 0;
    s.verdicts.clear();
    s.annotations.clear();
    if (!s.groups.length) {
      stage.replaceChildren(emptyQueue('queue-empty', 'The review queue is empty',
        'Nothing submitted is waiting for you.', task.id));
      side.replaceChildren();
      return;
    }
    const [listed] = await Promise.all([
      app.get('/annotations', { task_id: task.id, input_ids: s.groups.map((g) => g.input.id), list_all_annotations: true, per_page: 1000 }),
      prepare(s.groups.map((g) => g.input))]);
    for (const a of listed.annotations) {
      const key = `${a.input_id}/${a.worker?.user?.id || a.user_id}`;
      if (!s.annotations.has(key)) s.annotations.set(key, []);
      s.annotations.get(key).push(a);
    }
    render();
  }

  const group = () => s.groups[s.index];
  const annotationsOf = (inputId, worker) => s.annotations.get(`${inputId}/${worker}`) || [];
  const conceptsOf = (inputId, worker) => new Set(annotationsOf(inputId, worker).flatMap((a) => [
    ...(a.data?.concepts || []).filter((c) => c.value > 0.5).map((c) => c.id),
    ...(a.data?.regions || []).flatMap((r) => (r.data?.concepts || []).map((c) => c.id))]));

  async function decide(verb, assignments, workers) {
    if (s.busy) return;
    s.busy = true;
    status.replaceChildren();
    try {
      const config = workers ? { workers: workers.map((id) => ({ user: { id } })) }
        : { task_assignments: assignments.map((a) => ({ id: a.id })) };
      await app.put(`${taskPath}/assignments`, { action: VERBS[verb].action, [VERBS[verb].config]: config });
      const decided = workers ? s.groups.flatMap((g) => g.assignments).filter((a) => workers.includes(a.worker?.user?.id)) : assignments;
      decided.forEach((a) => s.verdicts.set(a.id, verb));
      toast(`${VERBS[verb].done}: ${decided.length}`);
      const open = s.groups.flatMap((g) => g.assignments).filter((a) => !s.verdicts.has(a.id));
      if (!open.length) {
        await startBatch();
        return;
      }
      const next = s.groups.findIndex((g) => g.assignments.some((a) => !s.verdicts.has(a.id)));
      if (!group().assignments.some((a) => !s.verdicts.has(a.id)) && next >= 0) {
        s.index = next;
        s.card = 0;
      }
      render();
    } catch (error) {
      status.replaceChildren(errorBox(error));
    } finally {
      s.busy = false;
    }
  }

  function render() {
    const g = group();
    const frame = h('div', { class: 'frame' }, mediaElement(g.input, { id: 'media' }));
    const overlay = new RegionEditor({ mode: 'view', colorOf: () => '#000' });
    overlay.setRegions(g.assignments.flatMap((a) => {
      const worker = a.worker?.user?.id;
      // Labels stacked by labeler, so that boxes drawn in the same place stay readable.
      return regionsOf(annotationsOf(g.input.id, worker)).map((r) => ({ ...r, color: workerColor(worker),
        label: `${worker}: ${r.concept}`, labelOffset: s.workers.indexOf(worker) }));
    }));
    frame.append(overlay.el);
    stage.replaceChildren(frame);
    renderSide();
  }

  function renderSide() {
    const g = group();
    const sets = g.assignments.map((a) => conceptsOf(g.input.id, a.worker?.user?.id));
    const agreed = (c) => sets.every((set) => set.has(c));
    const disagree = g.assignments.length > 1 && sets.some((set) => [...set].some((c) => !agreed(c)) || set.size !== sets[0].size);
    side.replaceChildren(
      h('div', { class: 'counter' }, h('div', { id: 'position' }, `Input ${s.index + 1} of ${s.groups.length}`),
        h('div', { class: 'muted ellipsis', id: 'input-name', title: `${inputName(g.input)} (id ${g.input.id})` }, inputName(g.input)),
        h('div', { id: 'left' }, `${s.groups.flatMap((x) => x.assignments).filter((a) => !s.verdicts.has(a.id)).length} labelings left to review in this batch`)),
      g.assignments.length > 1 ? h('div', { class: disagree ? 'disagree' : 'agree', id: 'agreement' },
        disagree ? (consensus ? 'Labelers disagreed: no consensus was reached' : 'Labelers differ') : 'Labelers agree') : '', // replaceChildren writes null as text
      ...g.assignments.map((a, i) => {
        const worker = a.worker?.user?.id;
        const verdict = s.verdicts.get(a.id);
        const concepts = [...conceptsOf(g.input.id, worker)].sort((x, y) => conceptOrder.indexOf(x) - conceptOrder.indexOf(y));
        const regions = regionsOf(annotationsOf(g.input.id, worker)).length;
        return h('section', { class: `labeling${i === s.card ? ' selected' : ''}`, dataset: { worker, assignment: a.id },
          style: `--c:${workerColor(worker)}`, onclick: () => { s.card = i; renderSide(); } },
        h('h3', { class: 'ellipsis', title: worker }, worker),
        h('ul', { class: 'chips' }, concepts.length ? concepts.map((c) => h('li', { class: agreed(c) ? 'agreed' : 'disputed',
          title: agreed(c) ? `${c}: every labeler` : `${c}: not every labeler` }, c)) : h('li', { class: 'muted' }, 'no concepts')),
        regions ? h('div', { class: 'muted' }, `${regions} region${regions === 1 ? '' : 's'}`) : null,
        verdict ? h('div', { class: `verdict ${verdict}` }, VERBS[verdict].done) : h('div', { class: 'actions' },
          Object.entries(VERBS).map(([verb, v]) => h('button', { type: 'button', class: `verb ${verb}`, dataset: { verb },
            onclick: (e) => { e.stopPropagation(); decide(verb, [a]); } }, h('kbd', {}, v.key), ` ${v.label}`))));
      }),
      h('div', { class: 'nav-buttons' },
        h('button', { type: 'button', id: 'prev', onclick: () => move(-1), disabled: s.index === 0 }, '← Previous'),
        h('button', { type: 'button', id: 'next', onclick: () => move(1), disabled: s.index >= s.groups.length - 1 }, 'Next →')),
      h('h2', {}, 'All of one labeler'),
      h('ul', { class: 'bulk' }, s.workers.map((w) => h('li', { dataset: { worker: w } },
        h('span', { class: 'ellipsis', title: w }, w),
        h('button', { type: 'button', class: 'bulk-approve', onclick: () => decide('approve', null, [w]) }, 'Approve all'),
        h('button', { type: 'button', class: 'bulk-reject', onclick: () => decide('reject', null, [w]) }, 'Reject all')))),
      h('details', { class: 'help' }, h('summary', {}, 'Keyboard'), h('ul', {},
        h('li', {}, h('kbd', {}, '↑'), ' / ', h('kbd', {}, '↓'), ': choose a labeler'),
        h('li', {}, h('kbd', {}, 'a'), ' approve · ', h('kbd', {}, 'c'), ' request changes · ', h('kbd', {}, 'x'), ' reject'),
        h('li', {}, h('kbd', {}, 'Shift'), '+', h('kbd', {}, 'A'), ' / ', h('kbd', {}, 'X'), ': all of that labeler\'s work'),
        h('li', {}, h('kbd', {}, '→'), ' / ', h('kbd', {}, 'n'), ' next input · ', h('kbd', {}, '←'), ' / ', h('kbd', {}, 'p'), ' previous'))));
  }

  function move(delta) {
    const next = s.index + delta;
    if (next < 0 || next >= s.groups.length) return;
    s.index = next;
    s.card = 0;
    render();
  }

  function onKey(e) {
    if (typing(e) || e.ctrlKey || e.metaKey || e.altKey || !s.groups.length) return;
    const g = group();
    const a = g.assignments[s.card];
    const key = e.key.toLowerCase();
    const verb = Object.keys(VERBS).find((v) => VERBS[v].key === key);
    if (verb && a) {
      e.preventDefault();
      if (e.shiftKey && verb !== 'changes') decide(verb, null, [a.worker?.user?.id]);
      else if (!s.verdicts.has(a.id)) decide(verb, [a]);
      return;
    }
    if (e.key === 'ArrowDown' || e.key === 'j') { e.preventDefault(); s.card = Math.min(g.assignments.length - 1, s.card + 1); renderSide(); }
    else if (e.key === 'ArrowUp' || e.key === 'k') { e.preventDefault(); s.card = Math.max(0, s.card - 1); renderSide(); }
    else if (e.key === 'ArrowRight' || e.key === 'n') { e.preventDefault(); move(1); }
    else if (e.key === 'ArrowLeft' || e.key === 'p') { e.preventDefault(); move(-1); }
  }

  document.addEventListener('keydown', onKey);
  await startBatch();
  return () => document.removeEventListener('keydown', onKey);
}
