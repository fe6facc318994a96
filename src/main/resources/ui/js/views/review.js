import { app, REVIEW_STRATEGIES, TASK_TYPES, enumName, taskConceptIds, inputName } from '../api.js';
import { h, show, errorBox, toast, emptyQueue } from '../dom.js';
import { prepare, mediaElement } from '../media.js';
import { RegionEditor, regionsOf, annotationsOf } from '../regions.js';
import { conceptKeys, typing, colorFor } from '../shortcuts.js';

const VERBS = {
  approve: { verdict: 'APPROVE', action: 'REVIEW_APPROVE', config: 'review_approve_config', key: 'a', label: 'Approve', done: 'Approved' },
  changes: { verdict: 'REQUEST_CHANGES', action: 'REVIEW_REQUEST_CHANGES', config: 'review_request_changes_config', key: 'c', label: 'Request changes', done: 'Changes requested' },
  reject: { verdict: 'REJECT', action: 'REVIEW_REJECT', config: 'review_reject_config', key: 'x', label: 'Reject', done: 'Rejected' },
};

/**
 * The review screen: REVIEW_START hands the reviewer a batch of submitted work; each input is
 * shown with every labeler's annotations side by side (in a color per labeler), with what they
 * disagreed on marked. Each labeling is approved, sent back or rejected on its own, with a
 * comment and marks on the annotations that are wrong (annotask.review's PostReviewVerdicts,
 * one request), or corrected by the reviewer (their labels become final, the labeler's are
 * kept); a comment can also go to every labeling of the input at once; all of one labeler's
 * work can be approved or rejected in bulk (PutTaskAssignments by worker). Resubmitted work
 * shows what was asked when it was sent back (ListReviewNotes, once per batch).
 */
export async function reviewView(taskId) {
  const taskPath = `/tasks/${encodeURIComponent(taskId)}`;
  const { task } = await app.get(taskPath);
  const consensus = enumName(REVIEW_STRATEGIES, task.review?.strategy) === 'CONSENSUS';
  const type = enumName(TASK_TYPES, task.type);
  const detection = type !== 'CONCEPTS_CLASSIFICATION';
  const conceptOrder = taskConceptIds(task);
  const keys = conceptKeys(conceptOrder);
  const s = { groups: [], index: 0, card: 0, verdicts: new Map(), annotations: new Map(), workers: [], busy: false,
    comments: new Map(), flags: new Map(), inputComments: new Map(), earlier: new Map(), correcting: null };
  const stage = h('div', { class: 'stage', id: 'stage' });
  const side = h('aside', { class: 'side' });
  const status = h('div', { id: 'review-status' });
  show(h('div', { class: 'row' }, h('h1', { class: 'ellipsis', title: task.name || task.id }, `Review: ${task.name || task.id}`), status),
    h('div', { class: 'workspace' }, stage, side));
  const workerColor = (id) => colorFor(Math.max(0, s.workers.indexOf(id)) + 2);
  const conceptColor = (id) => colorFor(Math.max(0, conceptOrder.indexOf(id)));

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
    s.correcting = null;
    for (const map of [s.verdicts, s.annotations, s.comments, s.flags, s.inputComments, s.earlier]) map.clear();
    if (!s.groups.length) {
      stage.replaceChildren(emptyQueue('queue-empty', 'The review queue is empty',
        'Nothing submitted is waiting for you.', task.id));
      side.replaceChildren();
      return;
    }
    const inputIds = s.groups.map((g) => g.input.id);
    const [listed, notes] = await Promise.all([
      app.get('/annotations', { task_id: task.id, input_ids: inputIds, list_all_annotations: true, per_page: 1000 }),
      app.get(`${taskPath}/review_notes`, { input_ids: inputIds, per_page: 1000 }),
      prepare(s.groups.map((g) => g.input))]);
    // What was said the last time each labeling was sent back: it comes back resubmitted.
    for (const note of notes.review_notes) if (note.verdict === 2 || note.verdict === 'REQUEST_CHANGES') s.earlier.set(note.task_assignment_id, note);
    for (const a of listed.annotations) {
      const key = `${a.input_id}/${a.worker?.user?.id || a.user_id}`;
      if (!s.annotations.has(key)) s.annotations.set(key, []);
      s.annotations.get(key).push(a);
    }
    render();
  }

  const group = () => s.groups[s.index];
  const annotationsOfWorker = (inputId, worker) => s.annotations.get(`${inputId}/${worker}`) || [];
  const conceptsOf = (inputId, worker) => new Set(annotationsOfWorker(inputId, worker).flatMap((a) => [
    ...(a.data?.concepts || []).filter((c) => c.value > 0.5).map((c) => c.id),
    ...(a.data?.regions || []).flatMap((r) => (r.data?.concepts || []).map((c) => c.id))]));
  const open = () => s.groups.flatMap((g) => g.assignments).filter((a) => !s.verdicts.has(a.id));

  /** Sends one request; then records what it decided and moves on (the next batch when all is decided). */
  async function send(work, decided, verb) {
    if (s.busy) return;
    s.busy = true;
    status.replaceChildren();
    try {
      await work();
      decided.forEach((a) => s.verdicts.set(a.id, verb));
      s.correcting = null;
      toast(`${VERBS[verb].done}: ${decided.length}`);
      if (!open().length) {
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

  /** A verdict on labelings, each with the comment and marks the reviewer gave it. */
  function decide(verb, assignments) {
    const labelings = assignments.map((a) => ({ task_assignment_id: a.id, comment: s.comments.get(a.id) || '',
      flagged_annotation_ids: [...(s.flags.get(a.id) || [])] }));
    return send(() => app.post(`${taskPath}/review_verdicts`, { verdict: VERBS[verb].verdict, labelings }), assignments, verb);
  }

  /** A verdict on every open labeling of the input, with one comment for all of them. */
  function decideInput(verb) {
    const g = group();
    const comment = s.inputComments.get(g.input.id) || '';
    return send(() => app.post(`${taskPath}/review_verdicts`, { verdict: VERBS[verb].verdict,
      labelings: [{ input_id: g.input.id, comment }] }), g.assignments.filter((a) => !s.verdicts.has(a.id)), verb);
  }

  /** All of one labeler's work in the batch (and beyond), by worker: Clarifai's bulk form. */
  function decideWorker(verb, worker) {
    return send(() => app.put(`${taskPath}/assignments`, { action: VERBS[verb].action,
      [VERBS[verb].config]: { workers: [{ user: { id: worker } }] } }),
    s.groups.flatMap((g) => g.assignments).filter((a) => a.worker?.user?.id === worker), verb);
  }

  function approveCorrected() {
    const c = s.correcting;
    const corrections = annotationsOf(c.label);
    if (!corrections.length) {
      status.replaceChildren(errorBox({ description: 'A correction needs at least one label',
        details: 'To say the input holds nothing to label, reject the labeling instead.' }));
      return;
    }
    send(() => app.post(`${taskPath}/review_verdicts`, { verdict: 'APPROVE', labelings: [{ task_assignment_id: c.assignment.id,
      comment: s.comments.get(c.assignment.id) || '', corrections }] }), [c.assignment], 'approve');
  }

  function startCorrecting(a) {
    const own = annotationsOfWorker(group().input.id, a.worker?.user?.id);
    s.correcting = { assignment: a, label: { concepts: conceptsOf(group().input.id, a.worker?.user?.id), regions: regionsOf(own) },
      editor: null };
    if (detection) s.correcting.label.concepts = new Set();
    render();
  }

  function render() {
    const g = group();
    const frame = h('div', { class: 'frame' }, mediaElement(g.input, { id: 'media' }));
    if (s.correcting) {
      const c = s.correcting;
      if (detection) {
        c.editor = new RegionEditor({ mode: type === 'POLYGON_DETECTION' ? 'polygon' : 'box', colorOf: conceptColor,
          onChange: (regions) => { c.label.regions = regions; renderSide(); } });
        c.editor.activeConcept = conceptOrder[0] || null;
        c.editor.setRegions(c.label.regions);
        if (frame.firstChild.tagName === 'IMG') c.editor.watchImage(frame.firstChild);
        frame.append(c.editor.el);
      }
    } else {
      const overlay = new RegionEditor({ mode: 'view', colorOf: () => '#000' });
      overlay.setRegions(g.assignments.flatMap((a) => {
        const worker = a.worker?.user?.id;
        const flags = s.flags.get(a.id) || new Set();
        // Labels stacked by labeler, so that boxes drawn in the same place stay readable.
        return annotationsOfWorker(g.input.id, worker).flatMap((ann) => regionsOf([ann]).map((r) => ({ ...r,
          color: workerColor(worker), label: `${worker}: ${r.concept}`, labelOffset: s.workers.indexOf(worker),
          flagged: flags.has(ann.id) })));
      }));
      if (frame.firstChild.tagName === 'IMG') overlay.watchImage(frame.firstChild);
      frame.append(overlay.el);
    }
    stage.replaceChildren(frame);
    renderSide();
  }

  /** The labeler's annotations as buttons the reviewer presses to mark what is wrong. */
  function marks(a, worker) {
    const flags = s.flags.get(a.id) || new Set();
    const items = annotationsOfWorker(group().input.id, worker).map((ann) => {
      const regions = regionsOf([ann]);
      const text = regions.length ? `${regions[0].box ? 'box' : 'polygon'} ${regions[0].concept}`
        : (ann.data?.concepts || []).filter((c) => c.value > 0.5).map((c) => c.id).join(', ') || 'no concepts';
      const on = flags.has(ann.id);
      return h('button', { type: 'button', class: 'mark', 'aria-pressed': on ? 'true' : 'false', dataset: { annotationId: ann.id },
        title: on ? 'Marked as wrong: press to unmark' : 'Mark as wrong', onclick: (e) => {
          e.stopPropagation();
          if (on) flags.delete(ann.id); else flags.add(ann.id);
          s.flags.set(a.id, flags);
          render();
        } }, on ? `✗ ${text}` : text);
    });
    return items.length ? h('div', { class: 'marks', 'aria-label': `Mark ${worker}'s wrong labels` }, items) : null;
  }

  function commentBox(id, map, label) {
    return h('textarea', { class: 'comment', 'aria-label': label, placeholder: label, value: map.get(id) || '',
      onclick: (e) => e.stopPropagation(), oninput: (e) => map.set(id, e.target.value) });
  }

  function card(a, i, agreed) {
    const g = group();
    const worker = a.worker?.user?.id;
    const verdict = s.verdicts.get(a.id);
    const concepts = [...conceptsOf(g.input.id, worker)].sort((x, y) => conceptOrder.indexOf(x) - conceptOrder.indexOf(y));
    const regions = regionsOf(annotationsOfWorker(g.input.id, worker)).length;
    return h('section', { class: `labeling${i === s.card ? ' selected' : ''}`, dataset: { worker, assignment: a.id },
      style: `--c:${workerColor(worker)}`, onclick: () => { s.card = i; renderSide(); } },
    h('h3', { class: 'ellipsis', title: worker }, worker),
    h('ul', { class: 'chips' }, concepts.length ? concepts.map((c) => h('li', { class: agreed(c) ? 'agreed' : 'disputed',
      title: agreed(c) ? `${c}: every labeler` : `${c}: not every labeler` }, c)) : h('li', { class: 'muted' }, 'no concepts')),
    regions ? h('div', { class: 'muted' }, `${regions} region${regions === 1 ? '' : 's'}`) : null,
    s.earlier.has(a.id) ? h('div', { class: 'earlier muted wrap' }, `Resubmitted. ${s.earlier.get(a.id).reviewer_user_id} had asked: `,
      h('q', {}, s.earlier.get(a.id).comment || '(no comment)')) : null,
    verdict ? h('div', { class: `verdict ${verdict}` }, VERBS[verdict].done) : [
      marks(a, worker),
      commentBox(a.id, s.comments, `Comment for ${worker} (sent with the verdict)`),
      h('div', { class: 'actions' },
        Object.entries(VERBS).map(([verb, v]) => h('button', { type: 'button', class: `verb ${verb}`, dataset: { verb },
          onclick: (e) => { e.stopPropagation(); decide(verb, [a]); } }, h('kbd', {}, v.key), ` ${v.label}`)),
        h('button', { type: 'button', class: 'correct', onclick: (e) => { e.stopPropagation(); startCorrecting(a); } },
          h('kbd', {}, 'e'), ' Correct'))]);
  }

  /** The side panel while the reviewer corrects one labeling: their own labels, then approve. */
  function correctionPanel() {
    const c = s.correcting;
    const worker = c.assignment.worker?.user?.id;
    const active = (concept) => (detection ? c.editor?.activeConcept === concept : c.label.concepts.has(concept));
    return h('section', { class: 'correcting', id: 'correcting' },
      h('h2', {}, `Correcting ${worker}'s labels`),
      h('p', { class: 'muted' }, detection ? 'Draw, move or delete shapes; the concept applies to new and selected shapes.'
        : 'Toggle the concepts present.', ' Your labels become final; theirs are kept.'),
      h('div', { class: 'concepts', role: 'group', 'aria-label': 'Concepts' }, conceptOrder.map((concept) => h('button', {
        type: 'button', class: `concept${active(concept) ? ' on' : ''}`, 'aria-pressed': active(concept) ? 'true' : 'false',
        dataset: { concept }, style: `--c:${conceptColor(concept)}`, onclick: () => pick(concept) },
      keys.has(concept) ? h('kbd', {}, keys.get(concept)) : null, h('span', { class: 'ellipsis' }, concept)))),
      detection ? h('div', { class: 'muted', id: 'correction-count' }, `${c.label.regions.length} shape${c.label.regions.length === 1 ? '' : 's'}`) : null,
      commentBox(c.assignment.id, s.comments, `Comment for ${worker}`),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'primary', id: 'approve-corrected', onclick: approveCorrected }, 'Approve with my correction'),
        h('button', { type: 'button', id: 'cancel-correction', onclick: () => { s.correcting = null; render(); } }, 'Cancel')));
  }

  function pick(concept) {
    const c = s.correcting;
    if (detection) c.editor.setConcept(concept);
    else if (c.label.concepts.has(concept)) c.label.concepts.delete(concept);
    else c.label.concepts.add(concept);
    renderSide();
  }

  function renderSide() {
    const g = group();
    const sets = g.assignments.map((a) => conceptsOf(g.input.id, a.worker?.user?.id));
    const agreed = (c) => sets.every((set) => set.has(c));
    const disagree = g.assignments.length > 1 && sets.some((set) => [...set].some((c) => !agreed(c)) || set.size !== sets[0].size);
    const undecided = g.assignments.filter((a) => !s.verdicts.has(a.id));
    // replaceChildren takes nodes, not lists, and would print a null: flattened, nulls dropped.
    side.replaceChildren(...[
      h('div', { class: 'counter' }, h('div', { id: 'position' }, `Input ${s.index + 1} of ${s.groups.length}`),
        h('div', { class: 'muted ellipsis', id: 'input-name', title: `${inputName(g.input)} (id ${g.input.id})` }, inputName(g.input)),
        h('div', { id: 'left' }, `${open().length} labelings left to review in this batch`)),
      g.assignments.length > 1 ? h('div', { class: disagree ? 'disagree' : 'agree', id: 'agreement' },
        disagree ? (consensus ? 'Labelers disagreed: no consensus was reached' : 'Labelers differ') : 'Labelers agree') : '', // replaceChildren writes null as text
      s.correcting ? correctionPanel() : [
        ...g.assignments.map((a, i) => card(a, i, agreed)),
        undecided.length > 1 ? h('section', { class: 'input-verdict' }, h('h3', {}, 'Every labeling of this input'),
          commentBox(g.input.id, s.inputComments, 'Comment on the input, for every labeler'),
          h('div', { class: 'actions' },
            h('button', { type: 'button', id: 'input-changes', onclick: () => decideInput('changes') }, 'Request changes on all'),
            h('button', { type: 'button', id: 'input-reject', onclick: () => decideInput('reject') }, 'Reject all'))) : null],
      h('div', { class: 'nav-buttons' },
        h('button', { type: 'button', id: 'prev', onclick: () => move(-1), disabled: s.index === 0 }, '← Previous'),
        h('button', { type: 'button', id: 'next', onclick: () => move(1), disabled: s.index >= s.groups.length - 1 }, 'Next →')),
      h('h2', {}, 'All of one labeler'),
      h('ul', { class: 'bulk' }, s.workers.map((w) => h('li', { dataset: { worker: w } },
        h('span', { class: 'ellipsis', title: w }, w),
        h('button', { type: 'button', class: 'bulk-approve', onclick: () => decideWorker('approve', w) }, 'Approve all'),
        h('button', { type: 'button', class: 'bulk-reject', onclick: () => decideWorker('reject', w) }, 'Reject all')))),
      h('details', { class: 'help' }, h('summary', {}, 'Keyboard'), h('ul', {},
        h('li', {}, h('kbd', {}, '↑'), ' / ', h('kbd', {}, '↓'), ': choose a labeler'),
        h('li', {}, h('kbd', {}, 'a'), ' approve · ', h('kbd', {}, 'c'), ' request changes · ', h('kbd', {}, 'x'), ' reject · ',
          h('kbd', {}, 'e'), ' correct (the comment box goes with the verdict)'),
        h('li', {}, h('kbd', {}, 'Shift'), '+', h('kbd', {}, 'A'), ' / ', h('kbd', {}, 'X'), ': all of that labeler\'s work'),
        h('li', {}, h('kbd', {}, '→'), ' / ', h('kbd', {}, 'n'), ' next input · ', h('kbd', {}, '←'), ' / ', h('kbd', {}, 'p'), ' previous')))]
      .flat().filter(Boolean));
  }

  function move(delta) {
    const next = s.index + delta;
    if (next < 0 || next >= s.groups.length) return;
    s.index = next;
    s.card = 0;
    s.correcting = null;
    render();
  }

  function onKey(e) {
    if (typing(e) || e.ctrlKey || e.metaKey || e.altKey || !s.groups.length) return;
    if (s.correcting) {
      if (s.correcting.editor && s.correcting.editor.key(e)) { e.preventDefault(); return; }
      const concept = conceptOrder.find((c) => keys.get(c) === e.key.toLowerCase());
      if (concept && !e.shiftKey) { e.preventDefault(); pick(concept); }
      return;
    }
    const g = group();
    const a = g.assignments[s.card];
    const key = e.key.toLowerCase();
    const verb = Object.keys(VERBS).find((v) => VERBS[v].key === key);
    if (verb && a) {
      e.preventDefault();
      if (e.shiftKey && verb !== 'changes') decideWorker(verb, a.worker?.user?.id);
      else if (!s.verdicts.has(a.id)) decide(verb, [a]);
      return;
    }
    if (key === 'e' && a && !s.verdicts.has(a.id)) { e.preventDefault(); startCorrecting(a); return; }
    if (e.key === 'ArrowDown' || e.key === 'j') { e.preventDefault(); s.card = Math.min(g.assignments.length - 1, s.card + 1); renderSide(); }
    else if (e.key === 'ArrowUp' || e.key === 'k') { e.preventDefault(); s.card = Math.max(0, s.card - 1); renderSide(); }
    else if (e.key === 'ArrowRight' || e.key === 'n') { e.preventDefault(); move(1); }
    else if (e.key === 'ArrowLeft' || e.key === 'p') { e.preventDefault(); move(-1); }
  }

  document.addEventListener('keydown', onKey);
  await startBatch();
  return () => document.removeEventListener('keydown', onKey);
}
