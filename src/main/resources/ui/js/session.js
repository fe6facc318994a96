// Who is signed in, and on which app. Kept in sessionStorage only: it goes away with the tab,
// is never put in a URL, and is sent only as the Authorization header of API calls.
const KEY = 'annotask.session';

export function session() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY)) || {};
  } catch {
    return {};
  }
}

export function saveSession(values) {
  sessionStorage.setItem(KEY, JSON.stringify({ ...session(), ...values }));
}

export function signOut() {
  sessionStorage.removeItem(KEY);
}

/** The chosen app: { ownerId, appId } or null. */
export function currentApp() {
  const s = session();
  return s.app || null;
}

export function isOwner() {
  const s = session();
  return !!(s.app && s.user && s.app.ownerId === s.user.id);
}

/** True when the signed-in user is the server's admin (ListUsers answered at sign-in). */
export function isAdmin() {
  return !!session().admin;
}
