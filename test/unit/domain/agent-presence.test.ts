import { describe, expect, it } from '@jest/globals';
import {
  AGENT_TYPING_SHOWN_MS,
  AGENT_VIEWING_SHOWN_MS,
  agentsOnTicket,
  describeAgentsOnTicket,
  type AgentPresenceRecord,
} from '../../../libs/domain/agent-presence.js';

const NOW = new Date('2026-12-06T12:00:00.000Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const later = (ms: number) => new Date(NOW.getTime() + ms);
const record = (userId: string, name: string, seenAt: Date, typingUntil: Date | null = null): AgentPresenceRecord => ({ userId, name, seenAt, typingUntil });

describe('the agents on a ticket at an instant', () => {
  it('shows an agent seen within the last 30 s as viewing, with the beat\'s time', () => {
    expect(agentsOnTicket([record('u-alex', 'Alex', ago(1_000))], 'u-me', NOW)).toEqual([
      { userId: 'u-alex', name: 'Alex', viewing: true, typing: false, seenAt: ago(1_000).toISOString() },
    ]);
  });

  it('forgets an agent 30 s after their last beat', () => {
    const rows = [record('u-alex', 'Alex', ago(AGENT_VIEWING_SHOWN_MS - 1)), record('u-sam', 'Sam', ago(AGENT_VIEWING_SHOWN_MS)), record('u-kim', 'Kim', ago(3_600_000))];
    expect(agentsOnTicket(rows, 'u-me', NOW).map((agent) => agent.userId)).toEqual(['u-alex']);
  });

  it('counts a beat stamped a little in the future (a clock ahead) as viewing', () => {
    expect(agentsOnTicket([record('u-alex', 'Alex', later(500))], 'u-me', NOW)).toHaveLength(1);
  });

  it('never lists the agent who asks', () => {
    const rows = [record('u-me', 'Me', ago(1_000), later(3_000)), record('u-alex', 'Alex', ago(1_000))];
    expect(agentsOnTicket(rows, 'u-me', NOW).map((agent) => agent.userId)).toEqual(['u-alex']);
  });

  it('shows typing until the typing mark passes, 6 s after the last typing beat', () => {
    const typedAt = ago(AGENT_TYPING_SHOWN_MS - 1);
    const stillTyping = record('u-alex', 'Alex', typedAt, new Date(typedAt.getTime() + AGENT_TYPING_SHOWN_MS));
    const typedEarlier = ago(AGENT_TYPING_SHOWN_MS);
    const stoppedTyping = record('u-sam', 'Sam', ago(1_000), new Date(typedEarlier.getTime() + AGENT_TYPING_SHOWN_MS));
    const neverTyped = record('u-kim', 'Kim', ago(1_000), null);
    expect(agentsOnTicket([stillTyping, stoppedTyping, neverTyped], 'u-me', NOW).map(({ userId, typing }) => ({ userId, typing }))).toEqual([
      { userId: 'u-alex', typing: true },
      { userId: 'u-kim', typing: false },
      { userId: 'u-sam', typing: false },
    ]);
  });

  it('does not show a typing mark of an agent who has left', () => {
    expect(agentsOnTicket([record('u-alex', 'Alex', ago(AGENT_VIEWING_SHOWN_MS + 1), later(1_000))], 'u-me', NOW)).toEqual([]);
  });

  it('lists typing agents first, then by name', () => {
    const rows = [record('u-zoe', 'Zoe', ago(1_000), later(2_000)), record('u-sam', 'Sam', ago(1_000)), record('u-alex', 'Alex', ago(2_000)), record('u-bo', 'Bo', ago(1_000), later(1_000))];
    expect(agentsOnTicket(rows, 'u-me', NOW).map((agent) => agent.name)).toEqual(['Bo', 'Zoe', 'Alex', 'Sam']);
  });
});

describe('the line above the composer', () => {
  const viewing = (name: string) => ({ name, typing: false });
  const typing = (name: string) => ({ name, typing: true });

  it('says nothing when nobody else is on the ticket', () => {
    expect(describeAgentsOnTicket([])).toBeNull();
  });

  it('names who is viewing and who is typing', () => {
    expect(describeAgentsOnTicket([viewing('Alex')])).toBe('Alex is viewing');
    expect(describeAgentsOnTicket([typing('Alex')])).toBe('Alex is typing…');
    expect(describeAgentsOnTicket([viewing('Alex'), viewing('Sam')])).toBe('Alex and Sam are viewing');
    expect(describeAgentsOnTicket([typing('Alex'), typing('Sam')])).toBe('Alex and Sam are typing…');
    expect(describeAgentsOnTicket([typing('Alex'), viewing('Sam')])).toBe('Alex is typing… · Sam is viewing');
  });

  it('keeps a crowd short', () => {
    expect(describeAgentsOnTicket(['Alex', 'Sam', 'Kim'].map(viewing))).toBe('Alex, Sam and Kim are viewing');
    expect(describeAgentsOnTicket(['Alex', 'Sam', 'Kim', 'Lee', 'Mo'].map(viewing))).toBe('Alex, Sam and 3 others are viewing');
  });
});
