import { app, appPath } from '../api.js';
import { session } from '../session.js';
import { h, show, errorBox, toast } from '../dom.js';

// Export formats and label choices (docs/COMPATIBILITY.md, "Export formats"). Enum values come
// back as numbers; requests send names.
const FORMATS = { 2: 'COCO', 10: 'YOLO', 11: 'PASCAL_VOC', 12: 'CSV', 13: 'JSONL', 1: 'CLARIFAI_DATA_PROTOBUF',
  3: 'CLARIFAI_DATA_JSON' };
const LABELS = { 0: 'FINAL', 1: 'ALL_LABELERS' };
const STATES = { 64200: 'ready', 64201: 'waiting', 64202: 'failed', 64203: 'building' };

/**
 * Owner's exports page: export a task or a dataset (a new or an existing version) in a format,
 * final labels or every labeler's; see past exports with their status and size; download them.
 */
export async function exportsView() {
  const [{ tasks }, { datasets }] = await Promise.all([app.get('/tasks', { per_page: 1000 }),
    app.get('/datasets', { per_page: 1000 })]);
  const list = h('div', { id: 'exports' });
  let timer = null;
  const refresh = async () => {
    clearTimeout(timer);
    let exports = [];
    try {
      ({ exports } = await app.get('/exports', { per_page: 50 }));
      list.replaceChildren(exports.length ? exportTable(exports, refresh)
        : h('p', { class: 'muted' }, 'No exports yet.'));
    } catch (error) {
      list.replaceChildren(errorBox(error));
    }
    // While something is being built, look again shortly.
    if (exports.some((e) => [64201, 64203].includes(e.status?.code))) timer = setTimeout(refresh, 1500);
  };
  show(h('h1', {}, 'Exports'), newExportCard(tasks, datasets, refresh), h('h2', {}, 'Past exports'), list);
  await refresh();
  return () => clearTimeout(timer);
}

// A new version's snapshot is made in the background: its exports may start once it is READY.
async function versionReady(datasetId, versionId) {
  const path = `/datasets/${encodeURIComponent(datasetId)}/versions/${encodeURIComponent(versionId)}`;
  for (const deadline = Date.now() + 30 * 60 * 1000; Date.now() < deadline;) {
    const { dataset_version: version } = await app.get(path);
    const code = version.status?.code;
    if (code === 64015) return;
    if (code === 64020) throw new Error(`The dataset version could not be made: ${version.status.details || 'failure'}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error('The dataset version is still being made; export it later from the API or try again.');
}

function newExportCard(tasks, datasets, made) {
  const source = h('select', { id: 'export-source', 'aria-label': 'Source' },
    tasks.map((t) => h('option', { value: `task:${t.id}` }, `Task ${t.name || t.id}`)),
    datasets.map((d) => h('option', { value: `dataset:${d.id}` }, `Dataset ${d.id} (new version now)`)));
  const format = h('select', { id: 'export-format', 'aria-label': 'Format' },
    Object.values(FORMATS).map((name) => h('option', { value: name }, name)));
  const labels = h('select', { id: 'export-labels', 'aria-label': 'Labels' },
    h('option', { value: 'FINAL' }, 'Final labels only'),
    h('option', { value: 'ALL_LABELERS' }, "Every labeler's labels (agreement studies)"));
  const errors = h('div', { id: 'export-errors' });
  const start = async () => {
    errors.replaceChildren();
    const [kind, id] = source.value.split(/:(.*)/s);
    try {
      const request = { format: format.value, labels: labels.value };
      if (kind === 'task') {
        request.task_id = id;
      } else {
        const { dataset_versions: versions } = await app.post(`/datasets/${encodeURIComponent(id)}/versions`,
          { dataset_versions: [{ description: 'made for an export in the web UI' }] });
        request.dataset_id = id;
        request.dataset_version_id = versions[0].id;
        toast('Making the dataset version…');
        await versionReady(id, versions[0].id);
      }
      await app.post('/exports', { exports: [request] });
      toast('Export started');
      await made();
    } catch (error) {
      errors.replaceChildren(errorBox(error));
    }
  };
  return h('section', { class: 'card' }, h('h2', {}, 'New export'),
    tasks.length || datasets.length ? [
      h('label', { for: 'export-source' }, 'Source'), source,
      h('label', { for: 'export-format' }, 'Format'), format,
      h('label', { for: 'export-labels' }, 'Labels'), labels,
      h('button', { type: 'button', class: 'primary', id: 'start-export', onclick: start }, 'Export')]
      : h('p', { class: 'muted' }, 'Make a task or a dataset first.'),
    errors);
}

function exportTable(exports, changed) {
  const when = (t) => (t ? new Date(t).toLocaleString() : '');
  const size = (bytes) => (Number(bytes) >= 1048576 ? `${(Number(bytes) / 1048576).toFixed(1)} MB`
    : `${Math.ceil(Number(bytes || 0) / 1024)} KB`);
  const remove = async (e) => {
    if (!window.confirm('Delete this export and its file?')) return;
    try {
      await app.del('/exports', { ids: [e.id] });
      await changed();
    } catch (error) {
      toast(error.description, 'error');
    }
  };
  return h('table', { class: 'exports-table' },
    h('thead', {}, h('tr', {}, ['Made', 'Source', 'Format', 'Labels', 'Status', 'Size', 'Inputs', '', '']
      .map((title) => h('th', {}, title)))),
    h('tbody', {}, exports.map((e) => {
      const state = STATES[e.status?.code] || String(e.status?.code);
      const source = e.task_id ? `task ${e.task_id}` : `dataset ${e.dataset_id} / ${e.dataset_version_id}`;
      return h('tr', { class: `export-${state}`, dataset: { exportId: e.id } },
        h('td', {}, when(e.created_at)),
        h('td', { class: 'ellipsis', title: source }, source),
        h('td', {}, FORMATS[e.format] || e.format), h('td', {}, LABELS[e.labels || 0] || e.labels),
        h('td', { title: e.status?.details || '' }, state),
        h('td', {}, state === 'ready' ? size(e.size) : ''), h('td', {}, state === 'ready' ? e.inputs_count : ''),
        h('td', {}, state === 'ready' ? h('button', { type: 'button', class: 'link download',
          onclick: () => download(e) }, 'Download') : ''),
        h('td', {}, h('button', { type: 'button', class: 'link danger', onclick: () => remove(e) }, 'Delete')));
    })));
}

/** Fetches the ZIP with the session's key (a plain link could not send it) and saves it. */
async function download(e) {
  try {
    const response = await fetch(appPath(`/exports/${encodeURIComponent(e.id)}/download`),
      { headers: { Authorization: `Key ${session().token}` } });
    if (!response.ok) {
      const body = await response.json().catch(() => null);
      throw new Error(body?.status?.details || body?.status?.description || `HTTP ${response.status}`);
    }
    const blob = await response.blob();
    const url = URL.createObjectURL(blob);
    const a = h('a', { href: url, download: `${e.task_id || e.dataset_id}-${(FORMATS[e.format] || 'export').toLowerCase()}.zip`,
      id: 'export-download-link', dataset: { bytes: String(blob.size) } });
    document.body.append(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(url); a.remove(); }, 60000);
    toast(`Downloaded ${blob.size} bytes`);
  } catch (error) {
    toast(error.message, 'error');
  }
}

