import { describe, it, expect } from '@jest/globals';
import {
  DEFAULT_ATTRIBUTION_WINDOW_MS,
  attributeInboundSms,
  type OutboundSmsSend,
} from '../../../libs/domain/attribution.js';

const campaign: OutboundSmsSend = { id: 'send-c', kind: 'campaign', sourceId: 'campaign-1', sentAt: '2024-05-01T10:00:00.000Z' };
const flow: OutboundSmsSend = { id: 'send-f', kind: 'flow', sourceId: 'flow-1', sentAt: '2024-05-01T12:00:00.000Z' };

describe('attributeInboundSms', () => {
  it('uses a 24 hour window by default', () => {
    expect(DEFAULT_ATTRIBUTION_WINDOW_MS).toBe(86_400_000);
  });

  it('attributes the first inbound message after a send within the window', () => {
    const result = attributeInboundSms({ sends: [campaign], inboundAt: '2024-05-01T10:05:00Z', previousInboundAt: null });
    expect(result).toEqual({ send: campaign, reason: 'within_window', candidate: campaign });
  });

  it('reports no_outbound when the person received nothing', () => {
    expect(attributeInboundSms({ sends: [], inboundAt: '2024-05-01T10:05:00Z', previousInboundAt: null })).toEqual({
      send: null,
      reason: 'no_outbound',
      candidate: null,
    });
  });

  it('ignores sends at or after the inbound message', () => {
    expect(
      attributeInboundSms({ sends: [campaign], inboundAt: campaign.sentAt, previousInboundAt: null }),
    ).toMatchObject({ send: null, reason: 'no_outbound' });
    expect(
      attributeInboundSms({ sends: [campaign, flow], inboundAt: '2024-05-01T11:00:00Z', previousInboundAt: null }),
    ).toMatchObject({ send: campaign, reason: 'within_window' });
  });

  it('includes the exact end of the window', () => {
    const result = attributeInboundSms({ sends: [campaign], inboundAt: '2024-05-02T10:00:00.000Z', previousInboundAt: null });
    expect(result.reason).toBe('within_window');
  });

  it('refuses one millisecond past the window and names the send considered', () => {
    const result = attributeInboundSms({ sends: [campaign], inboundAt: '2024-05-02T10:00:00.001Z', previousInboundAt: null });
    expect(result).toEqual({ send: null, reason: 'outside_window', candidate: campaign });
  });

  it('honours a configured window', () => {
    const input = { sends: [campaign], inboundAt: '2024-05-01T11:00:00Z', previousInboundAt: null };
    expect(attributeInboundSms({ ...input, windowMs: 30 * 60_000 }).reason).toBe('outside_window');
    expect(attributeInboundSms({ ...input, windowMs: 60 * 60_000 }).reason).toBe('within_window');
  });

  it('attributes to the last send: a flow after a campaign wins', () => {
    const result = attributeInboundSms({ sends: [flow, campaign], inboundAt: '2024-05-01T12:30:00Z', previousInboundAt: null });
    expect(result.send).toEqual(flow);
  });

  it('does not fall back to an older send when the last one is outside the window', () => {
    const older = { ...campaign, id: 'older', sentAt: '2024-04-30T12:00:00Z' };
    const result = attributeInboundSms({
      sends: [older, campaign],
      inboundAt: '2024-05-02T11:00:00Z',
      previousInboundAt: null,
      windowMs: 2 * DEFAULT_ATTRIBUTION_WINDOW_MS,
    });
    expect(result).toMatchObject({ send: campaign, reason: 'within_window' });
    expect(
      attributeInboundSms({ sends: [older, campaign], inboundAt: '2024-05-02T11:00:00Z', previousInboundAt: null }),
    ).toMatchObject({ send: null, reason: 'outside_window', candidate: campaign });
  });

  it('does not attribute the later texts of a burst', () => {
    const result = attributeInboundSms({
      sends: [campaign],
      inboundAt: '2024-05-01T10:06:00Z',
      previousInboundAt: '2024-05-01T10:05:00Z',
    });
    expect(result).toEqual({ send: null, reason: 'not_first_inbound_after_send', candidate: campaign });
  });

  it('attributes when the previous inbound message came before the send', () => {
    const result = attributeInboundSms({
      sends: [campaign],
      inboundAt: '2024-05-01T10:06:00Z',
      previousInboundAt: '2024-05-01T09:00:00Z',
    });
    expect(result.reason).toBe('within_window');
  });

  it('treats a previous inbound message at the very instant of the send as before it', () => {
    const result = attributeInboundSms({ sends: [campaign], inboundAt: '2024-05-01T10:06:00Z', previousInboundAt: campaign.sentAt });
    expect(result.reason).toBe('within_window');
  });

  it('attributes the first reply to a new send even after a burst replying to an earlier one', () => {
    const result = attributeInboundSms({
      sends: [campaign, flow],
      inboundAt: '2024-05-01T12:01:00Z',
      previousInboundAt: '2024-05-01T10:07:00Z',
    });
    expect(result).toMatchObject({ send: flow, reason: 'within_window' });
  });

  it('reports the window when a later text of a burst is also too late', () => {
    const result = attributeInboundSms({
      sends: [campaign],
      inboundAt: '2024-05-03T10:00:00Z',
      previousInboundAt: '2024-05-01T10:05:00Z',
    });
    expect(result.reason).toBe('outside_window');
  });

  it('breaks a tie in send time in favour of the flow, then by id', () => {
    const sameTimeFlow = { ...flow, sentAt: campaign.sentAt };
    const input = { inboundAt: '2024-05-01T10:05:00Z', previousInboundAt: null };
    expect(attributeInboundSms({ ...input, sends: [sameTimeFlow, campaign] }).send).toEqual(sameTimeFlow);
    expect(attributeInboundSms({ ...input, sends: [campaign, sameTimeFlow] }).send).toEqual(sameTimeFlow);
    const a = { ...campaign, id: 'a' };
    const b = { ...campaign, id: 'b' };
    expect(attributeInboundSms({ ...input, sends: [a, b] }).send).toEqual(b);
    expect(attributeInboundSms({ ...input, sends: [b, a] }).send).toEqual(b);
  });

  it('compares instants, not strings, across time-zone offsets', () => {
    const offsetSend = { ...campaign, sentAt: '2024-05-01T12:30:00+02:00' };
    const result = attributeInboundSms({ sends: [offsetSend, campaign], inboundAt: '2024-05-01T10:45:00Z', previousInboundAt: null });
    expect(result.send).toEqual(offsetSend);
  });

  it('rejects invalid instants and windows', () => {
    expect(() => attributeInboundSms({ sends: [], inboundAt: 'yesterday', previousInboundAt: null })).toThrow(RangeError);
    expect(() =>
      attributeInboundSms({ sends: [{ ...campaign, sentAt: 'soon' }], inboundAt: '2024-05-01T10:05:00Z', previousInboundAt: null }),
    ).toThrow(/send-c/);
    expect(() =>
      attributeInboundSms({ sends: [], inboundAt: '2024-05-01T10:05:00Z', previousInboundAt: null, windowMs: -1 }),
    ).toThrow(RangeError);
  });
});
