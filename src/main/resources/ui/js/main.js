import { h, show, errorBox, clearToast } from './dom.js';
import { session, signOut, isOwner, isAdmin } from './session.js';
import { isRefusal } from './api.js';
import { signInView, appsView } from './views/signin.js';
import { tasksView } from './views/tasks.js';
import { taskView } from './views/task.js';
import { newTaskView } from './views/newtask.js';
import { dataView } from './views/data.js';
import { labelView } from './views/label.js';
import { reviewView } from './views/review.js';
import { webhooksView } from './views/webhooks.js';
import { exportsView } from './views/exports.js';
import { usersView } from './views/users.js';
import { keysView } from './views/keys.js';
import { peopleView } from './views/people.js';
import { startView } from './views/start.js';
import { refusalPage } from './views/refusal.js';
import { importsView } from './views/imports.js';
import { browseView } from './views/browse.js';
import { inputView } from './views/input.js';

// Hash routes: the page is one document, so the key in sessionStorage survives navigation and
// nothing but the route ever appears in the URL.
const routes = [
  [/^#\/signin$/, signInView, { anonymous: true }],
  [/^#\/apps$/, appsView, { noApp: true }],
  [/^#\/tasks$/, tasksView],
  [/^#\/tasks\/new$/, newTaskView, { owner: true }],
  [/^#\/data$/, dataView, { owner: true }],
  [/^#\/webhooks$/, webhooksView, { owner: true }],
  [/^#\/exports$/, exportsView, { owner: true }],
  [/^#\/people$/, peopleView, { owner: true }],
  [/^#\/users$/, usersView, { noApp: true, admin: true }],
  [/^#\/keys$/, keysView, { noApp: true }],
  [/^#\/start$/, startView, { noApp: true, admin: true }],
  [/^#\/import$/, importsView, { owner: true }],
  [/^#\/task\/([^/]+)$/, taskView],
  [/^#\/browse(?:\?(.*))?$/, browseView, { owner: true }],
  [/^#\/input\/([^/?]+)(?:\?(.*))?$/, inputView, { owner: true }],
  [/^#\/label\/([^/]+)$/, labelView],
  [/^#\/review\/([^/]+)$/, reviewView],
];

let cleanup = null;

async function render() {
  if (cleanup) {
    cleanup();
    cleanup = null;
  }
  clearToast();
  const s = session();
  let hash = location.hash || '#/tasks';
  if (!s.token && hash !== '#/signin') {
    location.hash = '#/signin';
    return;
  }
  const route = routes.find(([pattern]) => pattern.test(hash));
  const options = route?.[2] || {};
  if (s.token && !s.app && !options.anonymous && !options.noApp) {
    location.hash = '#/apps';
    return;
  }
  renderChrome(hash);
  if (!route) {
    show(h('h1', {}, 'Not found'), h('p', {}, h('a', { href: '#/tasks' }, 'Back to tasks')));
    return;
  }
  if (options.owner && !isOwner()) {
    refusalPage('owner');
    return;
  }
  if (options.admin && !isAdmin()) {
    refusalPage('admin');
    return;
  }
  try {
    const params = hash.match(route[0]).slice(1).map((p) => (p === undefined ? '' : decodeURIComponent(p)));
    cleanup = (await route[1](...params)) || null;
  } catch (error) {
    if (isRefusal(error)) refusalPage('api', error);
    else show(h('h1', {}, 'Something went wrong'), errorBox(error));
  }
}

function renderChrome(hash) {
  const s = session();
  const nav = document.getElementById('nav');
  const who = document.getElementById('who');
  const link = (href, text) => h('a', { href, 'aria-current': hash === href ? 'page' : null }, text);
  nav.replaceChildren();
  who.replaceChildren();
  if (!s.token) return;
  if (s.app) {
    nav.append(link('#/tasks', 'Tasks'));
    if (isOwner()) nav.append(link('#/data', 'Data'), link('#/browse', 'Browse'), link('#/import', 'Import'), link('#/tasks/new', 'New task'),
      link('#/webhooks', 'Webhooks'), link('#/exports', 'Exports'), link('#/people', 'People'));
  }
  nav.append(link('#/keys', 'Keys'));
  if (isAdmin()) nav.append(link('#/users', 'Users'));
  who.append(
    h('span', { class: 'who-user', title: s.user?.id }, s.user?.id || ''),
    s.app ? h('a', { href: '#/apps', class: 'who-app', title: `${s.app.ownerId}/${s.app.appId} (change app)` },
      `${s.app.ownerId}/${s.app.appId}`) : h('a', { href: '#/apps', class: 'who-app' }, 'Choose an app'),
    h('button', { type: 'button', class: 'link', id: 'sign-out', onclick: () => {
      signOut();
      location.hash = '#/signin';
    } }, 'Sign out'));
}

window.addEventListener('hashchange', render);
render();
