import { call } from '../api.js';
import { h, show, errorBox } from '../dom.js';
import { saveSession, session } from '../session.js';

/** Sign in with a personal access token: checked with GetUser, then kept in sessionStorage. */
export function signInView() {
  const error = h('div');
  const token = h('input', { id: 'token', type: 'password', autocomplete: 'off', required: true,
    placeholder: 'personal access token', 'aria-label': 'Personal access token' });
  const form = h('form', { class: 'card narrow', onsubmit: async (e) => {
    e.preventDefault();
    error.replaceChildren();
    try {
      const reply = await call('GET', '/v2/users/me', undefined, token.value.trim());
      saveSession({ token: token.value.trim(), user: { id: reply.user.id }, app: null });
      location.hash = '#/apps';
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
    choices.length ? list : h('p', { class: 'muted' }, 'You have no apps yet, and nobody has invited you to one.')));
  list.querySelector('button')?.focus();
}
