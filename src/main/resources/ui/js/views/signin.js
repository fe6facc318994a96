import { call } from '../api.js';
import { h, show, errorBox } from '../dom.js';
import { saveSession, session, isAdmin } from '../session.js';

/** Sign in with a personal access token: checked with GetUser, then kept in sessionStorage. */
export function signInView() {
  const error = h('div');
  const token = h('input', { id: 'token', type: 'password', autocomplete: 'off', required: true,
    placeholder: 'personal access token', 'aria-label': 'Personal access token' });
  const form = h('form', { class: 'card narrow', onsubmit: async (e) => {
    e.preventDefault();
    error.replaceChildren();
    try {
      const key = token.value.trim();
      const reply = await call('GET', '/v2/users/me', undefined, key);
      // Only the admin may list users: the answer says whether to show the admin's pages.
      const users = await call('GET', '/v2/users?per_page=2', undefined, key).catch(() => null);
      saveSession({ token: key, user: { id: reply.user.id }, admin: !!users, app: null });
      const firstRun = users && users.user_accounts.length <= 1
        && !(await call('GET', '/v2/users/me/apps?per_page=1', undefined, key)).apps.length;
      location.hash = firstRun ? '#/start' : '#/apps';
    } catch (err) {
      error.replaceChildren(errorBox(err));
    }
  } },
  h('h1', {}, 'Sign in'),
  h('p', { class: 'muted' }, 'Use a personal access token. It stays in this browser tab only.'),
  h('label', { for: 'token' }, 'Token'), token, error,
  h('button', { type: 'submit', class: 'primary', id: 'sign-in' }, 'Sign in'));
  show(form);
  token.focus();
}

/** Choose an app: the user's own apps and the apps they collaborate on. */
export async function appsView() {
  const me = session().user.id;
  const [own, shared] = await Promise.all([
    call('GET', '/v2/users/me/apps?per_page=1000'),
    call('GET', '/v2/users/me/collaborations?per_page=1000'),
  ]);
  const choices = [
    ...own.apps.map((a) => ({ ownerId: a.user_id || me, appId: a.id, name: a.name, role: 'owner' })),
    ...shared.collaborations.map((c) => ({ ownerId: c.app.user_id || c.app_owner?.id, appId: c.app.id,
      name: c.app.name, role: 'collaborator' })),
  ];
  const choose = (choice) => {
    saveSession({ app: { ownerId: choice.ownerId, appId: choice.appId } });
    location.hash = '#/tasks';
  };
  const list = h('ul', { class: 'choices' }, choices.map((c, i) => h('li', {},
    h('button', { type: 'button', class: 'choice', id: `app-${c.ownerId}-${c.appId}`, onclick: () => choose(c),
      autofocus: i === 0 ? true : null },
    h('span', { class: 'ellipsis' }, `${c.ownerId} / ${c.appId}`),
    c.name && c.name !== c.appId ? h('span', { class: 'muted ellipsis' }, c.name) : null,
    h('span', { class: 'badge' }, c.role)))));
  show(h('div', { class: 'card narrow' }, h('h1', {}, 'Choose an app'),
    choices.length ? list : h('p', { class: 'muted', id: 'no-apps' },
      'You have no apps yet, and nobody has invited you to one. Create one below, or ask an app\'s owner to invite you.'),
    isAdmin() ? h('p', {}, h('a', { href: '#/start' }, 'Getting started'), ': create an app, add people, upload, create a task.')
      : null),
  newAppCard((created) => choose({ ownerId: me, appId: created.id })));
  list.querySelector('button')?.focus();
}

/** Any user may create apps of their own: an id (fixed for good) and a display name. */
export function newAppCard(created, { compact = false } = {}) {
  const id = h('input', { id: 'app-id', required: true, pattern: '[A-Za-z0-9_\\-]+', placeholder: 'e.g. pets',
    autocomplete: 'off' });
  const name = h('input', { id: 'app-name', placeholder: 'e.g. Pets: cats and dogs', autocomplete: 'off' });
  const error = h('div', { id: 'app-error' });
  return h('form', { class: compact ? 'inline-form' : 'card narrow', id: 'new-app', onsubmit: async (e) => {
    e.preventDefault();
    error.replaceChildren();
    try {
      const reply = await call('POST', '/v2/users/me/apps', { apps: [{ id: id.value.trim(), name: name.value.trim() }] });
      created(reply.apps[0]);
    } catch (err) {
      error.replaceChildren(errorBox(err));
    }
  } },
  compact ? null : h('h2', {}, 'Create an app'),
  compact ? null : h('p', { class: 'muted' },
    'An app holds inputs, concepts, datasets and tasks; you own it and invite the people who work on it.'),
  h('div', { class: 'field' }, h('label', { for: 'app-id' }, 'App id (letters, digits, - and _; it cannot change)'), id),
  h('div', { class: 'field' }, h('label', { for: 'app-name' }, 'Name (optional)'), name),
  error, h('button', { type: 'submit', class: 'primary', id: 'create-app' }, 'Create app'));
}
