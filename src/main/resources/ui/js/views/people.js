import { app, ROLES, roleOf } from '../api.js';
import { h, show, errorBox, confirmBelow, toast, when } from '../dom.js';
import { session } from '../session.js';

/**
 * The owner's People page: the app's collaborators with their role (scopes) and current load
 * (open assignments, tasks naming them); invite someone by user id, change a role
 * (PatchCollaborators), remove someone, after saying what the removal does to open work (their
 * open assignments are released to the task's other labelers).
 */
export async function peopleView() {
  const list = h('div', { id: 'collaborator-list' });
  const refresh = async () => list.replaceChildren(await peopleTable(refresh));
  show(h('h1', {}, 'People'), inviteForm(refresh), h('h2', {}, 'Collaborators'), list);
  await refresh();
}

function roleSelect(id, current) {
  return h('select', { id, 'aria-label': 'Role' }, ROLES.map((r) => h('option', { value: r.id, selected: r.id === current ? true : null }, r.label)),
    current === 'custom' ? h('option', { value: 'custom', selected: true }, 'Custom (keep as is)') : null);
}

function inviteForm(refresh) {
  const user = h('input', { id: 'collaborator-new', required: true, autocomplete: 'off', placeholder: 'user id, e.g. carol' });
  const role = roleSelect('collaborator-role', 'labeler');
  const help = h('p', { class: 'muted', id: 'role-help' });
  const sync = () => { help.textContent = ROLES.find((r) => r.id === role.value)?.text || ''; };
  role.addEventListener('change', sync);
  sync();
  const error = h('div', { id: 'invite-error' });
  return h('form', { class: 'card', id: 'invite', onsubmit: async (e) => {
    e.preventDefault();
    error.replaceChildren();
    const id = user.value.trim();
    try {
      await app.post('/collaborators', { collaborators: [{ user: { id }, scopes: ROLES.find((r) => r.id === role.value).scopes }] });
      user.value = '';
      await refresh();
      toast(`${id} invited`);
    } catch (err) {
      error.replaceChildren(errorBox(err));
    }
  } },
  h('h2', {}, 'Invite someone'),
  h('p', { class: 'muted' }, 'Name a user the admin created. They see the app when they next choose one.'),
  h('div', { class: 'row' }, h('label', { for: 'collaborator-new', class: 'inline' }, 'User id'), user,
    h('label', { for: 'collaborator-role', class: 'inline' }, 'Role'), role,
    h('button', { type: 'submit', class: 'primary', id: 'collaborator-add' }, 'Invite')), help, error);
}

async function peopleTable(refresh) {
  const { collaborators } = await app.get('/collaborators', { per_page: 1000 });
  if (!collaborators.length) {
    return h('p', { class: 'muted', id: 'no-collaborators' }, 'Nobody yet: invite the people who will label and review.');
  }
  const loads = await workloads(collaborators.map((c) => c.user.id));
  return h('table', { class: 'people' },
    h('thead', {}, h('tr', {}, ['Person', 'Role', 'Open work', 'Since', ''].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, collaborators.map((c) => personRow(c, loads.get(c.user.id), refresh))));
}

/** Open assignments and task counts by user id, in requests of 128 users. */
export async function workloads(userIds) {
  const byUser = new Map();
  for (let i = 0; i < userIds.length; i += 128) {
    const reply = await app.get('/workloads', { user_ids: userIds.slice(i, i + 128) });
    reply.workloads.forEach((w) => byUser.set(w.user.id, w));
  }
  return byUser;
}

/** "3 open assignments in 2 tasks", in words. */
export function loadText(load) {
  const open = load?.open_assignments || 0;
  const tasks = load?.task_count || 0;
  if (!tasks) return 'In no task';
  return `${open} open assignment${open === 1 ? '' : 's'} · ${tasks} task${tasks === 1 ? '' : 's'}`;
}

function personRow(c, load, refresh) {
  const id = c.user.id;
  const name = [c.user.first_name, c.user.last_name].filter(Boolean).join(' ');
  const role = roleOf(c.scopes);
  const select = roleSelect(`role-${id}`, role.id);
  const error = h('div');
  const actions = h('td', { class: 'actions' });
  select.addEventListener('change', async () => {
    const chosen = ROLES.find((r) => r.id === select.value);
    if (!chosen) return;
    try {
      await app.patch('/collaborators', { action: 'overwrite', collaborators: [{ user: { id }, scopes: chosen.scopes }] });
      await refresh();
      toast(`${id} is now ${chosen.label.toLowerCase()}`);
    } catch (err) {
      error.replaceChildren(errorBox(err));
    }
  });
  const open = load?.open_assignments || 0;
  actions.append(h('button', { type: 'button', class: 'danger remove', onclick: async () => {
    const effect = open
      ? `Their ${open} open assignment${open === 1 ? '' : 's'} (in ${load.task_count} task${load.task_count === 1 ? '' : 's'}) `
        + `${open === 1 ? 'goes' : 'go'} back to be labeled by others; work they turned in stays.`
      : (load?.task_count ? `They hold no open assignment; they leave ${load.task_count} task${load.task_count === 1 ? '' : 's'}, and work they turned in stays.`
        : 'They are in no task.');
    if (!(await confirmBelow(actions.parentElement, `Remove ${id} from ${session().app.appId}? ${effect}`, 'Remove'))) return;
    try {
      await app.del('/collaborators', { collaborator_ids: [id] });
      await refresh();
      toast(`${id} removed${open ? `; ${open} assignment${open === 1 ? '' : 's'} released` : ''}`);
    } catch (err) {
      error.replaceChildren(errorBox(err));
    }
  } }, 'Remove'), error);
  return h('tr', { dataset: { userId: id } },
    h('td', {}, h('span', { class: 'ellipsis', title: id }, id), name ? h('span', { class: 'muted ellipsis' }, name) : null),
    h('td', { title: role.text }, select),
    h('td', { class: 'load' }, loadText(load)),
    h('td', {}, when(c.created_at)),
    actions);
}
