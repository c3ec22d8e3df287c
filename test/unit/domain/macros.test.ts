import { describe, expect, it } from '@jest/globals';
import {
  canEditSharedMacros,
  firstNameOf,
  MACRO_VARIABLES,
  macroSteps,
  macroValues,
  MAX_MACRO_SNOOZE_MINUTES,
  normalizeMacro,
  renderMacroReply,
  unknownMacroVariables,
  validateMacro,
  type MacroInput,
} from '../../../libs/domain/macros.js';
import { applyAgentAction, MAX_MACRO_STEPS, MAX_REPLY_LENGTH, newTicketState, validateAgentAction, type MacroStep } from '../../../libs/domain/ticket.js';

const facts = {
  customer: { name: 'Ada Lovelace', email: 'ada@example.com', phone: '+15551234567' },
  ticket: { id: 'tkt-1', subject: 'Where is my order?' },
  agent: { name: 'Grace Hopper', email: 'grace@brand.test' },
  account: { name: 'Acme' },
};

const fieldsOf = (input: MacroInput) => validateMacro(input).map((problem) => problem.field);

describe('macro variables', () => {
  it('fills in every variable, with or without spaces inside the braces', () => {
    const template = MACRO_VARIABLES.map((variable) => `${variable.name}=[{{ ${variable.name} }}]`).join(' ');
    expect(renderMacroReply(template, macroValues(facts))).toBe(
      'customer.name=[Ada Lovelace] customer.first_name=[Ada] customer.email=[ada@example.com] customer.phone=[+15551234567] ' +
        'ticket.id=[tkt-1] ticket.subject=[Where is my order?] agent.name=[Grace Hopper] agent.first_name=[Grace] agent.email=[grace@brand.test] account.name=[Acme]',
    );
    expect(renderMacroReply('Hi {{customer.first_name}}, {{agent.name}} here', macroValues(facts))).toBe('Hi Ada, Grace Hopper here');
  });

  it('renders a value that is not known as empty text, and the first name of no name as empty', () => {
    const values = macroValues({ ...facts, customer: { name: null, email: null, phone: null }, ticket: { id: 't', subject: null } });
    expect(renderMacroReply('Hi {{customer.first_name}}!{{customer.name}}|{{customer.email}}|{{customer.phone}}|{{ticket.subject}}', values)).toBe('Hi !|||');
    expect(renderMacroReply('{{customer.name}}', {})).toBe('');
    expect(firstNameOf('  Ada   Lovelace ')).toBe('Ada');
    expect(firstNameOf('')).toBe('');
    expect(firstNameOf(null)).toBe('');
  });

  it('does not expand a value again and does not escape it (replies are plain text)', () => {
    const values = macroValues({ ...facts, customer: { ...facts.customer, name: '{{ticket.id}} <b>&' } });
    expect(renderMacroReply('{{customer.name}}', values)).toBe('{{ticket.id}} <b>&');
  });

  it('leaves an unknown placeholder as written and names it', () => {
    expect(renderMacroReply('Hi {{customer.nmae}}', macroValues(facts))).toBe('Hi {{customer.nmae}}');
    expect(unknownMacroVariables('{{customer.nmae}} {{ customer.name }} {{customer.nmae}} {{order.id}}')).toEqual(['{{customer.nmae}}', '{{order.id}}']);
    expect(unknownMacroVariables('{{ Customer.First_Name }}')).toEqual([]);
  });
});

describe('validateMacro', () => {
  it('accepts a macro that replies and acts', () => {
    expect(
      validateMacro({
        name: 'Refund sent',
        shared: true,
        reply: 'Hi {{customer.first_name}}, your refund for {{ticket.subject}} is on its way.',
        actions: [{ type: 'tag', add: ['refund'] }, { type: 'assign', assigneeId: 'me' }, { type: 'set_priority', priority: 'low' }, { type: 'close' }],
      }),
    ).toEqual([]);
    expect(validateMacro({ name: 'Only acts', actions: [{ type: 'snooze', for: 60 }, { type: 'unassign' }] })).toEqual([]);
    expect(validateMacro({ name: 'Only replies', reply: 'Thanks!' })).toEqual([]);
  });

  it('refuses an unknown variable in the reply, naming it', () => {
    const problems = validateMacro({ name: 'Typo', reply: 'Hi {{customer.nmae}}' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ field: 'reply', message: expect.stringContaining('{{customer.nmae}}') });
    expect(problems[0]!.message).toContain('{{customer.first_name}}');
  });

  it('names the field of each problem', () => {
    expect(fieldsOf({ name: '', reply: 'x' })).toEqual(['name']);
    expect(fieldsOf({ name: 'x'.repeat(101), reply: 'x' })).toEqual(['name']);
    expect(fieldsOf({ name: 42, reply: 'x' })).toEqual(['name']);
    expect(fieldsOf({ name: 'ok', reply: 'x'.repeat(MAX_REPLY_LENGTH + 1) })).toEqual(['reply']);
    expect(fieldsOf({ name: 'ok', reply: 7 })).toContain('reply');
    expect(fieldsOf({ name: 'ok', shared: 'yes', reply: 'x' })).toEqual(['shared']);
    expect(fieldsOf({ name: 'ok' })).toEqual(['actions']);
    expect(fieldsOf({ name: 'ok', reply: '   ', actions: [] })).toEqual(['actions']);
    expect(fieldsOf({ name: 'ok', actions: {} })).toEqual(['actions']);
    expect(fieldsOf({ name: 'ok', actions: [{ type: 'tag', add: ['fine'] }, { type: 'close' }, { type: 'tag', add: ['x'.repeat(51)] }] })).toEqual(['actions[2].add[0]']);
    expect(fieldsOf({ name: 'ok', actions: [{ type: 'tag', tag: 'vip' }] })).toEqual(['actions[0].tag', 'actions[0].add']);
    expect(fieldsOf({ name: 'ok', actions: [{ type: 'tag', add: [], remove: [] }] })).toEqual(['actions[0].add']);
    expect(fieldsOf({ name: 'ok', actions: [{ type: 'tag', add: 'vip' }] })).toEqual(['actions[0].add', 'actions[0].add']);
    expect(fieldsOf({ name: 'ok', actions: [{ type: 'launch' }] })).toEqual(['actions[0].type']);
    expect(fieldsOf({ name: 'ok', actions: ['close'] })).toEqual(['actions[0]']);
    expect(fieldsOf({ name: 'ok', actions: [{ type: 'assign' }] })).toEqual(['actions[0].assigneeId']);
    expect(fieldsOf({ name: 'ok', actions: [{ type: 'set_priority', priority: 'asap' }] })).toEqual(['actions[0].priority']);
    expect(fieldsOf({ name: 'ok', actions: [{ type: 'close', priority: 'low' }] })).toEqual(['actions[0].priority']);
  });

  it('refuses a snooze until a fixed time: a stored macro snoozes for minutes from the moment it is applied', () => {
    const [problem] = validateMacro({ name: 'Later', actions: [{ type: 'snooze', until: '2030-01-01T00:00:00Z' }] });
    expect(problem).toMatchObject({ field: 'actions[0].until', message: expect.stringContaining('absolute time') });
    for (const minutes of [0, -5, 1.5, '60', MAX_MACRO_SNOOZE_MINUTES + 1]) {
      expect(fieldsOf({ name: 'Later', actions: [{ type: 'snooze', for: minutes }] })).toEqual(['actions[0].for']);
    }
    expect(fieldsOf({ name: 'Later', actions: [{ type: 'snooze', for: MAX_MACRO_SNOOZE_MINUTES }] })).toEqual([]);
  });

  it('allows at most one action of each type but tag, and no actions that undo each other', () => {
    expect(fieldsOf({ name: 'ok', actions: [{ type: 'tag', add: ['a'] }, { type: 'tag', remove: ['b'] }] })).toEqual([]);
    expect(fieldsOf({ name: 'ok', actions: [{ type: 'close' }, { type: 'close' }] })).toEqual(['actions[1].type']);
    expect(fieldsOf({ name: 'ok', actions: [{ type: 'assign', assigneeId: 'me' }, { type: 'unassign' }] })).toEqual(['actions[1].type']);
    expect(fieldsOf({ name: 'ok', actions: [{ type: 'close' }, { type: 'snooze', for: 5 }] })).toEqual(['actions[1].type']);
  });

  it('limits the steps to MAX_MACRO_STEPS, the reply counting as one', () => {
    const tags = Array.from({ length: MAX_MACRO_STEPS }, (_, index) => ({ type: 'tag', add: [`t${index}`] }));
    expect(fieldsOf({ name: 'ok', actions: tags })).toEqual([]);
    expect(fieldsOf({ name: 'ok', reply: 'Hi', actions: tags })).toEqual(['actions']);
  });
});

describe('normalizeMacro and macroSteps', () => {
  const now = new Date('2030-05-01T10:00:00.000Z');

  it('stores the name trimmed, tags normalised and a blank reply as none', () => {
    expect(normalizeMacro({ name: '  Refund  ', reply: '  ', actions: [{ type: 'tag', add: [' VIP ', 'vip'], remove: undefined }] })).toEqual({
      name: 'Refund',
      shared: false,
      reply: null,
      actions: [{ type: 'tag', add: ['vip'], remove: [] }],
    });
  });

  it('orders the steps: actions as saved, then the reply, then the snooze or close; "me" is the applying agent, a snooze counts from now', () => {
    const definition = normalizeMacro({
      name: 'Done',
      reply: 'Hi {{customer.first_name}}',
      actions: [{ type: 'close' }, { type: 'tag', add: ['done'] }, { type: 'assign', assigneeId: 'me' }],
    });
    expect(macroSteps(definition, { renderedReply: 'Hi Ada', agentUserId: 'user-7', now })).toEqual([
      { type: 'tag', add: ['done'], remove: [] },
      { type: 'assign', assigneeId: 'user-7' },
      { type: 'reply', body: 'Hi Ada' },
      { type: 'close' },
    ]);
    const snoozing = normalizeMacro({ name: 'Later', actions: [{ type: 'snooze', for: 90 }, { type: 'set_priority', priority: 'high' }] });
    expect(macroSteps(snoozing, { renderedReply: null, agentUserId: 'user-7', now })).toEqual([
      { type: 'set_priority', priority: 'high' },
      { type: 'snooze', until: '2030-05-01T11:30:00.000Z' },
    ]);
  });

  it('gives steps the ticket applies together, or refuses as a whole on a closed web chat', () => {
    const definition = normalizeMacro({ name: 'Done', reply: 'Thanks', actions: [{ type: 'tag', add: ['done'] }, { type: 'close' }] });
    const steps = macroSteps(definition, { renderedReply: 'Thanks', agentUserId: 'u', now }).map((step): MacroStep => (step.type === 'reply' ? { ...step, messageId: 'm-1' } : step));
    const action = { type: 'apply_macro' as const, macroId: 'macro-1', macroName: 'Done', steps };
    const open = newTicketState({ ticketId: 't', accountId: 'a', channel: 'email', createdAt: now.toISOString() });
    expect(validateAgentAction(open, action, now.toISOString())).toBeNull();
    expect(applyAgentAction(open, action, 'u', now.toISOString()).events.map((event) => event.type)).toEqual(['macro_applied', 'tags_changed', 'replied', 'closed']);
    const closedChat = { ...newTicketState({ ticketId: 't', accountId: 'a', channel: 'web_chat', createdAt: now.toISOString() }), status: 'closed' as const };
    expect(validateAgentAction(closedChat, action, now.toISOString())).toBe('step 2 (reply): this web chat conversation is closed');
  });
});

describe('canEditSharedMacros', () => {
  it('lets owners, admins and managers change shared macros, not support agents', () => {
    expect(['owner', 'admin', 'manager', 'support'].map((role) => canEditSharedMacros(role as 'owner'))).toEqual([true, true, true, false]);
  });
});
