import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, describeFailure, unwrap, type Schemas } from '../api/client';
import { hrefOf } from '../app/router';
import { PRIORITIES, PRIORITY_LABELS, useUsers } from '../common/people';
import { SNOOZE_PRESETS } from '../common/snooze-presets';

type BulkAction = Schemas['BulkActionSpec'];
const ACTION_NAMES: Record<string, string> = { assign: 'Assign', tag: 'Tag', snooze: 'Snooze', close: 'Close', reopen: 'Reopen', set_priority: 'Priority' };

/** Actions on the selected tickets (POST /tickets/bulk): each ticket answers for itself, and the answers are shown. */
export function BulkActions({ ticketIds, labelOf, onDone }: { ticketIds: string[]; labelOf: (ticketId: string) => string; onDone: () => void }) {
  const queryClient = useQueryClient();
  const users = useUsers();
  const [tag, setTag] = useState('');
  const [outcome, setOutcome] = useState<{ action: string; results: (Schemas['BulkResultItemDto'] & { label: string })[] } | null>(null);
  const bulk = useMutation({
    // The tickets are named when the action starts: one it moves out of the list (the live stream may say so
    // before the answer arrives) is no longer there to be named from.
    mutationFn: ({ action }: { action: BulkAction; labels: Map<string, string> }) => unwrap(api.POST('/tickets/bulk', { body: { ticketIds, action } })),
    onSuccess: (answer, { action, labels }) => {
      setOutcome({
        action: ACTION_NAMES[action.type] ?? action.type,
        results: answer.results.map((result) => ({ ...result, label: labels.get(result.ticketId) ?? result.ticketId })),
      });
      void queryClient.invalidateQueries({ queryKey: ['tickets'] });
      void queryClient.invalidateQueries({ queryKey: ['folders'] });
    },
  });
  const run = (action: BulkAction) => bulk.mutate({ action, labels: new Map(ticketIds.map((ticketId) => [ticketId, labelOf(ticketId)])) });
  const failed = outcome?.results.filter((result) => !result.ok) ?? [];

  return (
    <div className="bulk" role="region" aria-label="Bulk actions">
      <span>{ticketIds.length} selected</span>
      <label>
        <span className="visually-hidden">Assign the selected tickets to</span>
        <select
          value=""
          disabled={bulk.isPending}
          onChange={(event) => event.target.value && run({ type: 'assign', assigneeId: event.target.value })}
        >
          <option value="">Assign to…</option>
          <option value="me">Me</option>
          {users.data?.users.filter((user) => user.status === 'active').map((user) => (
            <option key={user.id} value={user.id}>
              {user.name}
            </option>
          ))}
        </select>
      </label>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (tag.trim()) run({ type: 'tag', add: [tag.trim()] });
        }}
      >
        <label>
          <span className="visually-hidden">Tag to add</span>
          <input value={tag} onChange={(event) => setTag(event.target.value)} placeholder="tag" size={8} />
        </label>
        <button type="submit" disabled={bulk.isPending || !tag.trim()}>
          Add tag
        </button>
      </form>
      <label>
        <span className="visually-hidden">Snooze the selected tickets</span>
        <select
          value=""
          disabled={bulk.isPending}
          onChange={(event) => {
            const preset = SNOOZE_PRESETS.find((candidate) => candidate.id === event.target.value);
            if (preset) run({ type: 'snooze', until: preset.until(new Date()).toISOString() });
          }}
        >
          <option value="">Snooze…</option>
          {SNOOZE_PRESETS.map((preset) => (
            <option key={preset.id} value={preset.id}>
              {preset.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span className="visually-hidden">Set the priority of the selected tickets</span>
        <select value="" disabled={bulk.isPending} onChange={(event) => event.target.value && run({ type: 'set_priority', priority: event.target.value as (typeof PRIORITIES)[number] })}>
          <option value="">Priority…</option>
          {PRIORITIES.map((priority) => (
            <option key={priority} value={priority}>
              {PRIORITY_LABELS[priority]}
            </option>
          ))}
        </select>
      </label>
      <button onClick={() => run({ type: 'close' })} disabled={bulk.isPending}>
        Close
      </button>
      <button onClick={() => run({ type: 'reopen' })} disabled={bulk.isPending}>
        Reopen
      </button>
      <button className="link" onClick={onDone}>
        Clear selection
      </button>
      {bulk.isError && (
        <p role="alert" className="error">
          {describeFailure(bulk.error)}
        </p>
      )}
      {outcome && (
        <div role="status" className="bulk-results">
          <p>
            {outcome.action}: {outcome.results.length - failed.length} of {outcome.results.length} done
          </p>
          <ul aria-label="Result per ticket">
            {outcome.results.map((result) => (
              <li key={result.ticketId} className={result.ok ? 'ok' : 'refused'}>
                <a href={hrefOf({ page: 'ticket', ticketId: result.ticketId })}>{result.label}</a>:{' '}
                {result.ok ? (result.pending ? 'accepted, being applied' : 'done') : `refused: ${(result.error as { message?: string } | undefined)?.message ?? 'unknown reason'}`}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
