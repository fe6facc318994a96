import { h, show } from '../dom.js';
import { session } from '../session.js';

const REASONS = {
  owner: ['Only the app owner can open this page',
    'Data, people, webhooks and new tasks are managed by the owner of the app. Ask them, or choose one of your own apps.'],
  admin: ['Only the admin can open this page',
    'Users are created and disabled by the server\'s admin. Your own keys are on the Keys page.'],
};

/**
 * The page shown when the signed-in user may not do what the page needs: a route for owners or
 * the admin, or an API refusal (a missing scope, an app the key cannot reach, a task that does
 * not name them). It says why in plain words and where to go instead; the API's own words are
 * kept below for whoever asks an admin for access.
 */
export function refusalPage(kind, error) {
  const s = session();
  const [title, text] = REASONS[kind] || reasonOf(error);
  const task = location.hash.match(/^#\/(?:label|review)\/([^/]+)$/)?.[1];
  show(h('div', { class: 'card narrow refusal', id: 'refused' },
    h('h1', {}, title), h('p', {}, text),
    error?.details ? h('p', { class: 'muted' }, `The server said: ${error.details}`) : null,
    h('div', { class: 'row' },
      s.app ? h('a', { class: 'button primary', href: '#/tasks' }, 'Back to tasks') : null,
      task && s.app ? h('a', { class: 'button', href: `#/task/${task}` }, 'Task progress') : null,
      h('a', { class: 'button', href: '#/apps' }, 'Choose another app'))));
}

function reasonOf(error) {
  const details = error?.details || '';
  if (error?.code === 54103 && /not a reviewer/.test(details)) {
    return ['This task does not name you as a reviewer',
      'Only the reviewers the task names can review it. The task\'s page shows who they are and how far it is.'];
  }
  if (error?.code === 54103 && /not a worker/.test(details)) {
    return ['This task does not name you as a labeler',
      'Only the labelers the task names can label it. The task\'s page shows who they are and how far it is.'];
  }
  if (error?.code === 11007) {
    return ['Your access to this app does not cover this page',
      'The app\'s owner gave you a narrower role. Ask them to widen it on their People page.'];
  }
  return ['You have no access here', 'Your key cannot reach this app or this page any more.'];
}
