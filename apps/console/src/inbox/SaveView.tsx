import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, describeFailure, unwrap } from '../api/client';
import { hrefOf } from '../app/router';
import { toViewFilters, type ListFilters } from './filters';

/** Saves the list's current filters as a custom view (personal, or shared with the account). */
export function SaveView({ filters }: { filters: ListFilters }) {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [shared, setShared] = useState(false);
  const save = useMutation({
    mutationFn: () => unwrap(api.POST('/views', { body: { name, shared, filters: toViewFilters(filters) } })),
    onSuccess: (view) => {
      void queryClient.invalidateQueries({ queryKey: ['views'] });
      void queryClient.invalidateQueries({ queryKey: ['folders'] });
      setOpen(false);
      window.location.hash = hrefOf({ page: 'view', viewId: view.id });
    },
  });
  if (!open) return <button onClick={() => setOpen(true)}>Save as view</button>;
  return (
    <form
      className="save-view"
      aria-label="Save as view"
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate();
      }}
    >
      <label>
        View name
        <input value={name} onChange={(event) => setName(event.target.value)} required maxLength={100} autoFocus />
      </label>
      <label className="chip">
        <input type="checkbox" checked={shared} onChange={(event) => setShared(event.target.checked)} />
        Share with the team
      </label>
      <button type="submit" className="primary" disabled={save.isPending}>
        Save view
      </button>
      <button type="button" onClick={() => setOpen(false)}>
        Cancel
      </button>
      {save.isError && (
        <p role="alert" className="error">
          {describeFailure(save.error)}
        </p>
      )}
    </form>
  );
}
