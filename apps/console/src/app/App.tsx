import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, describeFailure, unwrap } from '../api/client';
import { SessionContext, useSessionQuery, useSignOut, type Me } from '../auth/session';
import { SignInPage } from '../auth/SignInPage';
import { SHORTCUTS, useShortcuts } from '../common/shortcuts';
import { InboxPage } from '../inbox/InboxPage';
import { useLiveStream, type LiveState } from '../live/use-live-stream';
import { ReportsPage } from '../reports/ReportsPage';
import { SettingsPage } from '../settings/SettingsPage';
import { TicketPage } from '../ticket/TicketPage';
import { hrefOf, useRoute, type Route } from './router';

export function App() {
  const session = useSessionQuery();
  if (session.isPending) return <p className="loading">Loading…</p>;
  if (session.isError) {
    return (
      <main className="sign-in">
        <p role="alert" className="error">
          {describeFailure(session.error)}
        </p>
        <button onClick={() => void session.refetch()}>Try again</button>
      </main>
    );
  }
  if (!session.data) return <SignInPage />;
  return (
    <SessionContext.Provider value={session.data}>
      <Console me={session.data} />
    </SessionContext.Provider>
  );
}

function Console({ me }: { me: Me }) {
  const [route, navigate] = useRoute();
  const live = useLiveStream();
  const [helpOpen, setHelpOpen] = useState(false);
  useShortcuts({ '?': () => setHelpOpen((open) => !open), Escape: () => setHelpOpen(false) });
  return (
    <div className="console">
      <Navigation route={route} me={me} live={live} />
      <main className="content" id="main">
        {route.page === 'inbox' && <InboxPage key={route.folder} source={{ folder: route.folder }} />}
        {route.page === 'view' && <InboxPage key={route.viewId} source={{ viewId: route.viewId }} />}
        {route.page === 'ticket' && <TicketPage key={route.ticketId} ticketId={route.ticketId} onBack={() => window.history.back()} />}
        {route.page === 'settings' && <SettingsPage section={route.section} navigate={navigate} />}
        {route.page === 'reports' && <ReportsPage />}
      </main>
      {helpOpen && <ShortcutsHelp onClose={() => setHelpOpen(false)} />}
    </div>
  );
}

function Navigation({ route, me, live }: { route: Route; me: Me; live: LiveState }) {
  const folders = useQuery({ queryKey: ['folders'], queryFn: () => unwrap(api.GET('/me/folders')) });
  const unread = useQuery({ queryKey: ['unread'], queryFn: () => unwrap(api.GET('/me/unread-count')) });
  const signOut = useSignOut();
  const current = (target: Route) => (hrefOf(target) === hrefOf(route) ? 'page' : undefined);
  return (
    <nav className="sidebar" aria-label="Inbox">
      <div className="brand">
        <strong>{me.account.name}</strong>
        {unread.data?.enabled && (unread.data.count ?? 0) > 0 && (
          <span className="badge" role="status" aria-label={`${unread.data.count} unread`}>
            {unread.data.count}
          </span>
        )}
      </div>
      <ul>
        {(folders.data?.folders ?? []).map((folder) => {
          const target: Route = { page: 'inbox', folder: folder.id };
          return (
            <li key={folder.id}>
              <a href={hrefOf(target)} aria-current={current(target)}>
                <span>{folder.name}</span> <span className="count" aria-label={`${folder.count} open`}>{folder.count}</span>
              </a>
            </li>
          );
        })}
      </ul>
      {(folders.data?.views.length ?? 0) > 0 && (
        <>
          <h2 id="views-heading">Views</h2>
          <ul aria-labelledby="views-heading">
            {folders.data!.views.map((view) => {
              const target: Route = { page: 'view', viewId: view.id };
              return (
                <li key={view.id}>
                  <a href={hrefOf(target)} aria-current={current(target)}>
                    <span>{view.name}</span> <span className="count">{view.count}</span>
                  </a>
                </li>
              );
            })}
          </ul>
        </>
      )}
      <ul className="secondary">
        <li>
          <a href={hrefOf({ page: 'reports' })} aria-current={current({ page: 'reports' })}>
            Reports
          </a>
        </li>
        <li>
          <a href={hrefOf({ page: 'settings', section: 'general' })} aria-current={route.page === 'settings' ? 'page' : undefined}>
            Settings
          </a>
        </li>
      </ul>
      <footer>
        <span className={`live live-${live}`} role="status">
          {live === 'live' ? 'Live' : live === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
        </span>
        <span title={me.user.email}>{me.user.name}</span>
        <button className="link" onClick={() => void signOut()}>
          Sign out
        </button>
      </footer>
    </nav>
  );
}

function ShortcutsHelp({ onClose }: { onClose: () => void }) {
  return (
    <div className="overlay" onClick={onClose}>
      <section role="dialog" aria-modal="true" aria-labelledby="shortcuts-title" className="card dialog" onClick={(event) => event.stopPropagation()}>
        <h2 id="shortcuts-title">Keyboard shortcuts</h2>
        <dl className="shortcuts">
          {SHORTCUTS.map((shortcut) => (
            <div key={shortcut.keys}>
              <dt>
                <kbd>{shortcut.keys}</kbd>
              </dt>
              <dd>{shortcut.what}</dd>
            </div>
          ))}
        </dl>
        <button onClick={onClose} autoFocus>
          Close
        </button>
      </section>
    </div>
  );
}
