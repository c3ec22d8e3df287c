import { describe, expect, it } from '@jest/globals';
import { matchTeamRule, pickAgent, routingConditionsProblem, type AgentLoad, type TeamRoutingRule } from '../../../libs/domain/team-assignment.js';

const agent = (userId: string, openTickets: number, extra: Partial<AgentLoad> = {}): AgentLoad => ({ userId, availability: 'online', capacity: 2, openTickets, ...extra });

describe('pickAgent', () => {
  it('round robin: the next able agent after the last one assigned, wrapping round', () => {
    const agents = [agent('u1', 0), agent('u2', 0), agent('u3', 0)];
    expect(pickAgent('round_robin', agents, null)).toBe('u1');
    expect(pickAgent('round_robin', agents, 'u1')).toBe('u2');
    expect(pickAgent('round_robin', agents, 'u3')).toBe('u1');
    expect(pickAgent('round_robin', agents, 'someone-who-left')).toBe('u1');
  });

  it('round robin skips agents at capacity, away or offline', () => {
    const agents = [agent('u1', 0), agent('u2', 2), agent('u3', 0, { availability: 'away' }), agent('u4', 0, { availability: 'offline' }), agent('u5', 1)];
    expect(pickAgent('round_robin', agents, 'u1')).toBe('u5');
    expect(pickAgent('round_robin', agents, 'u5')).toBe('u1');
  });

  it('balanced: the fewest open tickets, then the one assigned longest ago (never first), then by id', () => {
    expect(pickAgent('balanced', [agent('u1', 1), agent('u2', 0), agent('u3', 1)], null)).toBe('u2');
    const tied = [
      agent('u1', 1, { lastAssignedAt: '2026-01-01T10:00:00Z' }),
      agent('u2', 1, { lastAssignedAt: '2026-01-01T09:00:00Z' }),
      agent('u3', 1, { lastAssignedAt: '2026-01-01T11:00:00Z' }),
    ];
    expect(pickAgent('balanced', tied, 'u3')).toBe('u2');
    expect(pickAgent('balanced', [...tied, agent('u4', 1, { lastAssignedAt: null })], null)).toBe('u4');
    expect(pickAgent('balanced', [agent('b', 0), agent('a', 0)], null)).toBe('a');
  });

  it('nobody when every agent is at capacity or not online; a capacity of 0 takes nothing', () => {
    expect(pickAgent('balanced', [agent('u1', 2), agent('u2', 3), agent('u3', 0, { availability: 'away' })], null)).toBeNull();
    expect(pickAgent('round_robin', [agent('u1', 0, { capacity: 0 })], null)).toBeNull();
    expect(pickAgent('round_robin', [], null)).toBeNull();
  });

  it('spreads six tickets over three agents of capacity 2 evenly, then stops', () => {
    for (const mode of ['round_robin', 'balanced'] as const) {
      const agents = [agent('u1', 0), agent('u2', 0), agent('u3', 0)];
      let last: string | null = null;
      const picks: string[] = [];
      for (let ticket = 0; ticket < 6; ticket++) {
        last = pickAgent(mode, agents, last);
        picks.push(last!);
        agents.find((candidate) => candidate.userId === last)!.openTickets++;
      }
      expect(pickAgent(mode, agents, last)).toBeNull();
      expect(picks.sort()).toEqual(['u1', 'u1', 'u2', 'u2', 'u3', 'u3']);
    }
  });
});

describe('matchTeamRule', () => {
  const rules: TeamRoutingRule[] = [
    { id: 'r-vip', teamId: 'vip', conditions: { tagsAny: ['VIP'] } },
    { id: 'r-billing', teamId: 'billing', conditions: { channels: ['email'], supportAddresses: ['Billing@brand.test'] } },
    { id: 'r-sms', teamId: 'mobile', conditions: { channels: ['sms', 'web_chat'] } },
  ];

  it('the first rule whose conditions all hold, with the reason', () => {
    expect(matchTeamRule(rules, { channel: 'email', tags: ['vip'], supportAddress: 'billing@brand.test' })).toEqual({ teamId: 'vip', ruleId: 'r-vip', reason: 'rule 1 matched: tag vip' });
    expect(matchTeamRule(rules, { channel: 'email', tags: [], supportAddress: ' BILLING@brand.test ' })).toEqual({
      teamId: 'billing',
      ruleId: 'r-billing',
      reason: 'rule 2 matched: channel email, support address billing@brand.test',
    });
    expect(matchTeamRule(rules, { channel: 'sms', tags: [], supportAddress: null })).toMatchObject({ teamId: 'mobile', ruleId: 'r-sms' });
  });

  it('no team when nothing matches, or when there are no rules; a rule without conditions matches anything', () => {
    expect(matchTeamRule(rules, { channel: 'email', tags: [], supportAddress: 'help@brand.test' })).toEqual({ teamId: null, ruleId: null, reason: 'no routing rule matched' });
    expect(matchTeamRule([], { channel: 'sms', tags: [], supportAddress: null })).toEqual({ teamId: null, ruleId: null, reason: 'the account has no routing rules' });
    expect(matchTeamRule([{ id: 'r', teamId: 't', conditions: {} }], { channel: 'sms', tags: [], supportAddress: null })).toEqual({ teamId: 't', ruleId: 'r', reason: 'rule 1 matched: it has no conditions' });
  });

  it('refuses conditions it cannot store, naming the field', () => {
    expect(routingConditionsProblem({ channels: ['fax' as never] }, 'rules[0].conditions')).toBe('rules[0].conditions.channels: fax is not one of web_chat, email, sms');
    expect(routingConditionsProblem({ tagsAny: [''] })).toBe('conditions.tagsAny must be a list of non-empty strings');
    expect(routingConditionsProblem({ channels: ['email'], tagsAny: ['vip'] })).toBeNull();
  });
});
