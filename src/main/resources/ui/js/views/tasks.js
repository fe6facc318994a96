import { app, STATUS, TASK_TYPES, enumLabel, workerIds, reviewerIds } from '../api.js';
import { h, show, progress } from '../dom.js';
import { session, isOwner } from '../session.js';

/** "My tasks" (to label, to review) and, for the owner, every task with its progress. */
export async function tasksView() {
  const me = session().user.id;
  const reply = await app.get('/tasks', { additional_fields: 'all', per_page: 1000 });
  const tasks = reply.tasks;
  const mine = tasks.filter((t) => workerIds(t).includes(me) || reviewerIds(t).includes(me));
  const sections = [h('h1', {}, 'Tasks')];
  sections.push(h('section', { 'aria-labelledby': 'my-tasks' }, h('h2', { id: 'my-tasks' }, 'My tasks'),
    mine.length ? table(mine, me) : h('p', { class: 'muted' }, 'No task names you as a labeler or reviewer.')));
  if (isOwner()) {
    sections.push(h('section', { 'aria-labelledby': 'all-tasks' },
      h('div', { class: 'row' }, h('h2', { id: 'all-tasks' }, 'All tasks of this app'),
        h('a', { class: 'button primary', href: '#/tasks/new', id: 'new-task' }, 'New task')),
      tasks.length ? table(tasks, me) : h('p', { class: 'muted' }, 'No tasks yet.')));
  }
  show(sections);
}

function table(tasks, me) {
  return h('table', { class: 'tasks' },
    h('thead', {}, h('tr', {}, ['Task', 'Type', 'Status', 'Inputs', 'Labeling', 'Review', ''].map((c) => h('th', {}, c)))),
    h('tbody', {}, tasks.map((t) => {
      const m = t.metrics || {};
      const labeler = workerIds(t).includes(me);
      const reviewer = reviewerIds(t).includes(me);
      return h('tr', { dataset: { taskId: t.id } },
        h('td', { class: 'name' }, h('a', { href: `#/task/${encodeURIComponent(t.id)}`, class: 'ellipsis', title: t.name || t.id },
          t.name || t.id)),
        h('td', {}, enumLabel(TASK_TYPES, t.type)),
        h('td', {}, STATUS[t.status?.code] || t.status?.description || ''),
        h('td', { class: 'num' }, m.input_source?.inputs_count_estimated ?? ''),
        h('td', {}, progress(m.work?.inputs_percent_estimated, 'Labeling')),
        h('td', {}, progress(m.review?.inputs_percent_estimated, 'Review')),
        h('td', { class: 'actions' },
          labeler ? h('a', { class: 'button', href: `#/label/${encodeURIComponent(t.id)}` }, 'Label') : null,
          reviewer ? h('a', { class: 'button', href: `#/review/${encodeURIComponent(t.id)}` }, 'Review') : null));
    })));
}
