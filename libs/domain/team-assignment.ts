import { CHANNELS, type Channel } from './channel-policy.js';

/**
 * Teams and capacity-aware auto-assignment (docs/teams.md). Pure: the team's assigner workflow asks an activity,
 * which reads the agents from the database and picks with pickAgent; new tickets are routed with matchTeamRule.
 */
export type Availability = 'online' | 'away' | 'offline';
export const AVAILABILITIES: readonly Availability[] = ['online', 'away', 'offline'];
export type AssignmentMode = 'round_robin' | 'balanced';
export const ASSIGNMENT_MODES: readonly AssignmentMode[] = ['round_robin', 'balanced'];
export const DEFAULT_CAPACITY = 5;
export const MAX_CAPACITY = 1000;

export interface AgentLoad {
  userId: string;
  availability: Availability;
  /** The most open tickets the agent holds. */
  capacity: number;
  /** Tickets not closed that are assigned to the agent. */
  openTickets: number;
  /** When this team last assigned the agent a ticket (balanced ties); null or absent: never. */
  lastAssignedAt?: string | null;
}

/** An agent takes a ticket only while online and below capacity. */
export function canTakeTicket(agent: AgentLoad): boolean {
  return agent.availability === 'online' && agent.openTickets < agent.capacity;
}

/**
 * The agent who gets the next ticket, or null when every agent is away, offline or at capacity.
 * `agents` are in the team's member order. Round robin: the first able agent after the last one assigned
 * (wrapping round; from the top when there is none). Balanced: the fewest open tickets, then the one this team
 * assigned longest ago (never first), then by id, so the pick never depends on the order rows came back in.
 */
export function pickAgent(mode: AssignmentMode, agents: readonly AgentLoad[], lastAssignedUserId: string | null): string | null {
  const able = agents.filter(canTakeTicket);
  if (able.length === 0) return null;
  if (mode === 'balanced') {
    const sorted = [...able].sort(
      (a, b) => a.openTickets - b.openTickets || compareLastAssigned(a.lastAssignedAt ?? null, b.lastAssignedAt ?? null) || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0),
    );
    return sorted[0]!.userId;
  }
  const lastIndex = lastAssignedUserId === null ? -1 : agents.findIndex((agent) => agent.userId === lastAssignedUserId);
  for (let step = 1; step <= agents.length; step++) {
    const candidate = agents[(lastIndex + step) % agents.length]!;
    if (canTakeTicket(candidate)) return candidate.userId;
  }
  return null;
}

function compareLastAssigned(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return Date.parse(a) - Date.parse(b);
}

/** A routing rule's conditions: each given one must hold (an empty list or an absent one matches anything). */
export interface TeamRuleConditions {
  channels?: Channel[];
  /** At least one of these tags is on the ticket. */
  tagsAny?: string[];
  /** The support address the email was sent to (email tickets only have one). */
  supportAddresses?: string[];
}

export interface TeamRoutingRule {
  id: string;
  teamId: string;
  conditions: TeamRuleConditions;
}

export interface TicketRoutingFacts {
  channel: Channel;
  tags: readonly string[];
  supportAddress: string | null;
}

export interface TeamRoutingDecision {
  teamId: string | null;
  ruleId: string | null;
  reason: string;
}

/** The first rule, in order, whose conditions all hold, with why; no team when none does. */
export function matchTeamRule(rules: readonly TeamRoutingRule[], facts: TicketRoutingFacts): TeamRoutingDecision {
  const tags = new Set(facts.tags.map((tag) => tag.toLowerCase()));
  const address = facts.supportAddress?.trim().toLowerCase() ?? null;
  for (const [index, rule] of rules.entries()) {
    const { channels, tagsAny, supportAddresses } = rule.conditions;
    const held: string[] = [];
    if (channels?.length) {
      if (!channels.includes(facts.channel)) continue;
      held.push(`channel ${facts.channel}`);
    }
    if (tagsAny?.length) {
      const tag = tagsAny.find((candidate) => tags.has(candidate.toLowerCase()));
      if (tag === undefined) continue;
      held.push(`tag ${tag.toLowerCase()}`);
    }
    if (supportAddresses?.length) {
      const matched = address === null ? undefined : supportAddresses.find((candidate) => candidate.trim().toLowerCase() === address);
      if (matched === undefined) continue;
      held.push(`support address ${address}`);
    }
    const why = held.length === 0 ? 'it has no conditions' : held.join(', ');
    return { teamId: rule.teamId, ruleId: rule.id, reason: `rule ${index + 1} matched: ${why}` };
  }
  return { teamId: null, ruleId: null, reason: rules.length === 0 ? 'the account has no routing rules' : 'no routing rule matched' };
}

export const MAX_ROUTING_RULES = 100;
const MAX_CONDITION_VALUES = 50;

/** Why a rule's conditions cannot be stored, naming the field; null when they can. */
export function routingConditionsProblem(conditions: TeamRuleConditions, field = 'conditions'): string | null {
  const lists: [keyof TeamRuleConditions, unknown][] = [['channels', conditions.channels], ['tagsAny', conditions.tagsAny], ['supportAddresses', conditions.supportAddresses]];
  for (const [name, value] of lists) {
    if (value === undefined) continue;
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || !item.trim() || item.length > 320)) return `${field}.${name} must be a list of non-empty strings`;
    if (value.length > MAX_CONDITION_VALUES) return `${field}.${name} has at most ${MAX_CONDITION_VALUES} values`;
  }
  const unknownChannel = conditions.channels?.find((channel) => !(CHANNELS as readonly string[]).includes(channel));
  if (unknownChannel !== undefined) return `${field}.channels: ${unknownChannel} is not one of ${CHANNELS.join(', ')}`;
  return null;
}
