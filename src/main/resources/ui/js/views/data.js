import { app, inputName } from '../api.js';
import { h, show, errorBox, progress, toast } from '../dom.js';
import { prepare, mediaElement } from '../media.js';

/** Owner's data page: upload inputs, and manage concepts and datasets (people have their own page). */
export async function dataView() {
  const [concepts, datasets] = await Promise.all([
    app.get('/concepts', { per_page: 1000 }), app.get('/datasets', { per_page: 1000 })]);
  const gallery = h('div', { class: 'gallery', id: 'gallery' });
  show(h('h1', {}, 'Data'),
    h('div', { class: 'grid2' }, uploadCard(datasets.datasets, () => refreshGallery(gallery)),
      h('div', {}, conceptsCard(concepts.concepts), datasetsCard(datasets.datasets),
        h('p', { class: 'muted' }, 'Labelers and reviewers are invited on the ', h('a', { href: '#/people' }, 'People'), ' page.'))),
    h('h2', {}, 'Inputs'), gallery);
  await refreshGallery(gallery);
}

async function refreshGallery(gallery) {
  const [{ inputs }, count] = await Promise.all([app.get('/inputs', { per_page: 48 }), app.get('/inputs/status')]);
  await prepare(inputs);
  gallery.replaceChildren(h('p', { class: 'muted' }, `${count.counts.processed} inputs`
    + (count.counts.processed > inputs.length ? ` (first ${inputs.length} shown)` : '')),
  ...inputs.map((input) => h('figure', { class: 'thumb', dataset: { inputId: input.id } },
    mediaElement(input, { loading: 'lazy' }), h('figcaption', { class: 'ellipsis', title: `${inputName(input)} (id ${input.id})` },
      inputName(input)))));
}

function uploadCard(datasets, uploaded) {
  const files = h('input', { type: 'file', id: 'files', multiple: true, accept: 'image/*,video/*,audio/*,text/plain',
    'aria-label': 'Choose files to upload' });
  const urls = h('textarea', { id: 'urls', rows: 3, placeholder: 'One image URL per line' });
  const dataset = h('select', { id: 'upload-dataset', 'aria-label': 'Add to dataset' },
    h('option', { value: '' }, 'No dataset'), datasets.map((d) => h('option', { value: d.id }, d.id)));
  const bar = h('div', { class: 'upload-progress' });
  const errors = h('ul', { class: 'file-errors', id: 'upload-errors' });
  const zone = h('div', { class: 'dropzone', id: 'dropzone', tabindex: 0, role: 'button',
    ondragover: (e) => { e.preventDefault(); zone.classList.add('over'); },
    ondragleave: () => zone.classList.remove('over'),
    ondrop: (e) => { e.preventDefault(); zone.classList.remove('over'); run([...e.dataTransfer.files], []); },
    onclick: () => files.click(),
    onkeydown: (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); files.click(); } } },
  'Drop files here, or press to choose');
  files.addEventListener('change', () => run([...files.files], []));

  async function run(fileList, urlList) {
    const items = [...fileList.map((f) => ({ name: f.name, file: f })), ...urlList.map((u) => ({ name: u, url: u }))];
    if (!items.length) return;
    errors.replaceChildren();
    let done = 0;
    let failed = 0;
    const update = () => bar.replaceChildren(progress(100 * done / items.length, 'Upload'),
      h('span', { class: 'muted', id: 'upload-status' }, `${done} of ${items.length} done${failed ? `, ${failed} failed` : ''}`));
    update();
    // One input per request: a bad file fails alone and says why; three at a time keeps it quick.
    const queue = [...items];
    await Promise.all([0, 1, 2].map(async () => {
      for (let item = queue.shift(); item; item = queue.shift()) {
        try {
          const data = item.file ? await fileData(item.file) : { image: { url: item.url } };
          // The file's name goes in the input's metadata, where the pages look for it (inputName).
          if (item.file) data.metadata = { filename: item.file.name };
          await app.post('/inputs', { inputs: [{ data, dataset_ids: dataset.value ? [dataset.value] : [] }] });
        } catch (error) {
          failed++;
          errors.append(h('li', {}, h('span', { class: 'ellipsis' }, item.name), errorBox(error)));
        }
        done++;
        update();
      }
    }));
    files.value = '';
    toast(`${items.length - failed} inputs added`);
    await uploaded();
  }

  return h('section', { class: 'card' }, h('h2', {}, 'Upload inputs'), zone, files,
    h('label', { for: 'urls' }, 'Or image URLs'), urls,
    h('div', { class: 'row' }, dataset, h('button', { type: 'button', id: 'add-urls', onclick: () => {
      run([], urls.value.split('\n').map((u) => u.trim()).filter(Boolean));
      urls.value = '';
    } }, 'Add URLs')), bar, errors);
}

async function fileData(file) {
  const base64 = await new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(',')[1] || '');
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
  if (file.type.startsWith('text/')) return { text: { raw: await file.text() } };
  if (file.type.startsWith('video/')) return { video: { base64 } };
  if (file.type.startsWith('audio/')) return { audio: { base64 } };
  return { image: { base64 } };
}

/** A card with a list and a one-line form that posts and then shows the new item. */
function listCard(title, id, items, label, placeholder, post) {
  const list = h('ul', { class: 'chips', id: `${id}-list` }, items.map((text) => h('li', { title: text }, text)));
  const field = h('input', { id: `${id}-new`, placeholder, 'aria-label': label });
  const error = h('div');
  return h('section', { class: 'card' }, h('h2', {}, title), list,
    h('form', { class: 'row', onsubmit: async (e) => {
      e.preventDefault();
      error.replaceChildren();
      try {
        const added = await post(field.value.trim());
        list.append(h('li', { title: added }, added));
        field.value = '';
      } catch (err) {
        error.replaceChildren(errorBox(err));
      }
    } }, field, h('button', { type: 'submit', id: `${id}-add` }, 'Add')), error);
}

function conceptsCard(concepts) {
  return listCard('Concepts', 'concept', concepts.map((c) => c.id), 'New concept id', 'concept id',
    async (id) => (await app.post('/concepts', { concepts: [{ id }] })).concepts[0].id);
}

function datasetsCard(datasets) {
  return listCard('Datasets', 'dataset', datasets.map((d) => d.id), 'New dataset id', 'dataset id',
    async (id) => (await app.post('/datasets', { datasets: [{ id }] })).datasets[0].id);
}
