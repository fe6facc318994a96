import { call, appPath } from '../api.js';
import { h, show } from '../dom.js';
import { session, saveSession } from '../session.js';
import { newAppCard } from './signin.js';

/**
 * Getting started, for the admin of a new server: create an app, add people, upload inputs,
 * create a task. Each step says whether it is done (read from the server, so the page is right
 * however the step was done) and links to the page that does it.
 */
export async function startView() {
  const me = session().user.id;
  const [{ apps }, { user_accounts: users }] = await Promise.all([
    call('GET', '/v2/users/me/apps?per_page=1000'), call('GET', '/v2/users?per_page=1000')]);
  let chosen = session().app;
  if (!chosen && apps.length) {
    chosen = { ownerId: me, appId: apps[0].id };
    saveSession({ app: chosen });
  }
  let counts = { inputs: 0, tasks: 0, collaborators: 0 };
  if (chosen && chosen.ownerId === me) {
    const [status, tasks, collaborators] = await Promise.all([call('GET', appPath('/inputs/status')),
      call('GET', appPath('/tasks?per_page=1')), call('GET', appPath('/collaborators?per_page=1'))]);
    counts = { inputs: status.counts?.processed || 0, tasks: tasks.tasks.length, collaborators: collaborators.collaborators.length };
  }
  const appName = chosen ? `${chosen.appId}` : 'your app';
  const steps = [
    { id: 'step-app', done: apps.length > 0, title: 'Create an app',
      text: chosen ? `Done: ${appName}. More apps can be made on the app chooser.`
        : 'An app holds inputs, concepts, datasets and tasks; you own it and invite the people who work on it.',
      body: apps.length ? null : newAppCard((app) => {
        saveSession({ app: { ownerId: me, appId: app.id } });
        window.dispatchEvent(new HashChangeEvent('hashchange')); // the header too names the new app
      }, { compact: true }) },
    { id: 'step-people', done: users.length > 1 && counts.collaborators > 0, title: 'Add people',
      text: `Create a user for each labeler and reviewer, with their first key, then invite them to ${appName}.`
        + ` Users besides you: ${users.length - 1}; invited to ${appName}: ${counts.collaborators ? 'yes' : 'nobody yet'}.`,
      links: [['#/users', 'Create users'], chosen ? ['#/people', `Invite them to ${appName}`] : null] },
    { id: 'step-upload', done: counts.inputs > 0, title: 'Upload inputs',
      text: counts.inputs ? `${counts.inputs} inputs in ${appName}.` : 'Drop images, videos or text files, or paste image URLs; add the concepts to label.',
      links: chosen ? [['#/data', 'Upload and add concepts']] : [] },
    { id: 'step-task', done: counts.tasks > 0, title: 'Create a task',
      text: 'Pick the labelers and reviewers, the inputs and the concepts; the labelers find it under Tasks.',
      links: chosen ? [['#/tasks/new', 'New task']] : [] },
  ];
  show(h('div', { class: 'start' },
    h('h1', {}, 'Getting started'),
    h('p', { class: 'muted' }, 'Four steps from an empty server to a team labeling. Each one links to the page that does it.'),
    h('ol', { class: 'steps' }, steps.map((s, i) => h('li', { id: s.id, class: s.done ? 'step-done' : 'step-todo' },
      h('span', { class: 'step-mark', 'aria-hidden': 'true' }, s.done ? '✓' : String(i + 1)),
      h('div', {}, h('h2', {}, s.title, s.done ? h('span', { class: 'visually-hidden' }, ' (done)') : null),
        h('p', {}, s.text),
        (s.links || []).filter(Boolean).length ? h('div', { class: 'row' },
          s.links.filter(Boolean).map(([href, text]) => h('a', { class: 'button', href }, text))) : null,
        s.body || null))))));
}
