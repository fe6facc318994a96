import { session } from './session.js';

/** A failed API call: Clarifai's status code, description and details, for the user to read. */
export class ApiError extends Error {
  constructor(status, httpStatus) {
    super(status?.description || `HTTP ${httpStatus}`);
    this.code = status?.code;
    this.description = status?.description || `Request failed (HTTP ${httpStatus})`;
    this.details = status?.details || '';
    this.httpStatus = httpStatus;
  }
}

/** Calls the API with the session's key; resolves to the JSON body, or throws ApiError. */
export async function call(method, path, body, token = session().token) {
  const headers = { Authorization: `Key ${token}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError({ description: 'The server cannot be reached', details: String(e.message || e) }, 0);
  }
  let json;
  try {
    json = await response.json();
  } catch {
    throw new ApiError(null, response.status);
  }
  if (!json.status || json.status.code !== 10000) throw new ApiError(json.status, response.status);
  return json;
}

/** The long path of the session's app: /v2/users/{owner}/apps/{app}. */
export function appPath(rest = '') {
  const app = session().app;
  return `/v2/users/${encodeURIComponent(app.ownerId)}/apps/${encodeURIComponent(app.appId)}${rest}`;
}

/** A query string; arrays become repeated keys, as the gateway reads them. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    for (const v of Array.isArray(value) ? value : [value]) search.append(key, v);
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export const app = {
  get: (rest, params = {}) => call('GET', appPath(rest) + query(params)),
  post: (rest, body) => call('POST', appPath(rest), body),
  put: (rest, body) => call('PUT', appPath(rest), body),
  patch: (rest, body) => call('PATCH', appPath(rest), body),
  del: (rest, body) => call('DELETE', appPath(rest), body),
};

/** Status code names the UI shows, by number (docs/COMPATIBILITY.md). */
export const STATUS = {
  54001: 'In progress', 54002: 'Done', 54003: "Won't do", 54005: 'Failed', 54006: 'Paused',
  54200: 'Approved', 54201: 'Pending', 54202: 'Awaiting review', 54203: 'Awaiting consensus', 54204: 'Rejected',
};

/** Annotation status codes the owner filters and reads labels by (docs/COMPATIBILITY.md). */
export const ANNOTATION_STATUS = {
  24150: 'Final', 24151: 'Not turned in', 24157: 'Awaiting review', 24159: 'Awaiting consensus', 24158: 'Rejected',
};

export const TASK_TYPES = { 1: 'CONCEPTS_CLASSIFICATION', 2: 'BOUNDING_BOX_DETECTION', 3: 'POLYGON_DETECTION' };
export const WORKER_STRATEGIES = { 2: 'PARTITIONED', 3: 'FULL', 4: 'DYNAMIC' };
export const REVIEW_STRATEGIES = { 1: 'NONE', 2: 'MANUAL', 3: 'CONSENSUS' };

/**
 * What the page shows for each enum value: a human label and one line on what it does. The
 * wire names stay the keys (the API takes them as they are).
 */
export const ENUM_TEXT = {
  CONCEPTS_CLASSIFICATION: ['Classification', 'Labelers pick the concepts that apply to the whole input.'],
  BOUNDING_BOX_DETECTION: ['Bounding boxes', 'Labelers draw a box around each object and give it a concept.'],
  POLYGON_DETECTION: ['Polygons', 'Labelers outline each object with a polygon and give it a concept.'],
  FULL: ['Everyone labels everything', 'Every labeler labels every input: use it to compare labelers or to build consensus.'],
  PARTITIONED: ['Split the inputs', 'Each input goes to a fixed number of labelers, shared out by the weights you set.'],
  DYNAMIC: ['First come, first served', 'Labelers take batches from a common pool; each input is labeled once.'],
  EVENLY: ['Evenly', 'Every labeler gets the same share of the inputs.'],
  WEIGHTED: ['By weight', 'Each labeler gets a share in proportion to their weight.'],
  NONE: ['No review', 'Labels are final as soon as they are submitted.'],
  MANUAL: ['Reviewers check the work', 'Reviewers approve, send back or reject a share (or all) of the labelings.'],
  CONSENSUS: ['Consensus', 'Inputs where enough labelers agree are approved by themselves; the others go to reviewers.'],
  ALL_INPUTS: ['All inputs of the app', 'Every input of the app, including ones added later.'],
  DATASET: ['A dataset', 'The inputs of one dataset, including ones added to it later.'],
};

/** The human label of an enum value (number or name), falling back to the value itself. */
export function enumLabel(table, value) {
  const name = enumName(table, value);
  return ENUM_TEXT[name]?.[0] || name.replace(/_/g, ' ').toLowerCase();
}

/**
 * The name a person knows an input by: the uploaded file's name, kept in the input's
 * `data.metadata.filename` (the web UI's upload writes it there), else the last part of its URL, else its id.
 */
export function inputName(input) {
  const meta = input?.data?.metadata || {};
  if (typeof meta.filename === 'string' && meta.filename) return meta.filename;
  const d = input?.data || {};
  const url = (d.image || d.video || d.audio || d.text || {}).url || '';
  if (url && !(d.image || d.video || d.audio || d.text || {}).hosted) {
    const last = url.split(/[?#]/)[0].split('/').filter(Boolean).pop();
    if (last) {
      try {
        return decodeURIComponent(last);
      } catch {
        return last;
      }
    }
  }
  return input?.id || '';
}

/** True for the API's refusals that mean "you may not", as opposed to "something broke". */
export function isRefusal(error) {
  return error instanceof ApiError && [11007, 11008, 11200, 54103].includes(error.code);
}

/** Enum values may come back as numbers (ours) or names (other servers): read both. */
export function enumName(table, value) {
  return typeof value === 'number' ? (table[value] || String(value)) : (value || '');
}

/** The user ids of a task's workers, in any of the shapes the API allows. */
export function workerIds(task) {
  const w = task.worker || {};
  const ids = [...(w.workers || []).map((x) => x.user?.id), ...(w.user_ids || []), ...(w.users || []).map((u) => u.id)];
  return [...new Set(ids.filter(Boolean))];
}

export function reviewerIds(task) {
  const r = task.review || {};
  return [...new Set([...(r.user_ids || []), ...(r.users || []).map((u) => u.id)].filter(Boolean))];
}

export function taskConceptIds(task) {
  const ids = (task.concepts || []).map((c) => c.concept?.id).filter(Boolean);
  return ids.length ? ids : (task.concept_ids || []);
}

const READ = ['Annotations:Get', 'Apps:Get', 'Collaborators:Get', 'Concepts:Get', 'Datasets:Get', 'Inputs:Get',
  'Models:Get', 'SavedSearch:Get', 'Tasks:Get', 'Workflows:Get'];

/**
 * The roles the People page offers, as the collaborator scopes they stand for. "Labeler and
 * reviewer" is every scope the labeling and review pages call for (reading the app, adding
 * and replacing one's own annotations); the server still lets people label and review only in
 * the tasks that name them.
 */
export const ROLES = [
  { id: 'full', label: 'Full access', text: 'Everything the owner\'s key can do in the app, except managing people.', scopes: ['All'] },
  { id: 'labeler', label: 'Labeler and reviewer', text: 'Reads the app and labels or reviews in the tasks that name them.',
    scopes: [...READ, 'Annotations:Add', 'Annotations:Delete'].sort() },
  { id: 'viewer', label: 'Viewer', text: 'Reads inputs, labels and progress; changes nothing.', scopes: READ },
];

/** The role a set of scopes stands for, or a "custom" one naming them. */
export function roleOf(scopes = []) {
  const key = [...scopes].sort().join(' ');
  return ROLES.find((r) => [...r.scopes].sort().join(' ') === key)
    || { id: 'custom', label: `Custom (${scopes.length} scopes)`, text: scopes.join(', '), scopes };
}
