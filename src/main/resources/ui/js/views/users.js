import { call } from '../api.js';
import { h, show, errorBox, secretBox, confirmBelow, toast, when } from '../dom.js';
import { session } from '../session.js';

const PAT = { scopes: ['All'], type: 'personal_access_token' };

/**
 * The admin's Users page: every user with their state; create a user with their first
 * personal access token (its secret shown once, to hand over), give a user a new token, and
 * disable or enable them (a disabled user's keys stop working at once, everything else of
 * theirs is kept).
 */
export async function usersView() {
  const table = h('div', { id: 'users' });
  const created = h('div', { id: 'user-created' });
  const refresh = async () => table.replaceChildren(usersTable(await list(), created, refresh));
  show(h('h1', {}, 'Users'),
    h('div', { class: 'grid2' }, newUserForm(created, refresh),
      h('section', { class: 'card' }, h('h2', {}, 'How people get in'),
        h('p', {}, 'Each person signs in with a personal access token. Create the user here with their first token, '
          + 'copy the secret and hand it to them over a private channel: it is shown only once.'),
        h('p', { class: 'muted' }, 'Then the owner of an app invites them on the app\'s People page. Anyone can make '
          + 'more keys of their own on the Keys page.'))),
    created, h('h2', {}, 'All users'), table);
  await refresh();
}

async function list() {
  return (await call('GET', '/v2/users?per_page=1000')).user_accounts;
}

function newUserForm(created, refresh) {
  const f = {
    id: h('input', { id: 'user-id', required: true, autocomplete: 'off', placeholder: 'e.g. carol' }),
    first: h('input', { id: 'user-first-name', autocomplete: 'off' }),
    last: h('input', { id: 'user-last-name', autocomplete: 'off' }),
    key: h('input', { id: 'user-with-key', type: 'checkbox', checked: true }),
  };
  const error = h('div', { id: 'user-error' });
  return h('form', { class: 'card', id: 'new-user', onsubmit: async (e) => {
    e.preventDefault();
    error.replaceChildren();
    const id = f.id.value.trim();
    try {
      await call('POST', '/v2/users', { users: [{ id, first_name: f.first.value.trim(), last_name: f.last.value.trim() }] });
      if (f.key.checked) await showNewKey(created, id, 'first key');
      else created.replaceChildren();
      f.id.value = f.first.value = f.last.value = '';
      await refresh();
      toast(`User ${id} created`);
    } catch (err) {
      error.replaceChildren(errorBox(err));
    }
  } },
  h('h2', {}, 'Create a user'),
  field('User id (how they are named in apps and tasks; it cannot change)', f.id),
  h('div', { class: 'pair' }, field('First name', f.first), field('Last name', f.last)),
  h('label', { class: 'check' }, f.key, 'Create their first personal access token'),
  error, h('button', { type: 'submit', class: 'primary', id: 'create-user' }, 'Create user'));
}

/** Makes a personal access token for the user and shows its secret once, with who it is for. */
async function showNewKey(slot, userId, description) {
  const reply = await call('POST', `/v2/users/${encodeURIComponent(userId)}/keys`,
    { keys: [{ ...PAT, description: `${userId}: ${description}` }] });
  slot.replaceChildren(h('section', { class: 'card', dataset: { user: userId } },
    h('h2', {}, `Personal access token for ${userId}`), secretBox(reply.keys[0].id),
    h('button', { type: 'button', class: 'link', onclick: () => slot.replaceChildren() }, 'Done, hide it')));
  slot.scrollIntoView({ block: 'nearest' });
}

function usersTable(accounts, created, refresh) {
  const me = session().user.id;
  return h('table', { class: 'users' },
    h('thead', {}, h('tr', {}, ['User', 'Name', 'Created', 'State', ''].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, accounts.map((a) => {
      const id = a.user.id;
      const name = [a.user.first_name, a.user.last_name].filter(Boolean).join(' ');
      const actions = h('td', { class: 'actions' });
      const error = h('div');
      const setDisabled = async (disabled) => {
        try {
          await call('PATCH', '/v2/users', { action: 'overwrite', user_accounts: [{ user: { id }, disabled }] });
          await refresh();
          toast(`${id} ${disabled ? 'disabled' : 'enabled'}`);
        } catch (err) {
          error.replaceChildren(errorBox(err));
        }
      };
      actions.append(...[
        h('button', { type: 'button', class: 'new-key', onclick: () => showNewKey(created, id, 'new key')
          .catch((err) => error.replaceChildren(errorBox(err))) }, 'New token'),
        id === me ? null : a.disabled
          ? h('button', { type: 'button', class: 'enable', onclick: () => setDisabled(false) }, 'Enable')
          : h('button', { type: 'button', class: 'danger disable', onclick: async () => {
            if (await confirmBelow(actions.parentElement, `Disable ${id}? Their keys stop working at once; their apps and work stay.`,
              'Disable')) await setDisabled(true);
          } }, 'Disable'),
        error].filter(Boolean)); // the DOM's append writes null as text
      return h('tr', { dataset: { userId: id }, class: a.disabled ? 'disabled' : null },
        h('td', {}, h('span', { class: 'ellipsis', title: id }, id)),
        h('td', {}, h('span', { class: 'ellipsis', title: name }, name || '—')),
        h('td', {}, when(a.user.created_at)),
        h('td', { class: 'state' }, a.disabled ? `Disabled ${when(a.disabled_at)}` : (id === me ? 'Admin (you)' : 'Active')),
        actions);
    })));
}

function field(label, control) {
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control);
}
