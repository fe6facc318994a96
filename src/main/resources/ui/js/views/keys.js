import { call } from '../api.js';
import { h, show, errorBox, secretBox, confirmBelow, toast, when } from '../dom.js';

/**
 * Every signed-in user's own keys: make a personal access token (signs in here, reaches every
 * app they may) or an app key (bound to one app of theirs, for scripts); see them listed by
 * fingerprint (the secret is shown once, when made) and revoke them. Revoking the key this tab
 * signed in with signs the tab out on its next call.
 */
export async function keysView() {
  const table = h('div', { id: 'keys' });
  const created = h('div', { id: 'key-created' });
  const { apps } = await call('GET', '/v2/users/me/apps?per_page=1000');
  const refresh = async () => table.replaceChildren(keysTable((await call('GET', '/v2/users/me/keys?per_page=1000')).keys,
    refresh));
  show(h('h1', {}, 'My keys'), newKeyForm(apps, created, refresh), created, h('h2', {}, 'Keys'), table);
  await refresh();
}

function newKeyForm(apps, created, refresh) {
  const description = h('input', { id: 'key-description', required: true, autocomplete: 'off', placeholder: 'e.g. upload script' });
  const type = h('select', { id: 'key-type' },
    h('option', { value: 'personal_access_token' }, 'Personal access token'),
    apps.length ? h('option', { value: 'app_specific_key' }, 'App key') : null);
  const kindHelp = h('p', { class: 'explain muted', id: 'key-type-help' });
  const appChoice = h('select', { id: 'key-app' }, apps.map((a) => h('option', { value: a.id }, a.name && a.name !== a.id ? `${a.id} (${a.name})` : a.id)));
  const appField = h('div', { class: 'field' }, h('label', { for: 'key-app' }, 'App'), appChoice);
  const sync = () => {
    appField.hidden = type.value !== 'app_specific_key';
    kindHelp.textContent = type.value === 'app_specific_key' ? 'Reaches one app of yours, without naming it in paths: for scripts.'
      : 'Signs in to this page and reaches every app you own or were invited to.';
  };
  type.addEventListener('change', sync);
  sync();
  const error = h('div', { id: 'key-error' });
  return h('form', { class: 'card', id: 'new-key', onsubmit: async (e) => {
    e.preventDefault();
    error.replaceChildren();
    const key = { description: description.value.trim(), scopes: ['All'], type: type.value };
    if (type.value === 'app_specific_key') key.apps = [{ id: appChoice.value }];
    try {
      const reply = await call('POST', '/v2/users/me/keys', { keys: [key] });
      created.replaceChildren(h('section', { class: 'card' }, h('h2', {}, `New key: ${key.description}`),
        secretBox(reply.keys[0].id),
        h('button', { type: 'button', class: 'link', onclick: () => created.replaceChildren() }, 'Done, hide it')));
      description.value = '';
      await refresh();
    } catch (err) {
      error.replaceChildren(errorBox(err));
    }
  } },
  h('h2', {}, 'New key'),
  h('div', { class: 'pair' }, h('div', { class: 'field' }, h('label', { for: 'key-description' }, 'What it is for'), description),
    h('div', { class: 'field' }, h('label', { for: 'key-type' }, 'Kind'), type, kindHelp)),
  appField,
  h('p', { class: 'muted' }, 'New keys get every scope this key has ("All"); narrower ones can be made through the API.'),
  error, h('button', { type: 'submit', class: 'primary', id: 'create-key' }, 'Create key'));
}

function keysTable(keys, refresh) {
  if (!keys.length) return h('p', { class: 'muted' }, 'No keys.');
  return h('table', { class: 'keys' },
    h('thead', {}, h('tr', {}, ['Description', 'Kind', 'App', 'Fingerprint', 'Created', 'Expires', '']
      .map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, keys.map((k) => {
      const actions = h('td', { class: 'actions' });
      const error = h('div');
      actions.append(h('button', { type: 'button', class: 'danger revoke', onclick: async () => {
        if (!(await confirmBelow(actions.parentElement, `Revoke "${k.description || k.id}"? Whatever uses it stops working at once.`,
          'Revoke'))) return;
        try {
          await call('DELETE', `/v2/users/me/keys/${encodeURIComponent(k.id)}`);
          await refresh();
          toast('Key revoked');
        } catch (err) {
          error.replaceChildren(errorBox(err));
        }
      } }, 'Revoke'), error);
      const appIds = (k.apps || []).map((a) => a.id).join(', ');
      return h('tr', { dataset: { fingerprint: k.id } },
        h('td', {}, h('span', { class: 'ellipsis', title: k.description }, k.description || '—')),
        h('td', {}, k.type === 'app_specific_key' ? 'App key' : 'Personal token'),
        h('td', {}, h('span', { class: 'ellipsis', title: appIds }, appIds || 'All my apps')),
        h('td', {}, h('code', {}, k.id)),
        h('td', {}, when(k.created_at)),
        h('td', {}, k.expires_at ? when(k.expires_at) : 'Never'),
        actions);
    })));
}
