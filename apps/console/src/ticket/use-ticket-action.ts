import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';

/** The agent actions on one ticket (each an update on the ticket's workflow, answered with its new state). */
export type TicketAction =
  | { type: 'assign'; assigneeId: string }
  | { type: 'unassign' }
  | { type: 'tags'; add?: string[]; remove?: string[] }
  | { type: 'snooze'; until: string }
  | { type: 'cancel_snooze' }
  | { type: 'close' }
  | { type: 'reopen' }
  | { type: 'mark_read' }
  | { type: 'set_priority'; priority: 'low' | 'normal' | 'high' | 'urgent' };

function perform(ticketId: string, action: TicketAction) {
  const path = { ticketId };
  switch (action.type) {
    case 'assign':
      return unwrap(api.POST('/tickets/{ticketId}/assign', { params: { path }, body: { assigneeId: action.assigneeId } }));
    case 'unassign':
      return unwrap(api.POST('/tickets/{ticketId}/unassign', { params: { path } }));
    case 'tags':
      return unwrap(api.POST('/tickets/{ticketId}/tags', { params: { path }, body: { add: action.add, remove: action.remove } }));
    case 'snooze':
      return unwrap(api.POST('/tickets/{ticketId}/snooze', { params: { path }, body: { until: action.until } }));
    case 'cancel_snooze':
      return unwrap(api.DELETE('/tickets/{ticketId}/snooze', { params: { path } }));
    case 'close':
      return unwrap(api.POST('/tickets/{ticketId}/close', { params: { path } }));
    case 'reopen':
      return unwrap(api.POST('/tickets/{ticketId}/reopen', { params: { path } }));
    case 'mark_read':
      return unwrap(api.POST('/tickets/{ticketId}/read', { params: { path } }));
    case 'set_priority':
      return unwrap(api.POST('/tickets/{ticketId}/priority', { params: { path }, body: { priority: action.priority } }));
  }
}

export function useTicketAction(ticketId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (action: TicketAction) => perform(ticketId, action),
    onSettled: () => {
      // The live stream would say so too; refetching now makes the agent's own action show at once.
      void queryClient.invalidateQueries({ queryKey: ['ticket', ticketId] });
      void queryClient.invalidateQueries({ queryKey: ['tickets'] });
      void queryClient.invalidateQueries({ queryKey: ['folders'] });
    },
  });
}
