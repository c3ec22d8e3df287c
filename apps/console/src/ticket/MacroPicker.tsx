import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, describeFailure, unwrap, type Ticket } from '../api/client';

/**
 * "Apply macro": the macro's reply and actions in one update on the ticket. When a step is refused nothing
 * is applied and the API's reason (naming the step) is shown.
 */
export function MacroPicker({ ticket }: { ticket: Ticket }) {
  const queryClient = useQueryClient();
  const macros = useQuery({ queryKey: ['macros'], queryFn: () => unwrap(api.GET('/macros')), staleTime: 60_000 });
  const [macroId, setMacroId] = useState('');
  const apply = useMutation({
    mutationFn: (id: string) =>
      unwrap(
        api.POST('/tickets/{ticketId}/macros/{macroId}/apply', {
          params: { path: { ticketId: ticket.id, macroId: id } },
          // One key per click: a retry of this request by the browser or a proxy is the same action.
          headers: { 'Idempotency-Key': crypto.randomUUID() },
        }),
      ),
    onSuccess: () => setMacroId(''),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: ['ticket', ticket.id] });
      void queryClient.invalidateQueries({ queryKey: ['tickets'] });
      void queryClient.invalidateQueries({ queryKey: ['folders'] });
      void queryClient.invalidateQueries({ queryKey: ['macros'] });
    },
  });
  const available = macros.data?.macros ?? [];
  if (macros.isSuccess && available.length === 0) return null;

  return (
    <form
      className="macro-picker"
      aria-label="Apply macro"
      onSubmit={(event) => {
        event.preventDefault();
        if (macroId) apply.mutate(macroId);
      }}
    >
      <label>
        Macro
        <select
          value={macroId}
          disabled={apply.isPending || !macros.isSuccess}
          onChange={(event) => {
            setMacroId(event.target.value);
            apply.reset();
          }}
        >
          <option value="">Choose a macro…</option>
          {available.map((macro) => (
            <option key={macro.id} value={macro.id}>
              {macro.shared ? macro.name : `${macro.name} (personal)`}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" disabled={!macroId || apply.isPending}>
        {apply.isPending ? 'Applying…' : 'Apply macro'}
      </button>
      {apply.isError && (
        <p role="alert" className="error">
          {describeFailure(apply.error)}
        </p>
      )}
      {apply.isSuccess && (
        <span role="status" className="saved">
          {'status' in apply.data && apply.data.status === 'pending' ? 'Accepted: it will be applied shortly' : 'Applied'}
        </span>
      )}
    </form>
  );
}
