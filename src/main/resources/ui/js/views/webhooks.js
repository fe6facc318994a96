import { app } from '../api.js';
import { h, show, errorBox, toast } from '../dom.js';

// The event types a subscription may name (docs/COMPATIBILITY.md, "Annotask extensions: webhooks").
const EVENTS = ['task.created', 'task.updated', 'task.completed', 'task.reopened', 'task.deleted',
  'assignment.submitted', 'labeling.approved', 'labeling.changes_requested', 'labeling.rejected',
  'labeling.consensus_reached', 'input.created', 'annotation.created', 'annotation.updated', 'annotation.deleted', 'export.ready'];
const STATES = { 1: 'pending', 2: 'delivered', 3: 'failed' };

/** Owner's webhooks page: subscribe a receiver, send it a test event, see its recent deliveries, re-send, delete. */
export async function webhooksView() {
  const list = h('div', { id: 'webhooks' });
  show(h('h1', {}, 'Webhooks'), subscribeCard(() => refresh(list)), h('h2', {}, 'Subscriptions'), list);
  await refresh(list);
}

async function refresh(list) {
  const { webhooks } = await app.get('/webhooks', { per_page: 100 });
  list.replaceChildren(webhooks.length ? '' : h('p', { class: 'muted' }, 'No subscriptions yet.'),
    ...webhooks.map((webhook) => webhookCard(webhook, () => refresh(list))));
}

function subscribeCard(subscribed) {
  const id = h('input', { id: 'webhook-id', placeholder: 'id, e.g. ci', autocomplete: 'off' });
  const url = h('input', { id: 'webhook-url', type: 'url', placeholder: 'https://…' });
  const secret = h('input', { id: 'webhook-secret', type: 'password', autocomplete: 'new-password',
    placeholder: 'secret, 16 characters or more' });
  const boxes = EVENTS.map((type) => h('input', { type: 'checkbox', value: type, id: `event-${type}` }));
  const errors = h('div', { id: 'webhook-errors' });
  const add = async () => {
    errors.replaceChildren();
    try {
      await app.post('/webhooks', { webhooks: [{ id: id.value.trim(), url: url.value.trim(), secret: secret.value,
        events: boxes.filter((b) => b.checked).map((b) => b.value) }] });
      secret.value = '';
      toast(`Subscribed ${id.value.trim()}`);
      await subscribed();
    } catch (error) {
      errors.replaceChildren(errorBox(error));
    }
  };
  return h('section', { class: 'card webhook-form' }, h('h2', {}, 'Subscribe a receiver'),
    h('label', { for: 'webhook-id' }, 'Id'), id, h('label', { for: 'webhook-url' }, 'URL'), url,
    h('label', { for: 'webhook-secret' }, 'Secret (signs every request; never shown again)'), secret,
    h('fieldset', {}, h('legend', {}, 'Events'),
      boxes.map((box) => h('label', { class: 'check', for: box.id }, box, ' ', box.value))),
    h('button', { type: 'button', class: 'primary', id: 'subscribe', onclick: add }, 'Subscribe'), errors);
}

function webhookCard(webhook, changed) {
  const deliveries = h('div', { class: 'deliveries' });
  const load = async () => {
    try {
      const { deliveries: rows } = await app.get(`/webhooks/${encodeURIComponent(webhook.id)}/deliveries`,
        { per_page: 20 });
      deliveries.replaceChildren(rows.length ? deliveryTable(webhook, rows, load)
        : h('p', { class: 'muted' }, 'No deliveries yet.'));
    } catch (error) {
      deliveries.replaceChildren(errorBox(error));
    }
  };
  const remove = async () => {
    if (!window.confirm(`Delete webhook ${webhook.id}? Its undelivered events are dropped.`)) return;
    try {
      await app.del('/webhooks', { ids: [webhook.id] });
      toast(`Deleted ${webhook.id}`);
      await changed();
    } catch (error) {
      deliveries.replaceChildren(errorBox(error));
    }
  };
  const sendTest = async () => {
    try {
      await app.post(`/webhooks/${encodeURIComponent(webhook.id)}/test`, {});
      toast('Test event queued');
    } catch (error) {
      toast(error.description, 'error');
    }
    await load();
  };
  load();
  return h('section', { class: 'card', dataset: { webhookId: webhook.id } },
    h('h3', {}, webhook.id), h('p', { class: 'ellipsis', title: webhook.url }, webhook.url),
    h('p', { class: 'muted' }, (webhook.events || []).join(', ')),
    h('div', { class: 'row' }, h('button', { type: 'button', class: 'send-test', onclick: sendTest }, 'Send test event'),
      h('button', { type: 'button', onclick: load }, 'Refresh deliveries'),
      h('button', { type: 'button', class: 'danger', onclick: remove }, 'Delete')),
    deliveries);
}

function deliveryTable(webhook, rows, reload) {
  const resend = async (eventId) => {
    try {
      await app.post(`/webhooks/${encodeURIComponent(webhook.id)}/deliveries/${encodeURIComponent(eventId)}/resend`, {});
      toast('Sent again');
    } catch (error) {
      toast(error.description, 'error');
    }
    await reload();
  };
  const when = (t) => (t ? new Date(t).toLocaleString() : '');
  return h('table', { class: 'deliveries-table' },
    h('thead', {}, h('tr', {}, ['Event', 'State', 'Attempts', 'HTTP', 'ms', 'Error', 'Next attempt', '']
      .map((title) => h('th', {}, title)))),
    h('tbody', {}, rows.map((d) => h('tr', { class: `state-${STATES[d.state] || 'unknown'}` },
      h('td', { title: d.event_id }, d.event_type), h('td', {}, STATES[d.state] || d.state),
      h('td', {}, d.attempts || 0), h('td', {}, d.http_code || ''), h('td', {}, d.latency_ms || ''),
      h('td', {}, d.error || ''), h('td', {}, when(d.next_attempt_at)),
      h('td', {}, h('button', { type: 'button', class: 'link', onclick: () => resend(d.event_id) }, 'Re-send'))))));
}
