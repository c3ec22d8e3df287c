import { describe, it, expect } from '@jest/globals';
import { classifyInboundEmail } from '../../../libs/domain/email-loop-guard.js';
import type { EmailHeaders } from '../../../libs/domain/email-headers.js';

const ownAddresses = ['Support <support@shop.example>', 'help@shop.example'];
const customerHeaders: EmailHeaders = {
  from: 'Jane Doe <jane@customer.example>',
  to: 'support@shop.example',
  subject: 'Where is my order?',
  'content-type': 'text/plain; charset=utf-8',
};

function classify(extra: EmailHeaders, returnPath: string | null = 'jane@customer.example') {
  return classifyInboundEmail({ headers: { ...customerHeaders, ...extra }, returnPath, ownAddresses });
}

describe('classifyInboundEmail', () => {
  it('lets a person-written email through', () => {
    expect(classify({})).toEqual({ automated: false, reasons: [] });
  });

  it.each(['auto-replied', 'auto-generated', 'Auto-Notified; owner-email="x@y.example"'])(
    'flags Auto-Submitted: %s',
    (value) => {
      expect(classify({ 'auto-submitted': value })).toEqual({ automated: true, reasons: ['auto_submitted'] });
    },
  );

  it('does not flag Auto-Submitted: no', () => {
    expect(classify({ 'auto-submitted': 'No' }).automated).toBe(false);
    expect(classify({ 'auto-submitted': ' no ; comment' }).automated).toBe(false);
  });

  it.each(['bulk', 'junk', 'list', 'Bulk', 'auto_reply'])('flags Precedence: %s', (value) => {
    expect(classify({ precedence: value }).reasons).toEqual(['precedence']);
  });

  it('does not flag other Precedence values', () => {
    expect(classify({ precedence: 'first-class' }).automated).toBe(false);
  });

  it('flags X-Autoreply and X-Autorespond whatever their value', () => {
    expect(classify({ 'x-autoreply': 'yes' }).reasons).toEqual(['x_autoreply']);
    expect(classify({ 'x-autorespond': '' }).reasons).toEqual(['x_autorespond']);
  });

  it('flags X-Auto-Response-Suppress values that refuse auto-replies', () => {
    expect(classify({ 'x-auto-response-suppress': 'All' }).reasons).toEqual(['auto_response_suppressed']);
    expect(classify({ 'x-auto-response-suppress': 'DR, OOF' }).reasons).toEqual(['auto_response_suppressed']);
    expect(classify({ 'x-auto-response-suppress': 'DR, RN' }).automated).toBe(false);
  });

  it('flags mailing-list mail', () => {
    expect(classify({ 'list-id': '<news.shop.example>' }).reasons).toEqual(['list_id']);
    expect(classify({ 'list-unsubscribe': '<mailto:unsub@news.example>' }).reasons).toEqual(['list_unsubscribe']);
  });

  it('flags a null envelope sender (bounce)', () => {
    expect(classify({}, '<>').reasons).toEqual(['null_return_path']);
    expect(classify({}, ' < > ').reasons).toEqual(['null_return_path']);
    expect(classify({}, '').reasons).toEqual(['null_return_path']);
  });

  it('falls back to the Return-Path header when the envelope sender is unknown', () => {
    expect(classify({ 'return-path': '<>' }, null).reasons).toEqual(['null_return_path']);
    expect(classify({ 'return-path': '<jane@customer.example>' }, null).automated).toBe(false);
    expect(classify({}, null).automated).toBe(false);
  });

  it('prefers the envelope sender to the Return-Path header', () => {
    expect(classify({ 'return-path': '<>' }, 'jane@customer.example').automated).toBe(false);
  });

  it('flags mail from our own addresses, whatever the case or display name', () => {
    expect(classify({ from: '"Shop Support" <SUPPORT@shop.example>' }).reasons).toEqual(['from_own_address']);
    expect(classify({ from: 'help@shop.example' }).reasons).toEqual(['from_own_address']);
    expect(classify({ from: 'support@shop.example.evil' }).automated).toBe(false);
  });

  it('flags mail from a mailer daemon or postmaster', () => {
    expect(classify({ from: 'Mail Delivery Subsystem <MAILER-DAEMON@mx.example>' }).reasons).toEqual(['from_mailer_daemon']);
    expect(classify({ from: 'postmaster@mx.example' }).reasons).toEqual(['from_mailer_daemon']);
  });

  it('flags delivery status notifications', () => {
    expect(
      classify({ 'content-type': 'multipart/report; report-type=delivery-status; boundary="x"' }).reasons,
    ).toEqual(['delivery_report']);
    expect(classify({ 'content-type': 'multipart/mixed; boundary="x"' }).automated).toBe(false);
  });

  it('lists every matching reason of a typical bounce', () => {
    const bounce = classify(
      {
        from: 'MAILER-DAEMON@mx.example',
        'auto-submitted': 'auto-replied',
        'content-type': 'multipart/report; report-type=delivery-status',
      },
      '<>',
    );
    expect(bounce).toEqual({
      automated: true,
      reasons: ['auto_submitted', 'null_return_path', 'from_mailer_daemon', 'delivery_report'],
    });
  });

  it('reads headers given with other capitalisation and repeated values', () => {
    const result = classifyInboundEmail({
      headers: { From: 'jane@customer.example', Precedence: ['normal', 'bulk'] },
      returnPath: null,
      ownAddresses,
    });
    expect(result.reasons).toEqual(['precedence']);
  });
});
