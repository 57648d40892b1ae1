/**
 * Opens a same-origin URL (a one-time report link) in a new tab; false when the browser blocked it.
 * The report page runs no script (its CSP sandboxes it), and the tab is cut from this window.
 */
export function openInTab(url: string): boolean {
  const tab = window.open(url, '_blank');
  if (tab) tab.opener = null;
  return tab !== null;
}
