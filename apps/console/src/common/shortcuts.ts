import { useEffect, useRef } from 'react';

/** Keyboard shortcuts in the style of Gmail and Front; listed by `?` (ShortcutsHelp). */
export const SHORTCUTS: { keys: string; what: string }[] = [
  { keys: 'j / k', what: 'next / previous ticket' },
  { keys: 'Enter', what: 'open the selected ticket' },
  { keys: 'x', what: 'select the ticket for bulk actions' },
  { keys: 'r', what: 'reply' },
  { keys: 'e', what: 'close the ticket' },
  { keys: 's', what: 'snooze' },
  { keys: 'a', what: 'assign to me' },
  { keys: '/', what: 'search' },
  { keys: 'u', what: 'back to the list' },
  { keys: '?', what: 'this list' },
];

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/** Calls the handler of a key pressed outside a form field (with no modifier), e.g. { j: next, k: previous }. */
export function useShortcuts(handlers: Record<string, () => void>, enabled = true): void {
  const latest = useRef(handlers);
  latest.current = handlers;
  useEffect(() => {
    if (!enabled) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
      const handler = latest.current[event.key];
      if (handler) {
        event.preventDefault();
        handler();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled]);
}
