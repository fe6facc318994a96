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
  54001: 'In progress', 54002: 'Done', 54003: "Won't do", 54005: 'Failed', 54006: 'Idle',
  54200: 'Approved', 54201: 'Pending', 54202: 'Awaiting review', 54203: 'Awaiting consensus', 54204: 'Rejected',
};

export const TASK_TYPES = { 1: 'CONCEPTS_CLASSIFICATION', 2: 'BOUNDING_BOX_DETECTION', 3: 'POLYGON_DETECTION' };
export const WORKER_STRATEGIES = { 2: 'PARTITIONED', 3: 'FULL', 4: 'DYNAMIC' };
export const REVIEW_STRATEGIES = { 1: 'NONE', 2: 'MANUAL', 3: 'CONSENSUS' };

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
