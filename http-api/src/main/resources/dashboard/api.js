// The API client: every call carries the key as 'Authorization: Bearer'; errors are problem
// documents (RFC 9457) turned into ApiError; a 401 anywhere asks for the key again.

const KEY = 'tickcast.apiKey';
export const API = '/api/v1';

/** Things the whole page reacts to: 'unauthorized' (a 401, detail: ApiError). */
export const bus = new EventTarget();

export const auth = {
  get key() {
    return sessionStorage.getItem(KEY);
  },
  set(key) {
    sessionStorage.setItem(KEY, key.trim());
  },
  clear() {
    sessionStorage.removeItem(KEY);
  },
};

export class ApiError extends Error {
  constructor(status, problem, retryAfter) {
    super(`${status} ${problem.title || ''}: ${problem.detail || ''}`);
    this.status = status;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }
}

/** Turns a non-2xx response into an ApiError, from its problem document when there is one. */
export async function errorOf(res) {
  let problem;
  const type = res.headers.get('Content-Type') || '';
  try {
    problem = type.includes('json') ? await res.json() : { title: res.statusText, detail: (await res.text()).slice(0, 300) };
  } catch {
    problem = { title: res.statusText || 'HTTP ' + res.status };
  }
  if (!problem || typeof problem !== 'object') problem = { title: 'HTTP ' + res.status, detail: String(problem) };
  const retryAfter = res.headers.get('Retry-After');
  if (res.status === 429 && retryAfter) problem.detail = `${problem.detail || ''} (retry in ${retryAfter} s)`;
  return new ApiError(res.status, problem, retryAfter);
}

export async function api(path, { method = 'GET', body, signal } = {}) {
  const headers = { Accept: 'application/json, application/problem+json' };
  if (auth.key) headers.Authorization = 'Bearer ' + auth.key;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(API + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal, cache: 'no-store' });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, { title: 'Node unreachable', detail: `${method} ${API}${path} got no answer (${e.message})` });
  }
  if (!res.ok) {
    const error = await errorOf(res);
    if (res.status === 401) bus.dispatchEvent(new CustomEvent('unauthorized', { detail: error }));
    throw error;
  }
  if (res.status === 204) return null;
  return res.json();
}
