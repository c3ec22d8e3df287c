import { useEffect, useState, type RefObject } from 'react';
import { CHANNEL_LABELS, PRIORITIES, PRIORITY_LABELS, useUsers } from '../common/people';
import { CHANNELS, SLA_STATES, STATUSES, type ListFilters } from './filters';

/** A date input's day (the agent's zone) as the instant it starts, and back. */
const dayStart = (day: string) => (day ? new Date(`${day}T00:00`).toISOString() : undefined);
const dayAfter = (day: string) => {
  if (!day) return undefined;
  const date = new Date(`${day}T00:00`);
  date.setDate(date.getDate() + 1);
  return date.toISOString();
};
const toDay = (iso: string | undefined, minusOne = false) => {
  if (!iso) return '';
  const date = new Date(iso);
  if (minusOne) date.setDate(date.getDate() - 1);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
};

export function FilterBar({ filters, onChange, searchRef }: { filters: ListFilters; onChange: (filters: ListFilters) => void; searchRef: RefObject<HTMLInputElement | null> }) {
  const users = useUsers();
  const [search, setSearch] = useState(filters.q ?? '');
  // The search waits for a pause in typing, so the list is not read again on every key.
  useEffect(() => {
    const timer = window.setTimeout(() => {
      if ((filters.q ?? '') !== search) onChange({ ...filters, q: search });
    }, 250);
    return () => window.clearTimeout(timer);
  }, [search, filters, onChange]);
  const toggle = (list: string[], value: string) => (list.includes(value) ? list.filter((item) => item !== value) : [...list, value]);

  return (
    <form className="filters" role="search" aria-label="Filter tickets" onSubmit={(event) => event.preventDefault()}>
      <label className="search">
        <span className="visually-hidden">Search tickets</span>
        <input ref={searchRef} type="search" placeholder="Search messages, subjects, phone numbers, emails (/)" value={search} onChange={(event) => setSearch(event.target.value)} />
      </label>
      <fieldset>
        <legend>Status</legend>
        {STATUSES.map((status) => (
          <label key={status} className="chip">
            <input type="checkbox" checked={filters.status.includes(status)} onChange={() => onChange({ ...filters, status: toggle(filters.status, status) })} />
            {status}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Channel</legend>
        {CHANNELS.map((channel) => (
          <label key={channel} className="chip">
            <input type="checkbox" checked={filters.channel.includes(channel)} onChange={() => onChange({ ...filters, channel: toggle(filters.channel, channel) })} />
            {CHANNEL_LABELS[channel]}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Priority</legend>
        {PRIORITIES.map((priority) => (
          <label key={priority} className="chip">
            <input type="checkbox" checked={filters.priority.includes(priority)} onChange={() => onChange({ ...filters, priority: toggle(filters.priority, priority) })} />
            {PRIORITY_LABELS[priority]}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>SLA</legend>
        {SLA_STATES.map(([state, label]) => (
          <label key={state} className="chip">
            <input type="checkbox" checked={filters.sla.includes(state)} onChange={() => onChange({ ...filters, sla: toggle(filters.sla, state) })} />
            {label}
          </label>
        ))}
      </fieldset>
      <label>
        Assignee
        <select value={filters.assigneeId ?? ''} onChange={(event) => onChange({ ...filters, assigneeId: event.target.value || undefined })}>
          <option value="">Anyone</option>
          {users.data?.users.filter((user) => user.status === 'active').map((user) => (
            <option key={user.id} value={user.id}>
              {user.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Tag
        <input type="text" value={filters.tag ?? ''} onChange={(event) => onChange({ ...filters, tag: event.target.value || undefined })} size={10} />
      </label>
      <label>
        Created from
        <input type="date" value={toDay(filters.createdFrom)} onChange={(event) => onChange({ ...filters, createdFrom: dayStart(event.target.value) })} />
      </label>
      <label>
        Created until
        <input type="date" value={toDay(filters.createdTo, true)} onChange={(event) => onChange({ ...filters, createdTo: dayAfter(event.target.value) })} />
      </label>
      <label>
        Sort by
        <select
          value={`${filters.sort}:${filters.order}`}
          onChange={(event) => {
            const [sort, order] = event.target.value.split(':') as [ListFilters['sort'], ListFilters['order']];
            onChange({ ...filters, sort, order });
          }}
        >
          <option value="updatedAt:desc">Last updated first</option>
          <option value="updatedAt:asc">Least recently updated first</option>
          <option value="createdAt:desc">Newest first</option>
          <option value="createdAt:asc">Oldest first</option>
          <option value="priority:desc">Most urgent first</option>
          <option value="slaDue:asc">SLA due first</option>
        </select>
      </label>
    </form>
  );
}
