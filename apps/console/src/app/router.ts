import { useCallback, useSyncExternalStore } from 'react';

/**
 * Hash routes (#/inbox/mine, #/tickets/:id, …): the API owns every path, so the console never competes with
 * it for one, and a reload of any console page asks the API only for `/`.
 */
export type Route =
  | { page: 'inbox'; folder: 'mine' | 'unassigned' | 'all' }
  | { page: 'view'; viewId: string }
  | { page: 'ticket'; ticketId: string }
  | { page: 'settings'; section: SettingsSection }
  | { page: 'reports' };

export const SETTINGS_SECTIONS = ['general', 'email', 'sms', 'web-chat', 'shopify', 'team', 'teams', 'tokens', 'calendars', 'sla', 'csat', 'macros'] as const;
export type SettingsSection = (typeof SETTINGS_SECTIONS)[number];

export function parseRoute(hash: string): Route {
  const [first, second] = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  switch (first) {
    case 'tickets':
      if (second) return { page: 'ticket', ticketId: second };
      break;
    case 'views':
      if (second) return { page: 'view', viewId: second };
      break;
    case 'settings':
      return { page: 'settings', section: (SETTINGS_SECTIONS as readonly string[]).includes(second ?? '') ? (second as SettingsSection) : 'general' };
    case 'reports':
      return { page: 'reports' };
    case 'inbox':
      if (second === 'unassigned' || second === 'all' || second === 'mine') return { page: 'inbox', folder: second };
  }
  return { page: 'inbox', folder: 'mine' };
}

export function hrefOf(route: Route): string {
  switch (route.page) {
    case 'inbox':
      return `#/inbox/${route.folder}`;
    case 'view':
      return `#/views/${encodeURIComponent(route.viewId)}`;
    case 'ticket':
      return `#/tickets/${encodeURIComponent(route.ticketId)}`;
    case 'settings':
      return `#/settings/${route.section}`;
    case 'reports':
      return '#/reports';
  }
}

const subscribe = (onChange: () => void) => {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
};

export function useRoute(): [Route, (route: Route) => void] {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  const navigate = useCallback((route: Route) => {
    window.location.hash = hrefOf(route);
  }, []);
  return [parseRoute(hash), navigate];
}
