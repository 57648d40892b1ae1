/**
 * The HTTP bridge's access token: it arrives once in the page URL's fragment (`#token=...`) and is
 * kept in this tab's session storage, so a reload keeps working while `veil serve` runs.
 */
const TOKEN_KEY = 'veil.token';

/** Takes the token from `#token=...` (then removes it from the address bar) or from this tab's session. */
export function takeToken(loc: Location = location, storage: Storage = sessionStorage): string | null {
  const match = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(loc.hash);
  if (match) {
    storage.setItem(TOKEN_KEY, match[1]);
    history.replaceState(null, '', loc.pathname + loc.search);
    return match[1];
  }
  return storage.getItem(TOKEN_KEY);
}
