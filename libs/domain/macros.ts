/**
 * Macros (docs/macros.md): a saved reply with variables and a list of actions, applied to a ticket as one
 * agent action (`apply_macro`, libs/domain/ticket.ts): all of its steps, or none. Pure: the API stores
 * macros, fills in the variables from the projections and hands the steps to the ticket's workflow.
 */

import type { Role } from './access.js';
import { MAX_MACRO_STEPS, MAX_REPLY_LENGTH, MAX_TAG_LENGTH, MAX_TAGS, normalizeTag, TICKET_PRIORITIES, type MacroStep, type TicketPriority } from './ticket.js';

export const MAX_MACRO_NAME_LENGTH = 100;
/** A snooze in a macro lasts at most a year from the moment it is applied. */
export const MAX_MACRO_SNOOZE_MINUTES = 365 * 24 * 60;
export const MAX_MACRO_ASSIGNEE_ID_LENGTH = 100;
/** An assign action with this assignee gives the ticket to the agent who applies the macro. */
export const ASSIGN_TO_APPLYING_AGENT = 'me';

/** The variables a macro's reply may use, as `{{customer.first_name}}` (spaces inside the braces allowed). */
export const MACRO_VARIABLES = [
  { name: 'customer.name', description: 'The customer\'s name as the ticket knows it (empty when unknown)' },
  { name: 'customer.first_name', description: 'The first word of the customer\'s name (empty when unknown)' },
  { name: 'customer.email', description: 'The customer\'s email address (empty when unknown)' },
  { name: 'customer.phone', description: 'The customer\'s phone number (empty when unknown)' },
  { name: 'ticket.id', description: 'The ticket\'s id' },
  { name: 'ticket.subject', description: 'The ticket\'s subject (empty when it has none)' },
  { name: 'agent.name', description: 'The name of the agent who applies the macro' },
  { name: 'agent.first_name', description: 'The first word of that agent\'s name' },
  { name: 'agent.email', description: 'That agent\'s email address' },
  { name: 'account.name', description: 'The account\'s (brand\'s) name' },
] as const;

export type MacroVariable = (typeof MACRO_VARIABLES)[number]['name'];
const VARIABLE_NAMES: readonly string[] = MACRO_VARIABLES.map((variable) => variable.name);

/** The value of each variable for one ticket and agent; a missing or null value renders as empty text. */
export type MacroValues = Partial<Record<MacroVariable, string | null>>;

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Variables are written in lower case; `{{ Customer.Name }}` is the same variable. */
const canonicalVariable = (name: string) => name.trim().toLowerCase();

/** The first word of a name, or empty text when there is no name. */
export function firstNameOf(name: string | null | undefined): string {
  return name?.trim().split(/\s+/)[0] ?? '';
}

/** The placeholders of a template that name no known variable, as written (`{{customer.nmae}}`), each once. */
export function unknownMacroVariables(template: string): string[] {
  const unknown = [...template.matchAll(PLACEHOLDER)].filter((match) => !VARIABLE_NAMES.includes(canonicalVariable(match[1] ?? ''))).map((match) => match[0]);
  return [...new Set(unknown)];
}

/**
 * Fills in the variables in one pass (a value containing `{{ticket.id}}` is not expanded again). Plain text,
 * so nothing is escaped. An unknown placeholder, which saving refuses, is left as written.
 */
export function renderMacroReply(template: string, values: MacroValues): string {
  return template.replace(PLACEHOLDER, (whole: string, name: string) => {
    const variable = canonicalVariable(name);
    if (!VARIABLE_NAMES.includes(variable)) return whole;
    return values[variable as MacroVariable] ?? '';
  });
}

/** What the variables are computed from: the ticket's projection, the applying agent, the account. */
export interface MacroFacts {
  customer: { name: string | null; email: string | null; phone: string | null };
  ticket: { id: string; subject: string | null };
  agent: { name: string; email: string | null };
  account: { name: string };
}

export function macroValues(facts: MacroFacts): Required<MacroValues> {
  return {
    'customer.name': facts.customer.name?.trim() ?? '',
    'customer.first_name': firstNameOf(facts.customer.name),
    'customer.email': facts.customer.email ?? '',
    'customer.phone': facts.customer.phone ?? '',
    'ticket.id': facts.ticket.id,
    'ticket.subject': facts.ticket.subject ?? '',
    'agent.name': facts.agent.name,
    'agent.first_name': firstNameOf(facts.agent.name),
    'agent.email': facts.agent.email ?? '',
    'account.name': facts.account.name,
  };
}

/** What a stored macro does besides replying. A snooze is a duration: a stored macro cannot hold an absolute time. */
export type MacroAction =
  | { type: 'tag'; add: string[]; remove: string[] }
  /** `assigneeId` is a user of the account, or "me": the agent who applies the macro. */
  | { type: 'assign'; assigneeId: string }
  | { type: 'unassign' }
  | { type: 'set_priority'; priority: TicketPriority }
  /** Snoozes for this many minutes from the moment the macro is applied. */
  | { type: 'snooze'; for: number }
  | { type: 'close' };

export type MacroActionType = MacroAction['type'];
export const MACRO_ACTION_TYPES: readonly MacroActionType[] = ['tag', 'assign', 'unassign', 'set_priority', 'snooze', 'close'];

/** The fields each action takes besides `type`; any other is refused, so a typo is not silently dropped. */
const ACTION_FIELDS: Record<MacroActionType, readonly string[]> = {
  tag: ['add', 'remove'],
  assign: ['assigneeId'],
  unassign: [],
  set_priority: ['priority'],
  snooze: ['for'],
  close: [],
};

/** Pairs of actions that undo each other: a macro has at most one of each pair. */
const EXCLUSIVE_ACTIONS: readonly [MacroActionType, MacroActionType, string][] = [
  ['assign', 'unassign', 'a macro either assigns or unassigns the ticket'],
  ['snooze', 'close', 'a macro either snoozes or closes the ticket'],
];

/** A macro as a client sends it (unchecked: every field may be of any type). */
export interface MacroInput {
  name?: unknown;
  shared?: unknown;
  reply?: unknown;
  actions?: unknown;
}

/** A macro as stored, once validateMacro found no problem. */
export interface MacroDefinition {
  name: string;
  shared: boolean;
  /** The reply template; null for a macro that only acts. */
  reply: string | null;
  actions: MacroAction[];
}

export interface MacroProblem {
  field: string;
  message: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** A reply left out, null or blank is no reply. */
function replyOfInput(reply: unknown): string | null {
  return typeof reply === 'string' && reply.trim() !== '' ? reply : null;
}

/** Every problem of the macro, each naming its field (`name`, `reply`, `actions[2].add`, `actions[0].until`); [] when it may be saved. */
export function validateMacro(input: MacroInput): MacroProblem[] {
  const problems: MacroProblem[] = [];
  const problem = (field: string, message: string) => problems.push({ field, message: `${field} ${message}` });

  if (typeof input.name !== 'string') problem('name', 'must be a string');
  else if (input.name.trim().length === 0) problem('name', 'must not be empty');
  else if (input.name.trim().length > MAX_MACRO_NAME_LENGTH) problem('name', `must be at most ${MAX_MACRO_NAME_LENGTH} characters`);

  if (input.shared !== undefined && typeof input.shared !== 'boolean') problem('shared', 'must be true or false');

  if (input.reply !== undefined && input.reply !== null && typeof input.reply !== 'string') problem('reply', 'must be a string or null');
  const reply = replyOfInput(input.reply);
  if (reply !== null) {
    if (reply.length > MAX_REPLY_LENGTH) problem('reply', `must be at most ${MAX_REPLY_LENGTH} characters`);
    for (const placeholder of unknownMacroVariables(reply)) {
      problem('reply', `uses the unknown variable ${placeholder}; the variables are ${VARIABLE_NAMES.map((name) => `{{${name}}}`).join(', ')}`);
    }
  }

  if (input.actions !== undefined && !Array.isArray(input.actions)) {
    problem('actions', 'must be a list');
    return problems;
  }
  const actions: unknown[] = input.actions ?? [];
  const stepCount = actions.length + (reply === null ? 0 : 1);
  if (stepCount === 0) problem('actions', 'must not be empty when the macro has no reply: a macro replies, acts, or both');
  if (stepCount > MAX_MACRO_STEPS) {
    problem('actions', `must make at most ${MAX_MACRO_STEPS} steps with the reply (a macro applies at most ${MAX_MACRO_STEPS})`);
    return problems;
  }

  const seen = new Set<MacroActionType>();
  for (const [index, action] of actions.entries()) {
    const at = `actions[${index}]`;
    if (!isRecord(action)) {
      problem(at, 'must be an object');
      continue;
    }
    const type = action.type;
    if (typeof type !== 'string' || !(MACRO_ACTION_TYPES as readonly string[]).includes(type)) {
      problem(`${at}.type`, `must be one of ${MACRO_ACTION_TYPES.join(', ')}`);
      continue;
    }
    const actionType = type as MacroActionType;
    for (const key of Object.keys(action)) {
      if (key === 'type' || ACTION_FIELDS[actionType].includes(key) || action[key] === undefined) continue;
      if (actionType === 'snooze' && key === 'until') problem(`${at}.until`, 'is not allowed: a stored macro cannot hold an absolute time; give for, the minutes to snooze from the moment the macro is applied');
      else problem(`${at}.${key}`, `is not a field of a ${actionType} action${ACTION_FIELDS[actionType].length ? ` (it takes ${ACTION_FIELDS[actionType].join(', ')})` : ''}`);
    }
    if (actionType !== 'tag') {
      if (seen.has(actionType)) problem(`${at}.type`, `repeats ${actionType}: a macro has at most one ${actionType} action (only tag may repeat)`);
      const exclusive = EXCLUSIVE_ACTIONS.find(([first, second]) => (actionType === first && seen.has(second)) || (actionType === second && seen.has(first)));
      if (exclusive) problem(`${at}.type`, `conflicts with an earlier action: ${exclusive[2]}`);
      seen.add(actionType);
    }
    switch (actionType) {
      case 'tag':
        validateTagAction(action, at, problem);
        break;
      case 'assign':
        if (typeof action.assigneeId !== 'string' || action.assigneeId.trim() === '') problem(`${at}.assigneeId`, `must name a user of the account, or "${ASSIGN_TO_APPLYING_AGENT}"`);
        else if (action.assigneeId.length > MAX_MACRO_ASSIGNEE_ID_LENGTH) problem(`${at}.assigneeId`, `must be at most ${MAX_MACRO_ASSIGNEE_ID_LENGTH} characters`);
        break;
      case 'set_priority':
        if (typeof action.priority !== 'string' || !(TICKET_PRIORITIES as readonly string[]).includes(action.priority)) {
          problem(`${at}.priority`, `must be one of ${TICKET_PRIORITIES.join(', ')}`);
        }
        break;
      case 'snooze':
        if (action.until !== undefined) break; // refused above, with the reason
        if (typeof action.for !== 'number' || !Number.isInteger(action.for) || action.for < 1 || action.for > MAX_MACRO_SNOOZE_MINUTES) {
          problem(`${at}.for`, `must be a whole number of minutes from 1 to ${MAX_MACRO_SNOOZE_MINUTES} (a year)`);
        }
        break;
      case 'unassign':
      case 'close':
        break;
    }
  }
  return problems;
}

function validateTagAction(action: Record<string, unknown>, at: string, problem: (field: string, message: string) => void): void {
  let count = 0;
  for (const list of ['add', 'remove'] as const) {
    const tags = action[list];
    if (tags === undefined) continue;
    if (!Array.isArray(tags) || tags.length > MAX_TAGS) {
      problem(`${at}.${list}`, `must be a list of at most ${MAX_TAGS} tags`);
      continue;
    }
    for (const [index, tag] of tags.entries()) {
      if (typeof tag !== 'string' || normalizeTag(tag) === null) problem(`${at}.${list}[${index}]`, `must be a tag of 1 to ${MAX_TAG_LENGTH} characters`);
    }
    count += tags.length;
  }
  if (count === 0) problem(`${at}.add`, 'must name a tag to add, or remove one: a tag action without tags does nothing');
}

/** The stored form of a valid macro: name trimmed, tags normalised, a blank reply none. */
export function normalizeMacro(input: MacroInput): MacroDefinition {
  const actions = (input.actions ?? []) as Record<string, unknown>[];
  const tags = (list: unknown) => [...new Set(((list ?? []) as string[]).map((tag) => normalizeTag(tag)!))];
  return {
    name: (input.name as string).trim(),
    shared: input.shared === true,
    reply: replyOfInput(input.reply),
    actions: actions.map((action): MacroAction => {
      const type = action.type as MacroActionType;
      switch (type) {
        case 'tag':
          return { type, add: tags(action.add), remove: tags(action.remove) };
        case 'assign':
          return { type, assigneeId: (action.assigneeId as string).trim() };
        case 'set_priority':
          return { type, priority: action.priority as TicketPriority };
        case 'snooze':
          return { type, for: action.for as number };
        case 'unassign':
        case 'close':
          return { type };
      }
    }),
  };
}

/** A step as the API hands it to the ticket: a reply gets its message id from the action id there. */
export type MacroPlanStep = Exclude<MacroStep, { type: 'reply' }> | { type: 'reply'; body: string };

/**
 * The steps of one application, in the order the ticket applies them: tags, assignment and priority as saved,
 * then the reply, then the snooze or close (a reply goes out before the ticket is put away, so a web chat
 * conversation is still open for it).
 */
export function macroSteps(definition: MacroDefinition, context: { renderedReply: string | null; agentUserId: string; now: Date }): MacroPlanStep[] {
  const toStep = (action: MacroAction): MacroPlanStep => {
    switch (action.type) {
      case 'assign':
        return { type: 'assign', assigneeId: action.assigneeId === ASSIGN_TO_APPLYING_AGENT ? context.agentUserId : action.assigneeId };
      case 'snooze':
        return { type: 'snooze', until: new Date(context.now.getTime() + action.for * 60_000).toISOString() };
      default:
        return action;
    }
  };
  const putsAway = (action: MacroAction) => action.type === 'snooze' || action.type === 'close';
  return [
    ...definition.actions.filter((action) => !putsAway(action)).map(toStep),
    ...(definition.reply !== null && context.renderedReply !== null ? [{ type: 'reply' as const, body: context.renderedReply }] : []),
    ...definition.actions.filter(putsAway).map(toStep),
  ];
}

/** Who may create, change and delete shared macros; a personal macro is only ever its owner's. */
export const SHARED_MACRO_EDITOR_ROLES: readonly Role[] = ['owner', 'admin', 'manager'];

export function canEditSharedMacros(role: Role): boolean {
  return SHARED_MACRO_EDITOR_ROLES.includes(role);
}
