// Concept shortcut keys, in order: digits first, then letters no command uses
// (commands: b box, n next, p previous; a, c, x, r review verbs are not on the labeling page).
const KEYS = '1234567890qwertyuioasdfghjklzxcvm'.split('');

/** Shortcut key by concept id, for the first concepts (there are not enough keys for all). */
export function conceptKeys(conceptIds) {
  const byConcept = new Map();
  conceptIds.forEach((id, i) => { if (i < KEYS.length) byConcept.set(id, KEYS[i]); });
  return byConcept;
}

/** True when a key press belongs to a form field, not to the page's shortcuts. */
export function typing(e) {
  const t = e.target;
  return t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);
}

const PALETTE = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#0f9ea8', '#c71585', '#808000', '#9a6324', '#000075'];

export function colorFor(index) {
  return PALETTE[index % PALETTE.length];
}
