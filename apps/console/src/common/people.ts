import { useQuery } from '@tanstack/react-query';
import { TICKET_PRIORITIES } from '../../../../libs/domain/ticket';
import { api, unwrap, type Ticket } from '../api/client';

/** The account's users, for assignee pickers and names in threads and timelines. */
export function useUsers() {
  return useQuery({ queryKey: ['users'], queryFn: () => unwrap(api.GET('/users')), staleTime: 5 * 60_000 });
}

export function useUserName(): (userId: string | null | undefined) => string {
  const users = useUsers();
  return (userId) => {
    if (!userId) return 'Nobody';
    return users.data?.users.find((user) => user.id === userId)?.name ?? 'Unknown agent';
  };
}

export function customerName(ticket: Pick<Ticket, 'customer' | 'channel'>): string {
  const { name, phone, email } = ticket.customer;
  return name ?? phone ?? email ?? (ticket.channel === 'web_chat' ? 'Chat visitor' : 'Customer');
}

export const CHANNEL_LABELS = { sms: 'SMS', email: 'Email', web_chat: 'Chat' } as const;

/** Least urgent first, as the API ranks them. */
export const PRIORITIES = TICKET_PRIORITIES;
export const PRIORITY_LABELS: Record<Ticket['priority'], string> = { low: 'Low', normal: 'Normal', high: 'High', urgent: 'Urgent' };
