import { isChannel, type Channel } from './channel-policy.js';
import { MAX_TAG_LENGTH, normalizeTag, TICKET_PRIORITIES, type TicketPriority } from './ticket.js';

/**
 * SLA policies as data (docs/service-levels.md, "SLA policies"): an ordered list per account; the first
 * enabled policy whose conditions all hold applies to a ticket. Each policy sets targets (first response,
 * next response, resolution), each counted in a business-hours calendar or around the clock, a warning at
 * a share of the target, and the escalations to run on warning and on breach.
 *
 * Pure: no I/O, no clock, no time zones. Whether a calendar id or a user id names something of the account
 * is the caller's to check (slaPolicyReferences lists them, with the field each one sits in); the counting
 * of business time is libs/calendars/'s, in activities.
 */

export const SLA_TARGET_KINDS = ['first_response', 'next_response', 'resolution'] as const;
export type SlaTargetKind = (typeof SLA_TARGET_KINDS)[number];

/** A year of minutes. */
export const MAX_SLA_TARGET_MINUTES = 525600;
export const DEFAULT_WARN_AT_PERCENT = 80;
export const MAX_SLA_POLICY_NAME_LENGTH = 100;
export const MAX_SLA_CONDITION_TAGS = 30;
export const MAX_SLA_ESCALATIONS = 10;
export const MAX_SLA_NOTIFY_USERS = 50;
export const MAX_SLA_ID_LENGTH = 100;

export interface SlaTarget {
  /** Whole minutes, 1 to 525,600 (a year). */
  minutes: number;
  /** The business-hours calendar the minutes are counted in; null = around the clock. */
  calendarId: string | null;
}

/** Every condition given must hold; a condition left out (or `{}`) holds for every ticket. */
export interface SlaConditions {
  /** The ticket's channel is one of these. */
  channels?: Channel[];
  /** The ticket's priority is one of these. */
  priorities?: TicketPriority[];
  /** The ticket has every one of these tags. */
  tagsAll?: string[];
  /** The ticket has at least one of these tags. */
  tagsAny?: string[];
  /** The customer's profile (SPEC §6): each bound given must be reached; a ticket without a profile matches none. */
  profile?: SlaProfileConditions;
}

export interface SlaProfileConditions {
  /** At least this many orders (Shopify orders of the profile, not cancelled). */
  minOrders?: number;
  /** At least this much spent over those orders, in the shop's currency. */
  minLifetimeValue?: number;
  /** A churn risk (predictive analytics) of at least this many percent. */
  minChurnRiskPercent?: number;
}

/** What policies match on of the customer's profile; null when the ticket has none. */
export interface SlaProfileFacts {
  orders: number;
  lifetimeValue: number;
  /** Null until the account's predictions have scored the profile. */
  churnRiskPercent: number | null;
}

export const MAX_SLA_PROFILE_BOUND = 1e12;

export const SLA_ESCALATION_TYPES = ['notify', 'raise_priority', 'reassign', 'add_tag'] as const;
export type SlaEscalationType = (typeof SLA_ESCALATION_TYPES)[number];
export const SLA_NOTIFY_CHANNELS = ['in_app', 'email'] as const;
export type SlaNotifyChannel = (typeof SLA_NOTIFY_CHANNELS)[number];

export type SlaEscalation =
  /** Alert the ticket's assignee (when `assignee` and there is one) and these users, on these channels. */
  | { type: 'notify'; assignee: boolean; userIds: string[]; channels: SlaNotifyChannel[] }
  /** Set the priority to `to` when the ticket's is lower (never lowers it). */
  | { type: 'raise_priority'; to: TicketPriority }
  | { type: 'reassign'; userId: string }
  | { type: 'add_tag'; tag: string };

/** A policy as stored, without its id and place in the list. */
export interface SlaPolicyDefinition {
  name: string;
  enabled: boolean;
  conditions: SlaConditions;
  targets: Partial<Record<SlaTargetKind, SlaTarget>>;
  /** Snoozed time does not count towards the targets. */
  pauseWhileSnoozed: boolean;
  /** The warning comes when this share (whole percent, 1–99) of a target has gone by. */
  warnAtPercent: number;
  onWarning: SlaEscalation[];
  onBreach: SlaEscalation[];
}

export interface SlaPolicy extends SlaPolicyDefinition {
  id: string;
}

/** What a client sends: the definition, with the optional parts optional. Checked by validateSlaPolicy. */
export interface SlaPolicyInput {
  name: string;
  enabled?: boolean;
  conditions?: SlaConditions;
  targets: Partial<Record<SlaTargetKind, SlaTarget>>;
  pauseWhileSnoozed?: boolean;
  warnAtPercent?: number;
  onWarning?: SlaEscalation[];
  onBreach?: SlaEscalation[];
}

export interface SlaPolicyProblem {
  /** Where the problem is, e.g. 'targets.first_response.minutes', 'onBreach[0].to'. */
  field: string;
  message: string;
}

/** The facts of a ticket that policies match on. */
export interface SlaTicketFacts {
  channel: Channel;
  priority: TicketPriority;
  tags: readonly string[];
  /** Needed only by policies with profile conditions; absent or null: the ticket has no profile (or it was not looked up). */
  profile?: SlaProfileFacts | null;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isId = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '' && value.length <= MAX_SLA_ID_LENGTH;
const isPriority = (value: unknown): value is TicketPriority => typeof value === 'string' && (TICKET_PRIORITIES as readonly string[]).includes(value);
const isIntegerIn = (value: unknown, min: number, max: number): value is number => Number.isInteger(value) && (value as number) >= min && (value as number) <= max;

/**
 * Every problem of a policy, each naming its field; [] when it can be stored. Defensive about types, so it
 * can take parsed JSON, although the API's DTOs check them first. Rules beyond the types:
 * - at least one target; minutes whole, 1–525,600; calendarId null or an id;
 * - a condition list given must not be empty (leave it out to match everything); tags 1–50 characters;
 * - warnAtPercent whole, 1–99;
 * - escalations: notify needs a recipient (assignee or userIds) and at least one channel; each list has at
 *   most one notify, one raise_priority and one reassign (a ticket cannot be reassigned to two users at
 *   once), and no tag added twice; a field of another type of escalation is refused.
 */
export function validateSlaPolicy(input: unknown): SlaPolicyProblem[] {
  const problems: SlaPolicyProblem[] = [];
  const problem = (field: string, message: string) => problems.push({ field, message });
  if (!isRecord(input)) return [{ field: 'body', message: 'a policy must be an object' }];

  if (typeof input.name !== 'string' || input.name.trim() === '') problem('name', 'name must not be empty');
  else if (input.name.trim().length > MAX_SLA_POLICY_NAME_LENGTH) problem('name', `name must be at most ${MAX_SLA_POLICY_NAME_LENGTH} characters`);
  if (input.enabled !== undefined && typeof input.enabled !== 'boolean') problem('enabled', 'enabled must be a boolean');
  if (input.pauseWhileSnoozed !== undefined && typeof input.pauseWhileSnoozed !== 'boolean') problem('pauseWhileSnoozed', 'pauseWhileSnoozed must be a boolean');
  if (input.warnAtPercent !== undefined && !isIntegerIn(input.warnAtPercent, 1, 99)) problem('warnAtPercent', 'warnAtPercent must be a whole number from 1 to 99');

  validateConditions(input.conditions, problem);
  validateTargets(input.targets, problem);
  for (const list of ['onWarning', 'onBreach'] as const) validateEscalations(input[list], list, problem);
  return problems;
}

type Report = (field: string, message: string) => void;

function validateConditions(conditions: unknown, problem: Report): void {
  if (conditions === undefined) return;
  if (!isRecord(conditions)) return problem('conditions', 'conditions must be an object');
  const list = (key: keyof SlaConditions, check: (value: unknown) => string | null, max: number) => {
    const values = conditions[key];
    if (values === undefined) return;
    const field = `conditions.${key}`;
    if (!Array.isArray(values)) return problem(field, `${field} must be an array`);
    if (values.length === 0) return problem(field, `${field} must not be empty; leave it out to match every ticket`);
    if (values.length > max) return problem(field, `${field} has at most ${max} entries`);
    values.forEach((value, index) => {
      const message = check(value);
      if (message) problem(`${field}[${index}]`, `${field}[${index}] ${message}`);
    });
  };
  list('channels', (value) => (isChannel(value) ? null : 'must be web_chat, email or sms'), 3);
  list('priorities', (value) => (isPriority(value) ? null : `must be one of ${TICKET_PRIORITIES.join(', ')}`), TICKET_PRIORITIES.length);
  const tag = (value: unknown) => (typeof value === 'string' && normalizeTag(value) !== null ? null : `must be a tag of 1 to ${MAX_TAG_LENGTH} characters`);
  list('tagsAll', tag, MAX_SLA_CONDITION_TAGS);
  list('tagsAny', tag, MAX_SLA_CONDITION_TAGS);
  validateProfileConditions(conditions.profile, problem);
}

const PROFILE_BOUNDS = ['minOrders', 'minLifetimeValue', 'minChurnRiskPercent'] as const;

function validateProfileConditions(profile: unknown, problem: Report): void {
  if (profile === undefined) return;
  const field = 'conditions.profile';
  if (!isRecord(profile)) return problem(field, `${field} must be an object`);
  const given = Object.entries(profile).filter(([, value]) => value !== undefined);
  if (given.length === 0) return problem(field, `${field} must set a bound (${PROFILE_BOUNDS.join(', ')}); leave it out to match every ticket`);
  for (const [key, value] of given) {
    const at = `${field}.${key}`;
    if (!(PROFILE_BOUNDS as readonly string[]).includes(key)) problem(at, `${key} is not a profile condition; they are ${PROFILE_BOUNDS.join(', ')}`);
    else if (key === 'minOrders' && !isIntegerIn(value, 1, 1_000_000)) problem(at, `${at} must be a whole number from 1`);
    else if (key === 'minChurnRiskPercent' && !(typeof value === 'number' && value > 0 && value <= 100)) problem(at, `${at} must be a number above 0 and at most 100`);
    else if (key === 'minLifetimeValue' && !(typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= MAX_SLA_PROFILE_BOUND)) problem(at, `${at} must be a positive amount`);
  }
}

function validateTargets(targets: unknown, problem: Report): void {
  if (!isRecord(targets)) return problem('targets', 'targets must be an object');
  let count = 0;
  for (const [kind, target] of Object.entries(targets)) {
    const field = `targets.${kind}`;
    if (!(SLA_TARGET_KINDS as readonly string[]).includes(kind)) {
      problem(field, `${kind} is not a target; targets are ${SLA_TARGET_KINDS.join(', ')}`);
      continue;
    }
    if (target === undefined) continue;
    count += 1;
    if (!isRecord(target)) {
      problem(field, `${field} must be an object`);
      continue;
    }
    if (!isIntegerIn(target.minutes, 1, MAX_SLA_TARGET_MINUTES)) problem(`${field}.minutes`, `${field}.minutes must be a whole number of minutes from 1 to ${MAX_SLA_TARGET_MINUTES}`);
    if (target.calendarId !== null && !isId(target.calendarId)) problem(`${field}.calendarId`, `${field}.calendarId must name a business-hours calendar, or be null for around the clock`);
  }
  if (count === 0) problem('targets', `a policy needs at least one target (${SLA_TARGET_KINDS.join(', ')})`);
}

const ESCALATION_FIELDS: Record<SlaEscalationType, readonly string[]> = {
  notify: ['type', 'assignee', 'userIds', 'channels'],
  raise_priority: ['type', 'to'],
  reassign: ['type', 'userId'],
  add_tag: ['type', 'tag'],
};

/** Escalations that may appear once per list; add_tag may appear once per tag. */
const SINGLE_ESCALATIONS = new Set<string>(['notify', 'raise_priority', 'reassign']);

function validateEscalations(escalations: unknown, list: 'onWarning' | 'onBreach', problem: Report): void {
  if (escalations === undefined) return;
  if (!Array.isArray(escalations)) return problem(list, `${list} must be an array`);
  if (escalations.length > MAX_SLA_ESCALATIONS) return problem(list, `${list} has at most ${MAX_SLA_ESCALATIONS} escalations`);
  const seen = new Set<string>();
  escalations.forEach((escalation: unknown, index) => {
    const at = `${list}[${index}]`;
    if (!isRecord(escalation)) return problem(at, `${at} must be an object`);
    const { type } = escalation;
    if (typeof type !== 'string' || !(SLA_ESCALATION_TYPES as readonly string[]).includes(type)) {
      return problem(`${at}.type`, `${at}.type must be one of ${SLA_ESCALATION_TYPES.join(', ')}`);
    }
    for (const field of Object.keys(escalation)) {
      if (escalation[field] !== undefined && !ESCALATION_FIELDS[type as SlaEscalationType].includes(field)) problem(`${at}.${field}`, `${at}.${field} is not a field of a ${type} escalation`);
    }
    let key = type;
    switch (type) {
      case 'notify': {
        const { assignee, userIds, channels } = escalation;
        if (typeof assignee !== 'boolean') problem(`${at}.assignee`, `${at}.assignee must be a boolean`);
        if (!Array.isArray(userIds)) problem(`${at}.userIds`, `${at}.userIds must be an array (it may be empty)`);
        else if (userIds.length > MAX_SLA_NOTIFY_USERS) problem(`${at}.userIds`, `${at}.userIds has at most ${MAX_SLA_NOTIFY_USERS} users`);
        else {
          const invalid = userIds.findIndex((userId) => !isId(userId));
          if (invalid >= 0) problem(`${at}.userIds[${invalid}]`, `${at}.userIds[${invalid}] must name a user`);
          else if (new Set(userIds).size !== userIds.length) problem(`${at}.userIds`, `${at}.userIds names a user twice`);
          else if (assignee === false && userIds.length === 0) problem(`${at}.userIds`, `${at} notifies nobody: set assignee or name users`);
        }
        if (!Array.isArray(channels) || channels.length === 0) problem(`${at}.channels`, `${at}.channels must list in_app, email or both`);
        else {
          const invalid = channels.findIndex((channel) => !(SLA_NOTIFY_CHANNELS as readonly unknown[]).includes(channel));
          if (invalid >= 0) problem(`${at}.channels[${invalid}]`, `${at}.channels[${invalid}] must be in_app or email`);
          else if (new Set(channels).size !== channels.length) problem(`${at}.channels`, `${at}.channels names a channel twice`);
        }
        break;
      }
      case 'raise_priority':
        if (!isPriority(escalation.to)) problem(`${at}.to`, `${at}.to must be one of ${TICKET_PRIORITIES.join(', ')}`);
        break;
      case 'reassign':
        if (!isId(escalation.userId)) problem(`${at}.userId`, `${at}.userId must name a user`);
        break;
      case 'add_tag': {
        const tag = typeof escalation.tag === 'string' ? normalizeTag(escalation.tag) : null;
        if (tag === null) problem(`${at}.tag`, `${at}.tag must be a tag of 1 to ${MAX_TAG_LENGTH} characters`);
        else key = `add_tag:${tag}`;
        break;
      }
    }
    if (seen.has(key)) {
      const what = SINGLE_ESCALATIONS.has(type) ? `a second ${type}; ${list} has at most one` : `the same tag twice`;
      problem(type === 'add_tag' ? `${at}.tag` : `${at}.type`, `${at} is ${what}`);
    }
    seen.add(key);
  });
}

const unique = <T>(values: readonly T[]): T[] => [...new Set(values)];
const tags = (values: readonly string[]): string[] => unique(values.map((tag) => normalizeTag(tag)).filter((tag): tag is string => tag !== null));

/**
 * The stored form of a valid input (validateSlaPolicy returned []): the name trimmed, defaults filled in,
 * tags normalised like ticket tags, lists without repeats, only known keys, targets in a fixed order.
 */
export function normalizeSlaPolicy(input: SlaPolicyInput): SlaPolicyDefinition {
  const conditions: SlaConditions = {};
  const given = input.conditions ?? {};
  if (given.channels !== undefined) conditions.channels = unique(given.channels);
  if (given.priorities !== undefined) conditions.priorities = unique(given.priorities);
  if (given.tagsAll !== undefined) conditions.tagsAll = tags(given.tagsAll);
  if (given.tagsAny !== undefined) conditions.tagsAny = tags(given.tagsAny);
  if (given.profile !== undefined) {
    const profile: SlaProfileConditions = {};
    for (const key of PROFILE_BOUNDS) if (given.profile[key] !== undefined) profile[key] = given.profile[key];
    conditions.profile = profile;
  }
  const targets: Partial<Record<SlaTargetKind, SlaTarget>> = {};
  for (const kind of SLA_TARGET_KINDS) {
    const target = input.targets[kind];
    if (target) targets[kind] = { minutes: target.minutes, calendarId: target.calendarId };
  }
  return {
    name: input.name.trim(),
    enabled: input.enabled ?? true,
    conditions,
    targets,
    pauseWhileSnoozed: input.pauseWhileSnoozed ?? false,
    warnAtPercent: input.warnAtPercent ?? DEFAULT_WARN_AT_PERCENT,
    onWarning: (input.onWarning ?? []).map(normalizeEscalation),
    onBreach: (input.onBreach ?? []).map(normalizeEscalation),
  };
}

function normalizeEscalation(escalation: SlaEscalation): SlaEscalation {
  switch (escalation.type) {
    case 'notify':
      return { type: 'notify', assignee: escalation.assignee, userIds: [...escalation.userIds], channels: [...escalation.channels] };
    case 'raise_priority':
      return { type: 'raise_priority', to: escalation.to };
    case 'reassign':
      return { type: 'reassign', userId: escalation.userId };
    case 'add_tag':
      return { type: 'add_tag', tag: normalizeTag(escalation.tag)! };
  }
}

/** The ids a policy refers to, with the field each sits in, for the caller to check against the account. */
export function slaPolicyReferences(policy: Pick<SlaPolicyDefinition, 'targets' | 'onWarning' | 'onBreach'>): {
  calendars: { field: string; calendarId: string }[];
  users: { field: string; userId: string }[];
} {
  const calendars: { field: string; calendarId: string }[] = [];
  for (const kind of SLA_TARGET_KINDS) {
    const calendarId = policy.targets[kind]?.calendarId;
    if (calendarId) calendars.push({ field: `targets.${kind}.calendarId`, calendarId });
  }
  const users: { field: string; userId: string }[] = [];
  for (const list of ['onWarning', 'onBreach'] as const) {
    policy[list].forEach((escalation, index) => {
      if (escalation.type === 'notify') escalation.userIds.forEach((userId, at) => users.push({ field: `${list}[${index}].userIds[${at}]`, userId }));
      if (escalation.type === 'reassign') users.push({ field: `${list}[${index}].userId`, userId: escalation.userId });
    });
  }
  return { calendars, users };
}

/** Why the conditions do not hold for the ticket, one reason per failing condition; [] when they match. */
export function slaConditionMismatches(conditions: SlaConditions, ticket: SlaTicketFacts): string[] {
  const reasons: string[] = [];
  const ticketTags = new Set(tags(ticket.tags));
  if (conditions.channels && !conditions.channels.includes(ticket.channel)) reasons.push(`channel ${ticket.channel} is not among ${conditions.channels.join(', ')}`);
  if (conditions.priorities && !conditions.priorities.includes(ticket.priority)) reasons.push(`priority ${ticket.priority} is not among ${conditions.priorities.join(', ')}`);
  if (conditions.tagsAll) {
    const missing = tags(conditions.tagsAll).filter((tag) => !ticketTags.has(tag));
    if (missing.length > 0) reasons.push(`the ticket lacks the tag${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  }
  if (conditions.tagsAny && !tags(conditions.tagsAny).some((tag) => ticketTags.has(tag))) reasons.push(`the ticket has none of the tags ${tags(conditions.tagsAny).join(', ')}`);
  if (conditions.profile) reasons.push(...profileMismatches(conditions.profile, ticket.profile ?? null));
  return reasons;
}

function profileMismatches(bounds: SlaProfileConditions, profile: SlaProfileFacts | null): string[] {
  if (!profile) return ['the ticket has no customer profile'];
  const reasons: string[] = [];
  if (bounds.minOrders !== undefined && profile.orders < bounds.minOrders) reasons.push(`the customer has ${profile.orders} orders, fewer than ${bounds.minOrders}`);
  if (bounds.minLifetimeValue !== undefined && profile.lifetimeValue < bounds.minLifetimeValue) reasons.push(`the customer spent ${profile.lifetimeValue}, less than ${bounds.minLifetimeValue}`);
  if (bounds.minChurnRiskPercent !== undefined) {
    if (profile.churnRiskPercent === null) reasons.push('the customer has no churn risk score yet');
    else if (profile.churnRiskPercent < bounds.minChurnRiskPercent) reasons.push(`the customer's churn risk is ${profile.churnRiskPercent} %, below ${bounds.minChurnRiskPercent} %`);
  }
  return reasons;
}

/** Whether any enabled policy matches on the profile: only then must the clock's timing look it up. */
export function slaPoliciesUseProfile(policies: readonly SlaPolicy[]): boolean {
  return policies.some((policy) => policy.enabled && policy.conditions.profile !== undefined);
}

export interface SlaPolicyVerdict {
  policyId: string;
  name: string;
  /** This policy applies. */
  matched: boolean;
  /** Why it does not: 'disabled', or the conditions that fail; [] for the one that matched. */
  reasons: string[];
}

/**
 * Which policy applies to the ticket and why the ones before it do not: a verdict for each policy up to the
 * one that matches (or all of them when none does), in order.
 */
export function explainSlaPolicySelection<P extends SlaPolicy>(policiesInOrder: readonly P[], ticket: SlaTicketFacts): { policy: P | null; verdicts: SlaPolicyVerdict[] } {
  const verdicts: SlaPolicyVerdict[] = [];
  for (const policy of policiesInOrder) {
    const reasons = policy.enabled ? slaConditionMismatches(policy.conditions, ticket) : ['disabled'];
    verdicts.push({ policyId: policy.id, name: policy.name, matched: reasons.length === 0, reasons });
    if (reasons.length === 0) return { policy, verdicts };
  }
  return { policy: null, verdicts };
}

/** The first enabled policy whose conditions all hold for the ticket, or null. */
export function selectSlaPolicy<P extends SlaPolicy>(policiesInOrder: readonly P[], ticket: SlaTicketFacts): P | null {
  return policiesInOrder.find((policy) => policy.enabled && slaConditionMismatches(policy.conditions, ticket).length === 0) ?? null;
}

/** The target's length in milliseconds (of calendar time when it has a calendar, else of clock time). */
export function targetMs(target: Pick<SlaTarget, 'minutes'>): number {
  return target.minutes * 60_000;
}

/**
 * How far into a target the warning comes: warnAtPercent of it, rounded down to the whole second (a 1-minute
 * target warned at 99 % warns after 59 s, not 59.4 s). Like the target, counted in its calendar when it has one.
 */
export function warnAfterMs(target: Pick<SlaTarget, 'minutes'>, warnAtPercent: number): number {
  return Math.floor((target.minutes * 60 * warnAtPercent) / 100) * 1000;
}
