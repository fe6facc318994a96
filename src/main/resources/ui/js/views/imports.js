import { app } from '../api.js';
import { h, show, errorBox, progress, toast } from '../dom.js';

const STATES = { 1: 'Queued', 2: 'Checking', 3: 'Writing', 4: 'Done', 5: 'Failed' };
const PART = 4 * 1024 * 1024;

/**
 * Owner's import page: a COCO file (JSON, or ZIP with images) or a YOLO ZIP is uploaded in
 * parts (PostUploads, PutUploadContentParts), imported (PostImports) and followed with its
 * progress and, when it fails, its report of bad entries; past imports below.
 */
export async function importsView() {
  const file = h('input', { type: 'file', id: 'import-file', accept: '.json,.zip,application/json,application/zip' });
  const format = h('select', { id: 'import-format', 'aria-label': 'Format' },
    h('option', { value: 'COCO' }, 'COCO'), h('option', { value: 'YOLO' }, 'YOLO'));
  const dataset = h('input', { id: 'import-dataset', placeholder: 'dataset id (default: the import id)', 'aria-label': 'Dataset' });
  const model = h('input', { id: 'import-prelabels', placeholder: 'model id: import as pre-labels', 'aria-label': 'Pre-labels of model' });
  const boxes = h('input', { type: 'checkbox', id: 'import-boxes-only' });
  const state = h('div', { id: 'import-state', class: 'upload-progress' });
  const past = h('div', { id: 'import-list' });
  file.addEventListener('change', () => {
    if (/\.json$/i.test(file.files[0]?.name || '')) format.value = 'COCO';
  });

  async function start(e) {
    e.preventDefault();
    const chosen = file.files[0];
    if (!chosen) return;
    state.replaceChildren();
    try {
      const uploadId = await upload(chosen, (done) => state.replaceChildren(progress(100 * done / chosen.size, 'Upload'),
        h('span', { class: 'muted' }, `Uploading ${chosen.name}`)));
      const spec = { upload_id: uploadId, format: format.value, boxes_only: boxes.checked };
      if (dataset.value.trim()) spec.dataset_id = dataset.value.trim();
      if (model.value.trim()) spec.prelabel_model_id = model.value.trim();
      const [started] = (await app.post('/imports', { imports: [spec] })).imports;
      await follow(started.id, state);
      await listPast(past);
    } catch (error) {
      state.replaceChildren(errorBox(error));
    }
  }

  show(h('h1', {}, 'Import'),
    h('section', { class: 'card' }, h('h2', {}, 'Bring labels in'),
      h('p', { class: 'muted' }, 'A COCO .json (images by URL) or .zip (with its images), or a YOLO .zip (images, labels, data.yaml).'),
      h('form', { id: 'import-form', onsubmit: start },
        h('div', { class: 'row' }, file, format),
        h('div', { class: 'row' }, dataset, model),
        h('label', { class: 'row' }, boxes, ' COCO: boxes even where there is a polygon'),
        h('button', { type: 'submit', class: 'primary', id: 'import-start' }, 'Import')), state),
    h('h2', {}, 'Past imports'), past);
  await listPast(past);
}

/** Sends the file in 4 MiB parts; the upload's id. */
async function upload(file, onProgress) {
  const [made] = (await app.post('/uploads', { uploads: [{ content_length: file.size, content_name: file.name }] })).uploads;
  for (let start = 0, part = 1; start < file.size; start += PART, part++) {
    const data = await base64(file.slice(start, Math.min(file.size, start + PART)));
    await app.put(`/uploads/${encodeURIComponent(made.id)}/content_parts`,
      { content_parts: [{ range_start: start, part_number: part, data }] });
    onProgress(Math.min(file.size, start + PART));
  }
  return made.id;
}

function base64(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(',')[1] || '');
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

/** Polls the import until it ends, drawing its progress, then its outcome or its report. */
async function follow(id, state) {
  for (;;) {
    const { import: job } = await app.get(`/imports/${encodeURIComponent(id)}`);
    const p = job.progress || {};
    const stateName = STATES[job.state] || String(job.state);
    state.replaceChildren(
      h('div', { id: 'import-phase' }, `Import ${id}: ${stateName}`),
      progress(p.inputs_total ? 100 * (p.inputs_done || 0) / p.inputs_total : 0, 'Inputs'),
      h('span', { class: 'muted', id: 'import-inputs' }, `${p.inputs_done || 0} of ${p.inputs_total || 0} inputs`),
      progress(p.annotations_total ? 100 * (p.annotations_done || 0) / p.annotations_total : 0, 'Annotations'),
      h('span', { class: 'muted', id: 'import-annotations' }, `${p.annotations_done || 0} of ${p.annotations_total || 0} annotations`));
    if (job.state === 4) {
      toast(`Imported ${p.inputs_total || 0} inputs and ${p.annotations_total || 0} annotations`);
      return;
    }
    if (job.state === 5) {
      state.append(h('div', { class: 'error', id: 'import-failure' }, job.failure || 'Failed'),
        h('ul', { class: 'import-errors file-errors', id: 'import-errors' }, (job.errors || []).map((e) =>
          h('li', {}, h('code', {}, e.entry), ': ', e.message))),
        (job.error_count || 0) > (job.errors || []).length
          ? h('div', { class: 'muted' }, `… ${job.error_count} bad entries in all`) : null);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function listPast(past) {
  const { imports } = await app.get('/imports', { per_page: 20 });
  past.replaceChildren(imports.length ? h('table', { class: 'tasks', id: 'imports-table' }, h('tbody', {}, imports.map((job) => h('tr', {},
    h('td', {}, job.id), h('td', {}, job.format === 2 || job.format === 'YOLO' ? 'YOLO' : 'COCO'),
    h('td', {}, STATES[job.state] || String(job.state)),
    h('td', { class: 'muted' }, `${job.progress?.inputs_total || 0} inputs, ${job.progress?.annotations_total || 0} annotations`
      + (job.prelabel_model_id ? ` (pre-labels of ${job.prelabel_model_id})` : '')),
    h('td', { class: 'muted' }, job.failure || '')))))
    : h('p', { class: 'muted' }, 'No imports yet.'));
}
