import { app } from './api.js';
import { h } from './dom.js';

// Signed media URLs by input id, kept until shortly before they expire.
const signed = new Map();
const MARGIN_MS = 60_000;

/**
 * Makes sure every input whose bytes the server stores has a fresh signed URL, in one
 * ListMediaUrls call per 128 inputs. Inputs given by URL and not fetched need none: the
 * browser loads their own URL.
 */
export async function prepare(inputs) {
  const now = Date.now();
  const needed = inputs.filter((input) => kindOf(input) !== 'text' && !ownUrl(input))
    .map((input) => input.id)
    .filter((id) => !(signed.get(id)?.until > now + MARGIN_MS));
  for (let i = 0; i < needed.length; i += 128) {
    const reply = await app.get('/media_urls', { input_ids: needed.slice(i, i + 128) });
    for (const m of reply.media_urls || []) {
      signed.set(m.input_id, { url: m.url, until: Date.parse(m.expires_at) });
    }
  }
}

function kindOf(input) {
  const d = input.data || {};
  if (d.text) return 'text';
  if (d.video) return 'video';
  if (d.audio) return 'audio';
  return 'image';
}

/**
 * The URL the browser may load itself: the input's own URL, unless the server stores its
 * bytes (`hosted`): then that URL needs the API key, which an <img> cannot send, so the
 * input is shown through a signed URL, like bytes uploaded without one.
 */
function ownUrl(input) {
  const d = input.data || {};
  const media = d.image || d.video || d.audio || {};
  return media.hosted ? '' : media.url || '';
}

/** The element showing the input: an <img> (or <video>/<audio>), or the text itself. */
export function mediaElement(input, attrs = {}) {
  const kind = kindOf(input);
  if (kind === 'text') {
    const text = input.data.text.raw || input.data.text.url || '';
    // Focusable: a long text scrolls, and the keyboard must be able to scroll it too.
    return h('pre', { class: 'text-input', tabindex: 0, ...attrs }, text);
  }
  const src = ownUrl(input) || signed.get(input.id)?.url || '';
  if (kind === 'video') return h('video', { src, controls: true, ...attrs });
  if (kind === 'audio') return h('audio', { src, controls: true, ...attrs });
  return h('img', { src, alt: `input ${input.id}`, draggable: 'false', ...attrs });
}
