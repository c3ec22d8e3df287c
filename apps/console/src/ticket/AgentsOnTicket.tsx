import { describeAgentsOnTicket } from '../../../../libs/domain/agent-presence';
import { useAgentsOnTicket } from './use-agent-presence';

/** "Alex is typing…", "Alex and Sam are viewing": the collision guard above the reply box. */
export function AgentsOnTicket({ ticketId }: { ticketId: string }) {
  const presence = useAgentsOnTicket(ticketId);
  const line = describeAgentsOnTicket(presence.data?.agents ?? []);
  // The live region stays mounted, empty when nobody else is here, so screen readers announce each change.
  return (
    <p className="presence agent-presence" role="status" aria-live="polite">
      {line}
    </p>
  );
}
