/**
 * Agent presence on a ticket (the collision guard): who else has the ticket open, and who is typing a reply,
 * so two agents do not answer the same customer. Ephemeral: heartbeats, not workflow state or ticket events.
 */

/** The console beats every 10 s while the ticket is visible; an agent not heard from for this long has left. */
export const AGENT_VIEWING_SHOWN_MS = 30_000;
/** A typing beat shows "typing" for this long after the last one. */
export const AGENT_TYPING_SHOWN_MS = 6_000;
/** Rows older than this are deleted by the next write on the ticket; they are never shown anyway. */
export const AGENT_PRESENCE_KEPT_MS = 60 * 60 * 1000;

/** One stored heartbeat of an agent on a ticket. */
export interface AgentPresenceRecord {
  userId: string;
  name: string;
  seenAt: Date;
  typingUntil: Date | null;
}

/** An agent as the other agents of the ticket see them. */
export interface AgentPresence {
  userId: string;
  name: string;
  viewing: true;
  typing: boolean;
  seenAt: string;
}

/**
 * The agents other than `viewerUserId` who are on the ticket at `now`: seen within the last 30 s (a beat from
 * the future, a clock a little ahead, counts as now), typing while their last typing beat is under 6 s old.
 * Typing ones first (they are the collision about to happen), then by name.
 */
export function agentsOnTicket(records: readonly AgentPresenceRecord[], viewerUserId: string, now: Date): AgentPresence[] {
  const at = now.getTime();
  return records
    .filter((record) => record.userId !== viewerUserId && at - record.seenAt.getTime() < AGENT_VIEWING_SHOWN_MS)
    .map((record) => ({
      userId: record.userId,
      name: record.name,
      viewing: true as const,
      typing: record.typingUntil !== null && record.typingUntil.getTime() > at,
      seenAt: record.seenAt.toISOString(),
    }))
    .sort((a, b) => Number(b.typing) - Number(a.typing) || a.name.localeCompare(b.name) || a.userId.localeCompare(b.userId));
}

/** "Alex", "Alex and Sam", "Alex, Sam and Kim", "Alex, Sam and 2 others". */
function namesInWords(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  if (names.length <= 3) return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  const others = names.length - 2;
  return `${names.slice(0, 2).join(', ')} and ${others} others`;
}

/**
 * The console's line above the composer: "Alex is typing…", "Alex and Sam are viewing",
 * "Alex is typing… · Sam is viewing"; null when nobody else is on the ticket.
 */
export function describeAgentsOnTicket(agents: readonly Pick<AgentPresence, 'name' | 'typing'>[]): string | null {
  const typing = agents.filter((agent) => agent.typing).map((agent) => agent.name);
  const viewing = agents.filter((agent) => !agent.typing).map((agent) => agent.name);
  const parts: string[] = [];
  if (typing.length > 0) parts.push(`${namesInWords(typing)} ${typing.length === 1 ? 'is' : 'are'} typing…`);
  if (viewing.length > 0) parts.push(`${namesInWords(viewing)} ${viewing.length === 1 ? 'is' : 'are'} viewing`);
  return parts.length > 0 ? parts.join(' · ') : null;
}
