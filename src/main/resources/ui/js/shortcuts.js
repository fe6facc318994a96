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

// Distinct hues, each dark enough for white text on it (WCAG AA, 4.5:1): a chosen concept's
// button is filled with its colour.
const PALETTE = ['#d1103f', '#1f7a35', '#3556c8', '#b54f00', '#8a1cab', '#0a7480', '#b5127a', '#66690a', '#8a5520', '#1a1a8c'];

export function colorFor(index) {
  return PALETTE[index % PALETTE.length];
}
