import { useState } from 'react';
import { describeFailure, type Ticket } from '../api/client';
import { useMe } from '../auth/session';
import { PRIORITIES, PRIORITY_LABELS, useUsers } from '../common/people';
import { useShortcuts } from '../common/shortcuts';
import { SNOOZE_PRESETS } from '../common/snooze-presets';
import { agentTimeZone, formatExact, fromLocalInput, toLocalInput } from '../common/time';
import { MacroPicker } from './MacroPicker';
import { useTicketAction } from './use-ticket-action';

/** Assign, tags, snooze, close and reopen: each one an update on the ticket's workflow. */
export function TicketActions({ ticket }: { ticket: Ticket }) {
  const me = useMe();
  const users = useUsers();
  const action = useTicketAction(ticket.id);
  const [newTag, setNewTag] = useState('');
  const [snoozeOpen, setSnoozeOpen] = useState(false);
  const [pickedTime, setPickedTime] = useState(() => toLocalInput(new Date(Date.now() + 24 * 3_600_000)));
  const isOpen = ticket.status !== 'closed';
  const snooze = (until: Date) => {
    action.mutate({ type: 'snooze', until: until.toISOString() });
    setSnoozeOpen(false);
  };
  useShortcuts({
    a: () => action.mutate({ type: 'assign', assigneeId: 'me' }),
    e: () => isOpen && action.mutate({ type: 'close' }),
    s: () => isOpen && setSnoozeOpen(true),
  });

  return (
    <div className="ticket-actions" role="toolbar" aria-label="Ticket actions">
      <label>
        Assignee
        <select
          value={ticket.assigneeId ?? ''}
          disabled={action.isPending}
          onChange={(event) => action.mutate(event.target.value ? { type: 'assign', assigneeId: event.target.value } : { type: 'unassign' })}
        >
          <option value="">Unassigned</option>
          {users.data?.users
            .filter((user) => user.status === 'active' || user.id === ticket.assigneeId)
            .map((user) => (
              <option key={user.id} value={user.id}>
                {user.id === me.user.id ? `${user.name} (me)` : user.name}
              </option>
            ))}
        </select>
      </label>
      {ticket.assigneeId !== me.user.id && (
        <button onClick={() => action.mutate({ type: 'assign', assigneeId: 'me' })} disabled={action.isPending}>
          Assign to me
        </button>
      )}
      <label>
        Priority
        <select value={ticket.priority} disabled={action.isPending} onChange={(event) => action.mutate({ type: 'set_priority', priority: event.target.value as Ticket['priority'] })}>
          {PRIORITIES.map((priority) => (
            <option key={priority} value={priority}>
              {PRIORITY_LABELS[priority]}
            </option>
          ))}
        </select>
      </label>
      <div className="tags" aria-label="Tags" role="group">
        {ticket.tags.map((tag) => (
          <span key={tag} className="tag">
            {tag}
            <button className="link" aria-label={`Remove tag ${tag}`} onClick={() => action.mutate({ type: 'tags', remove: [tag] })}>
              ×
            </button>
          </span>
        ))}
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (!newTag.trim()) return;
            action.mutate({ type: 'tags', add: [newTag.trim()] });
            setNewTag('');
          }}
        >
          <label>
            <span className="visually-hidden">New tag</span>
            <input value={newTag} onChange={(event) => setNewTag(event.target.value)} placeholder="Add tag" size={8} />
          </label>
        </form>
      </div>
      {isOpen && (
        <div className="menu">
          <button aria-expanded={snoozeOpen} onClick={() => setSnoozeOpen((open) => !open)}>
            {ticket.status === 'snoozed' ? 'Snoozed' : 'Snooze'}
          </button>
          {snoozeOpen && (
            <div className="popover" role="group" aria-label="Snooze until">
              {SNOOZE_PRESETS.map((preset) => {
                const until = preset.until(new Date());
                return (
                  <button key={preset.id} onClick={() => snooze(until)} title={formatExact(until.toISOString())}>
                    {preset.label} <span className="muted">{formatExact(until.toISOString())}</span>
                  </button>
                );
              })}
              <form
                onSubmit={(event) => {
                  event.preventDefault();
                  const until = fromLocalInput(pickedTime);
                  if (until) snooze(until);
                }}
              >
                <label>
                  Pick a date and time ({agentTimeZone})
                  <input type="datetime-local" value={pickedTime} onChange={(event) => setPickedTime(event.target.value)} required />
                </label>
                <button type="submit">Snooze until then</button>
              </form>
              {ticket.status === 'snoozed' && <button onClick={() => action.mutate({ type: 'cancel_snooze' })}>Wake it now</button>}
            </div>
          )}
        </div>
      )}
      {isOpen ? (
        <button onClick={() => action.mutate({ type: 'close' })} disabled={action.isPending}>
          Close
        </button>
      ) : (
        <button onClick={() => action.mutate({ type: 'reopen' })} disabled={action.isPending}>
          Reopen
        </button>
      )}
      <button onClick={() => action.mutate({ type: 'mark_read' })} disabled={action.isPending}>
        Mark read
      </button>
      <MacroPicker ticket={ticket} />
      {action.isError && (
        <p role="alert" className="error">
          {describeFailure(action.error)}
        </p>
      )}
    </div>
  );
}
