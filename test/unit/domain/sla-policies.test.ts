import { describe, expect, it } from '@jest/globals';
import {
  DEFAULT_WARN_AT_PERCENT,
  MAX_SLA_TARGET_MINUTES,
  explainSlaPolicySelection,
  normalizeSlaPolicy,
  selectSlaPolicy,
  slaConditionMismatches,
  slaPolicyReferences,
  validateSlaPolicy,
  warnAfterMs,
  type SlaPolicy,
  type SlaPolicyInput,
  type SlaTicketFacts,
} from '../../../libs/domain/sla-policies.js';

const policy = (id: string, overrides: Partial<SlaPolicy> = {}): SlaPolicy => ({
  id,
  name: id,
  enabled: true,
  conditions: {},
  targets: { first_response: { minutes: 60, calendarId: null } },
  pauseWhileSnoozed: false,
  warnAtPercent: 80,
  onWarning: [],
  onBreach: [],
  ...overrides,
});

const ticket = (overrides: Partial<SlaTicketFacts> = {}): SlaTicketFacts => ({ channel: 'email', priority: 'normal', tags: [], ...overrides });

const valid: SlaPolicyInput = { name: 'Standard', targets: { first_response: { minutes: 60, calendarId: null } } };
const fields = (input: unknown) => validateSlaPolicy(input).map((problem) => problem.field);

describe('selectSlaPolicy: the first enabled policy whose conditions all hold', () => {
  it('lets the order decide between two policies that both match', () => {
    const [a, b] = [policy('a'), policy('b')];
    expect(selectSlaPolicy([a, b], ticket())?.id).toBe('a');
    expect(selectSlaPolicy([b, a], ticket())?.id).toBe('b');
  });

  it('skips a disabled policy, and answers null when nothing matches', () => {
    expect(selectSlaPolicy([policy('off', { enabled: false }), policy('on')], ticket())?.id).toBe('on');
    expect(selectSlaPolicy([policy('off', { enabled: false })], ticket())).toBeNull();
    expect(selectSlaPolicy([], ticket())).toBeNull();
  });

  it('matches every ticket with empty conditions', () => {
    for (const channel of ['email', 'sms', 'web_chat'] as const) expect(selectSlaPolicy([policy('any')], ticket({ channel, priority: 'low', tags: ['x'] }))?.id).toBe('any');
  });

  it('checks each condition on its own, and all of them together', () => {
    const sms = policy('sms', { conditions: { channels: ['sms', 'web_chat'] } });
    expect(selectSlaPolicy([sms], ticket({ channel: 'sms' }))?.id).toBe('sms');
    expect(selectSlaPolicy([sms], ticket({ channel: 'email' }))).toBeNull();

    const urgent = policy('urgent', { conditions: { priorities: ['high', 'urgent'] } });
    expect(selectSlaPolicy([urgent], ticket({ priority: 'urgent' }))?.id).toBe('urgent');
    expect(selectSlaPolicy([urgent], ticket({ priority: 'normal' }))).toBeNull();

    const all = policy('all', { conditions: { tagsAll: ['vip', 'billing'] } });
    expect(selectSlaPolicy([all], ticket({ tags: ['billing', 'vip', 'other'] }))?.id).toBe('all');
    expect(selectSlaPolicy([all], ticket({ tags: ['vip'] }))).toBeNull();

    const any = policy('any', { conditions: { tagsAny: ['vip', 'billing'] } });
    expect(selectSlaPolicy([any], ticket({ tags: ['billing'] }))?.id).toBe('any');
    expect(selectSlaPolicy([any], ticket({ tags: ['other'] }))).toBeNull();
    expect(selectSlaPolicy([any], ticket({ tags: [] }))).toBeNull();

    const together = policy('together', { conditions: { channels: ['email'], priorities: ['urgent'], tagsAny: ['vip'] } });
    expect(selectSlaPolicy([together], ticket({ priority: 'urgent', tags: ['vip'] }))?.id).toBe('together');
    expect(selectSlaPolicy([together], ticket({ channel: 'sms', priority: 'urgent', tags: ['vip'] }))).toBeNull();
    expect(selectSlaPolicy([together], ticket({ priority: 'high', tags: ['vip'] }))).toBeNull();
  });

  it('compares tags regardless of case and spacing, on either side', () => {
    const vip = policy('vip', { conditions: { tagsAll: ['VIP  Customer'] } });
    expect(selectSlaPolicy([vip], ticket({ tags: ['vip customer'] }))?.id).toBe('vip');
    expect(selectSlaPolicy([policy('vip', { conditions: { tagsAny: ['vip'] } })], ticket({ tags: [' VIP '] }))?.id).toBe('vip');
  });

  it('explains why the earlier policies were passed over', () => {
    const policies = [
      policy('off', { enabled: false }),
      policy('sms', { conditions: { channels: ['sms'], tagsAll: ['a', 'b'] } }),
      policy('email'),
      policy('later'),
    ];
    const { policy: chosen, verdicts } = explainSlaPolicySelection(policies, ticket({ tags: ['a'] }));
    expect(chosen?.id).toBe('email');
    expect(verdicts).toEqual([
      { policyId: 'off', name: 'off', matched: false, reasons: ['disabled'] },
      { policyId: 'sms', name: 'sms', matched: false, reasons: ['channel email is not among sms', 'the ticket lacks the tag b'] },
      { policyId: 'email', name: 'email', matched: true, reasons: [] },
    ]);
    expect(explainSlaPolicySelection([policies[0]!], ticket())).toEqual({ policy: null, verdicts: [{ policyId: 'off', name: 'off', matched: false, reasons: ['disabled'] }] });
    expect(slaConditionMismatches({ priorities: ['urgent'], tagsAny: ['x', 'y'] }, ticket())).toEqual(['priority normal is not among urgent', 'the ticket has none of the tags x, y']);
  });
});

describe('validateSlaPolicy: every problem, each naming its field', () => {
  it('accepts a minimal policy and a full one', () => {
    expect(validateSlaPolicy(valid)).toEqual([]);
    expect(
      validateSlaPolicy({
        name: 'VIP',
        enabled: false,
        conditions: { channels: ['email', 'sms'], priorities: ['urgent'], tagsAll: ['VIP'], tagsAny: ['a', 'b'] },
        targets: { first_response: { minutes: 30, calendarId: 'cal-1' }, next_response: { minutes: 60, calendarId: null }, resolution: { minutes: MAX_SLA_TARGET_MINUTES, calendarId: 'cal-1' } },
        pauseWhileSnoozed: true,
        warnAtPercent: 99,
        onWarning: [{ type: 'notify', assignee: true, userIds: [], channels: ['in_app'] }],
        onBreach: [
          { type: 'notify', assignee: false, userIds: ['u1', 'u2'], channels: ['in_app', 'email'] },
          { type: 'raise_priority', to: 'urgent' },
          { type: 'reassign', userId: 'u3' },
          { type: 'add_tag', tag: 'breached' },
          { type: 'add_tag', tag: 'escalated' },
        ],
      }),
    ).toEqual([]);
  });

  it('needs at least one target, and names the minutes or calendar at fault', () => {
    expect(validateSlaPolicy({ name: 'x', targets: {} })).toEqual([{ field: 'targets', message: expect.stringContaining('at least one target') }]);
    expect(fields({ name: 'x' })).toEqual(['targets']);
    expect(fields({ name: 'x', targets: { first_response: { minutes: 0, calendarId: null } } })).toEqual(['targets.first_response.minutes']);
    expect(fields({ name: 'x', targets: { resolution: { minutes: MAX_SLA_TARGET_MINUTES + 1, calendarId: null } } })).toEqual(['targets.resolution.minutes']);
    expect(fields({ name: 'x', targets: { next_response: { minutes: 1.5, calendarId: null } } })).toEqual(['targets.next_response.minutes']);
    expect(fields({ name: 'x', targets: { first_response: { minutes: 5, calendarId: '' } } })).toEqual(['targets.first_response.calendarId']);
    expect(fields({ name: 'x', targets: { first_response: { minutes: 5 } } })).toEqual(['targets.first_response.calendarId']);
    expect(fields({ name: 'x', targets: { first_reply: { minutes: 5, calendarId: null } } })).toEqual(['targets.first_reply', 'targets']);
  });

  it('names the name, the share and the conditions at fault', () => {
    expect(fields({ ...valid, name: '  ' })).toEqual(['name']);
    expect(fields({ ...valid, name: 'x'.repeat(101) })).toEqual(['name']);
    expect(fields({ ...valid, warnAtPercent: 0 })).toEqual(['warnAtPercent']);
    expect(fields({ ...valid, warnAtPercent: 100 })).toEqual(['warnAtPercent']);
    expect(fields({ ...valid, warnAtPercent: 50.5 })).toEqual(['warnAtPercent']);
    expect(fields({ ...valid, conditions: { channels: ['fax'] } })).toEqual(['conditions.channels[0]']);
    expect(fields({ ...valid, conditions: { priorities: ['normal', 'critical'] } })).toEqual(['conditions.priorities[1]']);
    expect(fields({ ...valid, conditions: { tagsAll: ['ok', ' ', 'x'.repeat(51)] } })).toEqual(['conditions.tagsAll[1]', 'conditions.tagsAll[2]']);
    expect(fields({ ...valid, conditions: { tagsAny: [] } })).toEqual(['conditions.tagsAny']);
  });

  it('names the escalation field at fault, by list and index', () => {
    const breach = (...onBreach: unknown[]) => fields({ ...valid, onBreach });
    expect(breach({ type: 'raise_priority', to: 'critical' })).toEqual(['onBreach[0].to']);
    expect(breach({ type: 'add_tag', tag: 'ok' }, { type: 'raise_priority' })).toEqual(['onBreach[1].to']);
    expect(breach({ type: 'reassign', userId: '' })).toEqual(['onBreach[0].userId']);
    expect(breach({ type: 'add_tag', tag: '   ' })).toEqual(['onBreach[0].tag']);
    expect(breach({ type: 'escalate' })).toEqual(['onBreach[0].type']);
    expect(breach({ type: 'notify', assignee: false, userIds: [], channels: ['email'] })).toEqual(['onBreach[0].userIds']);
    expect(breach({ type: 'notify', assignee: true, userIds: ['u1', ''], channels: ['email'] })).toEqual(['onBreach[0].userIds[1]']);
    expect(breach({ type: 'notify', assignee: true, userIds: [], channels: [] })).toEqual(['onBreach[0].channels']);
    expect(breach({ type: 'notify', assignee: true, userIds: [], channels: ['sms'] })).toEqual(['onBreach[0].channels[0]']);
    expect(fields({ ...valid, onWarning: [{ type: 'notify', userIds: [], channels: ['in_app'] }] })).toEqual(['onWarning[0].assignee']);
    expect(breach({ type: 'add_tag', tag: 'late', to: 'high' })).toEqual(['onBreach[0].to']);
  });

  it('refuses the same escalation twice in a list (same type, or the same tag), not across lists', () => {
    const breach = (...onBreach: unknown[]) => fields({ ...valid, onBreach });
    expect(breach({ type: 'raise_priority', to: 'high' }, { type: 'raise_priority', to: 'urgent' })).toEqual(['onBreach[1].type']);
    expect(breach({ type: 'reassign', userId: 'a' }, { type: 'reassign', userId: 'b' })).toEqual(['onBreach[1].type']);
    expect(breach({ type: 'notify', assignee: true, userIds: [], channels: ['email'] }, { type: 'notify', assignee: false, userIds: ['u'], channels: ['in_app'] })).toEqual(['onBreach[1].type']);
    expect(breach({ type: 'add_tag', tag: 'Late' }, { type: 'add_tag', tag: 'other' }, { type: 'add_tag', tag: ' late ' })).toEqual(['onBreach[2].tag']);
    const once = [{ type: 'raise_priority', to: 'high' }];
    expect(fields({ ...valid, onWarning: once, onBreach: once })).toEqual([]);
  });
});

describe('normalizeSlaPolicy and slaPolicyReferences', () => {
  it('fills in the defaults, trims the name and normalises tags like ticket tags', () => {
    const policyDefinition = normalizeSlaPolicy({
      name: '  VIP  ',
      conditions: { channels: ['email', 'email'], tagsAll: [' VIP ', 'vip'], tagsAny: ['Big  Order'] },
      targets: { resolution: { minutes: 600, calendarId: 'c' }, first_response: { minutes: 30, calendarId: null } },
      onBreach: [{ type: 'add_tag', tag: ' SLA Breached ' }],
    });
    expect(policyDefinition).toEqual({
      name: 'VIP',
      enabled: true,
      conditions: { channels: ['email'], tagsAll: ['vip'], tagsAny: ['big order'] },
      targets: { first_response: { minutes: 30, calendarId: null }, resolution: { minutes: 600, calendarId: 'c' } },
      pauseWhileSnoozed: false,
      warnAtPercent: DEFAULT_WARN_AT_PERCENT,
      onWarning: [],
      onBreach: [{ type: 'add_tag', tag: 'sla breached' }],
    });
    expect(Object.keys(policyDefinition.targets)).toEqual(['first_response', 'resolution']);
  });

  it('lists the calendars and users a policy refers to, with their fields', () => {
    const references = slaPolicyReferences(
      normalizeSlaPolicy({
        name: 'x',
        targets: { first_response: { minutes: 5, calendarId: 'c1' }, next_response: { minutes: 5, calendarId: null }, resolution: { minutes: 5, calendarId: 'c2' } },
        onWarning: [{ type: 'notify', assignee: true, userIds: ['u1', 'u2'], channels: ['email'] }],
        onBreach: [{ type: 'add_tag', tag: 't' }, { type: 'reassign', userId: 'u3' }],
      }),
    );
    expect(references).toEqual({
      calendars: [
        { field: 'targets.first_response.calendarId', calendarId: 'c1' },
        { field: 'targets.resolution.calendarId', calendarId: 'c2' },
      ],
      users: [
        { field: 'onWarning[0].userIds[0]', userId: 'u1' },
        { field: 'onWarning[0].userIds[1]', userId: 'u2' },
        { field: 'onBreach[1].userId', userId: 'u3' },
      ],
    });
  });
});

describe('warnAfterMs: the share of the target, rounded down to the second', () => {
  it('is 48 minutes of a 1-hour target at 80 %', () => {
    expect(warnAfterMs({ minutes: 60 }, 80)).toBe(48 * 60_000);
  });

  it('drops the fraction of a second', () => {
    expect(warnAfterMs({ minutes: 1 }, 99)).toBe(59_000); // 59.4 s
    expect(warnAfterMs({ minutes: 1 }, 1)).toBe(0); // 0.6 s
    expect(warnAfterMs({ minutes: 7 }, 33)).toBe(138_000); // 138.6 s
  });

  it('stays within the target for the longest one', () => {
    expect(warnAfterMs({ minutes: MAX_SLA_TARGET_MINUTES }, 99)).toBe(Math.floor(MAX_SLA_TARGET_MINUTES * 60 * 0.99) * 1000);
    expect(warnAfterMs({ minutes: MAX_SLA_TARGET_MINUTES }, 99)).toBeLessThan(MAX_SLA_TARGET_MINUTES * 60_000);
  });
});

describe('profile conditions', () => {
  const base = { name: 'Loyal', targets: { first_response: { minutes: 15, calendarId: null } } };
  it('checks each bound, naming its field', () => {
    expect(validateSlaPolicy({ ...base, conditions: { profile: { minOrders: 3, minLifetimeValue: 500, minChurnRiskPercent: 50 } } })).toEqual([]);
    expect(validateSlaPolicy({ ...base, conditions: { profile: {} } }).map((problem) => problem.field)).toEqual(['conditions.profile']);
    expect(validateSlaPolicy({ ...base, conditions: { profile: { minOrders: 0 } } }).map((problem) => problem.field)).toEqual(['conditions.profile.minOrders']);
    expect(validateSlaPolicy({ ...base, conditions: { profile: { minChurnRiskPercent: 101 } } }).map((problem) => problem.field)).toEqual(['conditions.profile.minChurnRiskPercent']);
    expect(validateSlaPolicy({ ...base, conditions: { profile: { minLifetimeValue: -1 } } }).map((problem) => problem.field)).toEqual(['conditions.profile.minLifetimeValue']);
    expect(validateSlaPolicy({ ...base, conditions: { profile: { vip: true } } }).map((problem) => problem.field)).toEqual(['conditions.profile.vip']);
  });

  it('keeps only the bounds given, and explains a mismatch', () => {
    expect(normalizeSlaPolicy({ ...base, conditions: { profile: { minOrders: 3 } } }).conditions).toEqual({ profile: { minOrders: 3 } });
    const conditions = { profile: { minOrders: 3, minLifetimeValue: 500 } };
    expect(slaConditionMismatches(conditions, { channel: 'sms', priority: 'normal', tags: [], profile: { orders: 2, lifetimeValue: 800, churnRiskPercent: null } })).toEqual(['the customer has 2 orders, fewer than 3']);
    expect(slaConditionMismatches(conditions, { channel: 'sms', priority: 'normal', tags: [] })).toEqual(['the ticket has no customer profile']);
    expect(slaConditionMismatches(conditions, { channel: 'sms', priority: 'normal', tags: [], profile: { orders: 3, lifetimeValue: 500, churnRiskPercent: null } })).toEqual([]);
  });
});
