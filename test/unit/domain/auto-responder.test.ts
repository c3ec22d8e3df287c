import { describe, it, expect } from '@jest/globals';
import {
  DEFAULT_AUTO_RESPONSE_MIN_INTERVAL_MS,
  DEFAULT_SMS_AUTO_RESPONDER_SETTINGS,
  DEFAULT_SMS_AUTO_RESPONDER_TEMPLATE,
  decideSmsAutoResponse,
  renderAutoResponderTemplate,
  validateAutoResponderTemplate,
  type SmsAutoResponseInput,
} from '../../../libs/domain/auto-responder.js';

const values = { organizationPrefix: 'ACME', email: 'help@acme.test' };

describe('renderAutoResponderTemplate', () => {
  it('renders the default template', () => {
    expect(renderAutoResponderTemplate(DEFAULT_SMS_AUTO_RESPONDER_TEMPLATE, values)).toBe(
      "ACME: We can't respond because you have not consented to receive SMS. For help, reach us at help@acme.test.",
    );
  });

  it('accepts inner spaces, case and the spec spelling "organization prefix"', () => {
    expect(renderAutoResponderTemplate('{{ organization prefix }} / {{EMAIL}} / {{Organization_Prefix}}', values)).toBe(
      'ACME / help@acme.test / ACME',
    );
  });

  it('replaces every occurrence', () => {
    expect(renderAutoResponderTemplate('{{email}} {{email}}', values)).toBe('help@acme.test help@acme.test');
  });

  it('leaves unknown placeholders visible', () => {
    expect(renderAutoResponderTemplate('Hi {{first_name}}, write to {{email}}', values)).toBe(
      'Hi {{first_name}}, write to help@acme.test',
    );
  });

  it('does not expand placeholders inside substituted values', () => {
    expect(renderAutoResponderTemplate('{{organization_prefix}}', { organizationPrefix: '{{email}}', email: 'x@y.test' })).toBe(
      '{{email}}',
    );
  });

  it('keeps "$" sequences in values literally', () => {
    expect(renderAutoResponderTemplate('{{organization_prefix}}', { organizationPrefix: "$& $' $1", email: '' })).toBe("$& $' $1");
  });
});

describe('validateAutoResponderTemplate', () => {
  it('accepts the default template', () => {
    expect(validateAutoResponderTemplate(DEFAULT_SMS_AUTO_RESPONDER_TEMPLATE)).toEqual([]);
  });

  it('names each unknown placeholder once', () => {
    const problems = validateAutoResponderTemplate('{{first_name}} {{ first_name }} {{email}} {{phone}}');
    expect(problems).toHaveLength(3);
    expect(problems[0]).toContain('{{first_name}}');
    expect(problems[2]).toContain('{{phone}}');
  });

  it('refuses an empty text', () => {
    expect(validateAutoResponderTemplate('  ')).toEqual(['The auto-responder text is empty.']);
  });
});

describe('decideSmsAutoResponse', () => {
  const base: SmsAutoResponseInput = {
    settings: { enabled: true, audience: 'non_consented', template: DEFAULT_SMS_AUTO_RESPONDER_TEMPLATE },
    consent: 'none',
    senderNumber: '+14155550100',
    ownNumbers: ['+18005550199'],
    lastAutoResponseAt: null,
    now: '2024-05-01T10:00:00.000Z',
    templateValues: values,
  };

  it('defaults to off, for non-consented profiles, once per 24 hours', () => {
    expect(DEFAULT_SMS_AUTO_RESPONDER_SETTINGS).toEqual({
      enabled: false,
      audience: 'non_consented',
      template: DEFAULT_SMS_AUTO_RESPONDER_TEMPLATE,
    });
    expect(DEFAULT_AUTO_RESPONSE_MIN_INTERVAL_MS).toBe(24 * 60 * 60 * 1000);
  });

  it('sends the rendered text to a non-consented sender', () => {
    expect(decideSmsAutoResponse(base)).toEqual({
      send: true,
      reason: 'sent',
      text: "ACME: We can't respond because you have not consented to receive SMS. For help, reach us at help@acme.test.",
    });
  });

  it('sends nothing when disabled', () => {
    expect(decideSmsAutoResponse({ ...base, settings: { ...base.settings, enabled: false } })).toEqual({
      send: false,
      reason: 'disabled',
    });
  });

  it('treats a blank template as disabled', () => {
    expect(decideSmsAutoResponse({ ...base, settings: { ...base.settings, template: ' ' } })).toEqual({
      send: false,
      reason: 'disabled',
    });
  });

  it('skips consented profiles when the audience is non-consented', () => {
    for (const consent of ['marketing', 'transactional'] as const) {
      expect(decideSmsAutoResponse({ ...base, consent })).toEqual({ send: false, reason: 'audience_excludes_consented' });
    }
  });

  it('answers consented profiles when the audience is everyone', () => {
    const settings = { ...base.settings, audience: 'everyone' as const, template: 'Thanks, we will reply soon.' };
    expect(decideSmsAutoResponse({ ...base, settings, consent: 'marketing' })).toMatchObject({ send: true });
    expect(decideSmsAutoResponse({ ...base, settings, consent: 'none' })).toMatchObject({ send: true });
  });

  it('never answers one of our own numbers, whatever their formatting', () => {
    expect(decideSmsAutoResponse({ ...base, senderNumber: '+18005550199' })).toEqual({ send: false, reason: 'own_number' });
    expect(decideSmsAutoResponse({ ...base, senderNumber: '+1 (800) 555-0199' })).toEqual({ send: false, reason: 'own_number' });
    expect(decideSmsAutoResponse({ ...base, ownNumbers: ['(415) 555-0100'] })).toEqual({ send: false, reason: 'own_number' });
  });

  it('matches an alphanumeric own sender ID case-insensitively', () => {
    expect(decideSmsAutoResponse({ ...base, senderNumber: 'acme', ownNumbers: ['ACME'] })).toEqual({
      send: false,
      reason: 'own_number',
    });
  });

  it('applies the loop guard before the audience rule', () => {
    expect(decideSmsAutoResponse({ ...base, consent: 'marketing', senderNumber: '+18005550199' }).reason).toBe('own_number');
  });

  it('sends at most one auto-response per sender per interval', () => {
    const justBefore = { ...base, lastAutoResponseAt: '2024-04-30T10:00:00.001Z' };
    expect(decideSmsAutoResponse(justBefore)).toEqual({ send: false, reason: 'rate_limited' });
    const exactly = { ...base, lastAutoResponseAt: '2024-04-30T10:00:00.000Z' };
    expect(decideSmsAutoResponse(exactly)).toMatchObject({ send: true });
  });

  it('honours a configured interval', () => {
    const input = { ...base, lastAutoResponseAt: '2024-05-01T09:00:00Z' };
    expect(decideSmsAutoResponse({ ...input, minIntervalMs: 2 * 3_600_000 }).reason).toBe('rate_limited');
    expect(decideSmsAutoResponse({ ...input, minIntervalMs: 3_600_000 }).reason).toBe('sent');
  });

  it('rate-limits when the last auto-response appears to be in the future', () => {
    expect(decideSmsAutoResponse({ ...base, lastAutoResponseAt: '2024-05-01T10:00:01Z' }).reason).toBe('rate_limited');
  });

  it('rejects invalid instants and intervals', () => {
    expect(() => decideSmsAutoResponse({ ...base, now: 'now' })).toThrow(RangeError);
    expect(() => decideSmsAutoResponse({ ...base, lastAutoResponseAt: 'never' })).toThrow(RangeError);
    expect(() => decideSmsAutoResponse({ ...base, minIntervalMs: Number.NaN })).toThrow(RangeError);
  });
});
