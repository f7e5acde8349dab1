/** Ctrl/Cmd+K or "/" anywhere: go to Mensen and put the cursor in the search box. */
export const SEARCH_FOCUS_EVENT = 'schakel:focus-search';
let pending = false;

export function requestSearchFocus(): void {
  pending = true;
  window.dispatchEvent(new Event(SEARCH_FOCUS_EVENT));
}

/** True once after a request; the people screen calls this when it mounts. */
export function consumeSearchFocus(): boolean {
  const was = pending;
  pending = false;
  return was;
}

export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}
