import { app } from './api.js';
import { h } from './dom.js';
import { regionsOf } from './regions.js';

/**
 * Pre-labels on the labeling screen: annotations a model or an earlier tool made (their worker is
 * a model, docs/COMPATIBILITY.md "Pre-labels"), shown as suggestions the labeler accepts (copies
 * into their own labels) or ignores and corrects. They are listed only when asked for
 * (return_model_output), so nothing else on the page ever counts them.
 */

/** The request for the batch's pre-labels, made beside the batch's other reads. */
export function fetchPrelabels(inputIds) {
  return app.get('/annotations', { input_ids: inputIds, return_model_output: true, per_page: 1000 });
}

/** The suggestions of each input, by input id: { regions, concepts }, less what the labeler has already. */
export function suggestionsFrom(reply, inputIds, type, ownAnnotations) {
  const byInput = new Map();
  for (const id of inputIds) {
    const models = reply.annotations.filter((a) => a.input_id === id && a.worker?.model);
    const own = ownAnnotations.filter((a) => a.input_id === id);
    const ownRegions = new Set(regionsOf(own).map(key));
    const ownConcepts = new Set(own.flatMap((a) => (a.data?.concepts || []).map((c) => c.id)));
    const fits = (r) => (type === 'POLYGON_DETECTION' ? !!r.points : type === 'BOUNDING_BOX_DETECTION' ? !!r.box : false);
    byInput.set(id, {
      regions: regionsOf(models).filter((r) => fits(r) && !ownRegions.has(key(r))),
      concepts: type === 'CONCEPTS_CLASSIFICATION' ? [...new Set(models.flatMap((a) => (a.data?.concepts || [])
        .filter((c) => (c.value ?? 1) > 0.5).map((c) => c.id)))].filter((c) => !ownConcepts.has(c)) : [],
      model: models[0]?.worker?.model?.id || '',
    });
  }
  return byInput;
}

function key(r) {
  return JSON.stringify({ c: r.concept, b: r.box, p: r.points });
}

/** The side panel's suggestions block: accept one, or all; null when there are none. */
export function suggestionPanel(suggestion, acceptRegion, acceptConcept, acceptAll) {
  const count = suggestion.regions.length + suggestion.concepts.length;
  if (!count) return null;
  return h('div', { class: 'suggestions', id: 'suggestions' },
    h('div', { class: 'row' }, h('strong', {}, `${count} suggestion${count === 1 ? '' : 's'}`),
      suggestion.model ? h('span', { class: 'muted ellipsis', title: suggestion.model }, `from ${suggestion.model}`) : null),
    h('ul', {}, [
      ...suggestion.regions.map((r, i) => h('li', { class: 'row' }, h('span', { class: 'ellipsis' },
        `${r.box ? 'box' : 'polygon'}: ${r.concept}`), h('button', { type: 'button', class: 'accept-suggestion',
        onclick: () => acceptRegion(i) }, 'Accept'))),
      ...suggestion.concepts.map((c) => h('li', { class: 'row' }, h('span', { class: 'ellipsis' }, c),
        h('button', { type: 'button', class: 'accept-suggestion', onclick: () => acceptConcept(c) }, 'Accept'))),
    ]),
    h('button', { type: 'button', id: 'accept-all', onclick: acceptAll }, 'Accept all'),
    h('div', { class: 'muted' }, 'Dashed: suggestions. Click one, or accept, to make it your label; then correct it.'));
}
