import { app, STATUS } from '../api.js';
import { h, errorBox, toast, confirmInPlace } from '../dom.js';

const IN_PROGRESS = 54001;
const PAUSED = 54006;

/**
 * The owner's controls on the task page: rename and describe (PatchTasks `overwrite` of the
 * task as stored, with only the name and description changed, so the definition and the work
 * stay as they are), pause, close and reopen (PatchTasks `merge` of the status: TASK_IDLE is
 * Annotask's "paused", TASK_WONT_DO "closed"), and delete after a confirmation saying what goes.
 */
export function manageSection(task, taskPath, counts, reload) {
  const code = task.status?.code;
  const slot = h('div', { class: 'actions', id: 'task-manage' });
  const errors = h('div', { id: 'manage-errors' });
  const setStatus = async (to, done) => {
    errors.replaceChildren();
    try {
      await app.patch('/tasks', { action: 'merge', tasks: [{ id: task.id, status: { code: to } }] });
      toast(done);
      await reload();
    } catch (error) {
      errors.replaceChildren(errorBox(error));
    }
  };
  const button = (id, text, onclick, cls = '') => h('button', { type: 'button', id, class: cls, onclick }, text);
  if (code === IN_PROGRESS) {
    slot.append(button('pause-task', 'Pause', () => setStatus(PAUSED, 'Task paused: no new work is handed out')),
      button('close-task', 'Close', () => setStatus(54003, 'Task closed')));
  } else if (code === PAUSED) {
    slot.append(button('reopen-task', 'Resume', () => setStatus(IN_PROGRESS, 'Task resumed'), 'primary'),
      button('close-task', 'Close', () => setStatus(54003, 'Task closed')));
  } else {
    slot.append(button('reopen-task', 'Reopen', () => setStatus(IN_PROGRESS, 'Task reopened'), 'primary'));
  }
  slot.append(button('edit-task', 'Edit name and description', () => editForm.hidden = !editForm.hidden),
    button('delete-task', 'Delete task…', async () => {
      const labelings = counts.reduce((sum, c) => sum + ['pending', 'awaiting_review', 'awaiting_consensus_review', 'success',
        'review_denied'].reduce((s, k) => s + Number(c[k] || 0), 0), 0);
      const yes = await confirmInPlace(slot, `Delete "${task.name || task.id}"? Its ${labelings} labelings lose their `
        + 'assignment, review state, review notes and progress, and unfinished work is dropped; the labels already '
        + 'saved stay on the inputs (they can still be browsed and exported by input). This cannot be undone.', 'Delete the task');
      if (!yes) return;
      try {
        await app.del('/tasks', { ids: [task.id] });
        toast('Task deleted');
        location.hash = '#/tasks';
      } catch (error) {
        errors.replaceChildren(errorBox(error));
      }
    }, 'danger'));

  const name = h('input', { id: 'edit-name', value: task.name || '', maxlength: 200 });
  const description = h('textarea', { id: 'edit-description', rows: 3, value: task.description || '' });
  const editForm = h('form', { class: 'card narrow-form', id: 'edit-task-form', hidden: true, onsubmit: async (e) => {
    e.preventDefault();
    errors.replaceChildren();
    try {
      // The task as stored (no additional fields), so overwrite writes back exactly its definition.
      const { task: stored } = await app.get(taskPath);
      const next = { ...stored, name: name.value.trim(), description: description.value.trim() };
      for (const key of ['metrics', 'created_at', 'modified_at', 'status', 'app_id', 'user_id']) delete next[key];
      await app.patch('/tasks', { action: 'overwrite', tasks: [next] });
      toast('Task saved');
      await reload();
    } catch (error) {
      errors.replaceChildren(errorBox(error));
    }
  } },
  h('label', { for: 'edit-name' }, 'Name'), name,
  h('label', { for: 'edit-description' }, 'Description'), description,
  h('p', { class: 'muted' }, 'Labelers, reviewers, concepts and strategies stay as they are: changing them would move work '
    + 'between people; make a new task for that.'),
  h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary', id: 'save-task' }, 'Save'),
    h('button', { type: 'button', onclick: () => { editForm.hidden = true; } }, 'Cancel')));
  return h('section', { class: 'manage', 'aria-label': 'Manage the task' },
    h('p', { class: 'muted', id: 'status-help' }, statusHelp(code)), slot, errors, editForm);
}

function statusHelp(code) {
  if (code === IN_PROGRESS) return 'Labelers get work. Pause stops handing out work until you resume; close ends the task.';
  if (code === PAUSED) return 'Paused: labelers get no work (nor the work they hold) until you resume; reviewers can still review.';
  return `${STATUS[code] || 'Closed'}: nothing is handed out. Reopen to let labelers work again.`;
}
