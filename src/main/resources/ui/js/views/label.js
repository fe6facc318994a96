import { app, TASK_TYPES, enumName, taskConceptIds, inputName } from '../api.js';
import { h, show, errorBox, toast, progress, emptyQueue } from '../dom.js';
import { session } from '../session.js';
import { prepare, mediaElement } from '../media.js';
import { RegionEditor, regionsOf, annotationsOf } from '../regions.js';
import { conceptKeys, typing, colorFor, command, shortcutSheet } from '../shortcuts.js';
import { Viewport } from '../viewport.js';
import { toolbar } from '../toolbar.js';
import { regionList } from '../regionlist.js';
import { fetchPrelabels, suggestionsFrom, suggestionPanel } from '../prelabels.js';

const PENDING = 54201;
const ANNOTATION_PENDING = 24151;
/** The status details the server gives a pending assignment a reviewer sent back (docs/COMPATIBILITY.md). */
const SENT_BACK = 'Sent back by a reviewer';

/**
 * The labeling screen: LABEL_START hands the labeler a batch; each input is labeled with the
 * task's concepts (classification) or boxes / polygons (detection); labels are saved as the
 * labeler moves on, one request per changed input that replaces the labeler's annotations on it
 * or changes nothing (PutTaskAnnotations); submit turns the batch in with LABEL_SUBMIT and takes
 * the next. Work a reviewer sent back comes first, with the reviewer's comment and marks.
 * Images zoom and pan (viewport.js); shapes are listed beside them (regionlist.js) and edits
 * undo per input (regions.js). A detection task's labeler may also tag the whole image with
 * concepts (the API takes concepts without a region in such a task; a classification task takes
 * no regions). Everything works from the keyboard; `?` lists the keys (shortcuts.js).
 */
export async function labelView(taskId) {
  const taskPath = `/tasks/${encodeURIComponent(taskId)}`;
  let { task } = await app.get(taskPath, { additional_fields: 'all' });
  const me = session().user.id;
  const type = enumName(TASK_TYPES, task.type);
  const detection = type !== 'CONCEPTS_CLASSIFICATION';
  const concepts = taskConceptIds(task);
  const keys = conceptKeys(concepts);
  const color = (id) => colorFor(Math.max(0, concepts.indexOf(id)));
  const s = { batch: [], index: 0, labels: new Map(), saved: new Map(), notes: new Map(), suggestions: new Map(), busy: false, fresh: true };
  const editor = detection ? new RegionEditor({ mode: type === 'POLYGON_DETECTION' ? 'polygon' : 'box', colorOf: color,
    onChange: (regions) => { current().regions = regions; renderSide(); }, onSelect: () => renderSide() }) : null;
  if (editor) editor.activeConcept = concepts[0] || null;

  const stage = h('div', { class: 'stage', id: 'stage' });
  const side = h('aside', { class: 'side' });
  const status = h('div', { id: 'label-status' });
  const title = h('h1', { class: 'ellipsis', title: task.name || task.id }, `Label: ${task.name || task.id}`);
  const sheet = shortcutSheet(['all', 'image', ...(detection ? ['regions'] : [])]);
  let focusBefore = null;
  const openSheet = () => { if (!sheet.open) { focusBefore = document.activeElement; sheet.showModal(); } };
  sheet.addEventListener('close', () => focusBefore?.focus?.());
  let tools = null;
  const viewport = new Viewport(stage, () => { editor?.render(); tools?.update(); });
  tools = toolbar({ editor, viewport, openSheet });
  show(h('div', { class: 'row' }, title, status), h('div', { class: 'workspace' },
    h('div', { class: 'stage-column' }, tools.el, stage), side), sheet);

  const input = () => s.batch[s.index]?.input;
  const current = () => {
    const id = input().id;
    if (!s.labels.has(id)) s.labels.set(id, { concepts: new Set(), regions: [] });
    return s.labels.get(id);
  };
  const labeled = (id) => {
    const l = s.labels.get(id);
    return !!l && (l.concepts.size > 0 || l.regions.length > 0);
  };

  async function startBatch() {
    const reply = await app.put(`${taskPath}/assignments`, { action: 'LABEL_START' });
    // The task-wide count below; the first batch has it from the view's own GetTask.
    if (!s.fresh) ({ task } = await app.get(taskPath, { additional_fields: 'metrics' }));
    s.fresh = false;
    s.batch = reply.task_assignments.filter((a) => a.status?.code === PENDING || !a.status);
    s.index = 0;
    s.labels.clear();
    s.saved.clear();
    s.notes.clear();
    if (!s.batch.length) {
      stage.replaceChildren(emptyQueue('nothing-left', 'Nothing left to label',
        'Every input of this task that is yours is labeled and submitted.', task.id));
      side.replaceChildren();
      status.replaceChildren();
      return;
    }
    const inputIds = s.batch.map((a) => a.input.id);
    // Sent-back work comes first; its notes (comment, marks) only when the batch holds some.
    const sentBack = s.batch.filter((a) => (a.status?.details || '').startsWith(SENT_BACK)).map((a) => a.input.id);
    const [mine, notes, prelabels] = await Promise.all([
      app.get('/annotations', { task_id: task.id, user_ids: me, input_ids: inputIds, per_page: 1000 }),
      sentBack.length ? app.get(`${taskPath}/review_notes`, { input_ids: sentBack, worker_user_ids: me, per_page: 1000 })
        : { review_notes: [] },
      fetchPrelabels(inputIds),
      prepare(s.batch.map((a) => a.input))]);
    for (const id of sentBack) s.notes.set(id, null);
    for (const note of notes.review_notes) if (note.open) s.notes.set(note.input_id, note);
    s.suggestions = suggestionsFrom(prelabels, inputIds, type, mine.annotations);
    for (const id of inputIds) {
      // The labeler's own labeling (not a correction they made as a reviewer of someone else's).
      const own = mine.annotations.filter((a) => a.input_id === id && (a.user_id || a.worker?.user?.id) === me
        && a.status?.code === ANNOTATION_PENDING);
      const flagged = new Set(s.notes.get(id)?.flagged_annotation_ids || []);
      const label = { concepts: new Set(own.flatMap((a) => (a.data?.concepts || []).filter((c) => c.value > 0.5).map((c) => c.id))),
        regions: own.flatMap((a) => regionsOf([a]).map((r) => (flagged.has(a.id) ? { ...r, flagged: true } : r))),
        flaggedConcepts: own.filter((a) => flagged.has(a.id)).flatMap((a) => (a.data?.concepts || []).map((c) => c.id)),
        flaggedRegions: own.filter((a) => flagged.has(a.id)).flatMap((a) => regionsOf([a])).map((r) => r.concept) };
      s.labels.set(id, label);
      s.saved.set(id, { snapshot: snapshot(label) });
    }
    render();
  }

  function snapshot(label) {
    return JSON.stringify({ c: [...label.concepts].sort(), r: label.regions.map((r) => ({ concept: r.concept, box: r.box, points: r.points })) });
  }

  /**
   * Saves the current input's labels when they changed, in one request that replaces the
   * labeler's annotations on the input or, failing, changes nothing (the labels stay here to retry).
   */
  async function save(index = s.index) {
    const id = s.batch[index]?.input.id;
    if (!id) return;
    const label = s.labels.get(id) || { concepts: new Set(), regions: [] };
    const saved = s.saved.get(id) || { snapshot: snapshot({ concepts: new Set(), regions: [] }) };
    const now = snapshot(label);
    if (now === saved.snapshot) return;
    await app.put(`${taskPath}/annotations`, { inputs: [{ input_id: id, annotations: annotationsOf(label) }] });
    s.saved.set(id, { snapshot: now });
  }

  async function act(work) {
    if (s.busy) return;
    s.busy = true;
    try {
      await work();
    } catch (error) {
      status.replaceChildren(errorBox(error));
    } finally {
      s.busy = false;
    }
  }

  const go = (delta) => act(async () => {
    const next = s.index + delta;
    if (next < 0 || next >= s.batch.length) return;
    await save();
    s.index = next;
    render();
  });

  const submit = () => act(async () => {
    await save();
    const ids = s.batch.map((a) => ({ id: a.id }));
    await app.put(`${taskPath}/assignments`, { action: 'LABEL_SUBMIT', label_submit_config: { task_assignments: ids } });
    toast(`Submitted ${ids.length} input${ids.length === 1 ? '' : 's'}`);
    await startBatch();
  });

  function sentBackBanner() {
    const id = input().id;
    if (!s.notes.has(id)) return null;
    const note = s.notes.get(id);
    const l = current();
    const marks = [...(l.flaggedConcepts || []).map((c) => `concept ${c}`),
      ...(l.flaggedRegions || []).map((c) => `${type === 'POLYGON_DETECTION' ? 'polygon' : 'box'} ${c}`)];
    return h('div', { class: 'sent-back', id: 'sent-back', role: 'status' },
      h('strong', {}, note?.reviewer_user_id ? `Sent back by ${note.reviewer_user_id}` : 'Sent back by a reviewer'),
      note?.comment ? h('p', { class: 'comment wrap', id: 'review-comment' }, note.comment)
        : h('p', { class: 'muted' }, 'No comment: look at the labels again.'),
      marks.length ? h('div', { id: 'review-marks' }, 'Marked: ', marks.join(', ')) : null);
  }

  function toggle(conceptId, whole = false) {
    if (editor && !whole) {
      editor.setConcept(conceptId);
      renderSide();
      return;
    }
    const l = current();
    if (l.concepts.has(conceptId)) l.concepts.delete(conceptId);
    else l.concepts.add(conceptId);
    renderSide();
  }

  const suggested = () => s.suggestions.get(input().id) || { regions: [], concepts: [] };

  /** Accepting a pre-label copies it into the labeler's own labels (saved as theirs on moving on). */
  function acceptRegions(indexes) {
    const sug = suggested();
    const taken = indexes.map((i) => sug.regions[i]).filter(Boolean);
    sug.regions = sug.regions.filter((r, i) => !indexes.includes(i));
    editor.add(taken);
    editor.setSuggestions(sug.regions, (i) => acceptRegions([i]));
    renderSide();
  }

  function acceptConcepts(ids) {
    const sug = suggested();
    sug.concepts = sug.concepts.filter((c) => !ids.includes(c));
    ids.forEach((c) => current().concepts.add(c));
    renderSide();
  }

  function render() {
    status.replaceChildren();
    const media = mediaElement(input(), { id: 'media' });
    const image = media.tagName === 'IMG' ? media : null;
    const frame = h('div', { class: 'frame' }, media);
    stage.classList.toggle('text', media.tagName === 'PRE');
    if (editor) {
      editor.setRegions(current().regions);
      editor.setSuggestions(suggested().regions, (i) => acceptRegions([i]));
      if (image) {
        editor.watchImage(image);
        frame.append(editor.el);
      }
    }
    stage.replaceChildren(frame);
    viewport.attach(frame, image);
    renderSide();
  }

  function renderSide() {
    const l = current();
    const left = s.batch.filter((a) => !labeled(a.input.id)).length;
    const m = task.metrics || {};
    side.replaceChildren(...[
      sentBackBanner(),
      h('div', { class: 'counter' },
        h('div', { id: 'position' }, `Input ${s.index + 1} of ${s.batch.length}`,
          s.notes.size ? ` · ${s.notes.size} sent back` : ''),
        h('div', { id: 'left', class: left ? 'warn' : 'ok' }, left ? `${left} left to label in this batch` : 'Batch fully labeled'),
        h('div', { class: 'muted ellipsis', id: 'input-name', title: `${inputName(input())} (id ${input().id})` }, inputName(input())),
        progress(100 * (s.batch.length - left) / s.batch.length, 'Batch'),
        h('div', { class: 'muted', id: 'task-left' }, `Task: ${Math.max(0, (m.input_source?.inputs_count_estimated ?? 0)
          - (m.work?.inputs_count_estimated ?? 0))} of ${m.input_source?.inputs_count_estimated ?? 0} inputs not yet labeled by anyone`)),
      h('h2', {}, detection ? 'Concept for new shapes' : 'Concepts'),
      conceptButtons((c) => (editor ? editor.activeConcept === c : l.concepts.has(c)), (c) => toggle(c), true),
      suggestionPanel(suggested(), (i) => acceptRegions([i]), (c) => acceptConcepts([c]), () => {
        if (editor) acceptRegions(suggested().regions.map((r, i) => i));
        acceptConcepts([...suggested().concepts]);
      }),
      editor ? regionList(editor, color) : null,
      editor ? h('div', { id: 'region-count', class: 'muted' }, `${l.regions.length} ${type === 'POLYGON_DETECTION' ? 'polygon' : 'box'}${l.regions.length === 1 ? '' : 'es'}`.replace('polygones', 'polygons')) : null,
      editor ? h('h2', {}, 'Whole image') : null,
      editor ? conceptButtons((c) => l.concepts.has(c), (c) => toggle(c, true), false, 'whole') : null,
      h('div', { class: 'nav-buttons' },
        h('button', { type: 'button', id: 'prev', onclick: () => go(-1), disabled: s.index === 0 }, '← Previous'),
        h('button', { type: 'button', id: 'next', onclick: () => go(1), disabled: s.index >= s.batch.length - 1 }, 'Next →')),
      h('button', { type: 'button', class: 'primary wide', id: 'submit', onclick: submit }, 'Submit batch'),
      h('p', { class: 'help muted' }, 'Press ', h('kbd', {}, '?'), ' for every keyboard shortcut.')]
      .filter(Boolean)); // replaceChildren would print a null
    tools.update();
  }

  /** Concept buttons; {@code withKeys}: with their shortcut keys. The whole-image ones have none (the keys pick the shape's concept). */
  function conceptButtons(on, onclick, withKeys, kind = 'concept') {
    return h('div', { class: 'concepts', role: 'group', 'aria-label': kind === 'whole' ? 'Concepts of the whole image' : 'Concepts' },
      concepts.map((c) => h('button', { type: 'button', class: `concept${on(c) ? ' on' : ''}${kind === 'whole' ? ' whole' : ''}`,
        'aria-pressed': on(c) ? 'true' : 'false', dataset: { concept: c }, title: c, style: `--c:${color(c)}`, onclick: () => onclick(c) },
      withKeys && keys.has(c) ? h('kbd', {}, keys.get(c)) : null, h('span', { class: 'ellipsis' }, c))));
  }

  const ARROWS = { ArrowLeft: [60, 0], ArrowRight: [-60, 0], ArrowUp: [0, 60], ArrowDown: [0, -60] };

  function onKey(e) {
    if (sheet.open || typing(e) || !s.batch.length) return;
    if (editor && (command(e, 'z', true) || command(e, 'y'))) { e.preventDefault(); editor.redo(); return; }
    if (editor && command(e, 'z')) { e.preventDefault(); editor.undo(); return; }
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === '?') { e.preventDefault(); openSheet(); return; }
    if (e.key === 'Enter' && e.shiftKey) { e.preventDefault(); submit(); return; }
    if (viewport.enabled) {
      const zoom = { '+': 1.25, '=': 1.25, '-': 0.8 }[e.key];
      if (zoom) { e.preventDefault(); viewport.zoomBy(zoom); return; }
      if (e.key === '0') { e.preventDefault(); viewport.fit(); return; }
      if (e.key === ' ') { e.preventDefault(); viewport.setSpace(true); return; }
    }
    if (editor && viewport.enabled && editor.key(e)) { e.preventDefault(); return; } // shapes only over an image
    const concept = concepts.find((c) => keys.get(c) === e.key.toLowerCase());
    if (concept && !e.shiftKey) { e.preventDefault(); toggle(concept); return; }
    // Arrows pan an image zoomed in (a selected shape took them above); at fit size they turn pages.
    if (ARROWS[e.key] && viewport.zoom > 1) { e.preventDefault(); viewport.panBy(...ARROWS[e.key]); return; }
    if (e.key === 'ArrowRight' || e.key === 'n' || e.key === 'Enter') { e.preventDefault(); go(1); return; }
    if (e.key === 'ArrowLeft' || e.key === 'p') { e.preventDefault(); go(-1); }
  }

  const onKeyUp = (e) => { if (e.key === ' ') viewport.setSpace(false); };
  document.addEventListener('keydown', onKey);
  document.addEventListener('keyup', onKeyUp);
  await startBatch();
  return () => {
    document.removeEventListener('keydown', onKey);
    document.removeEventListener('keyup', onKeyUp);
  };
}
