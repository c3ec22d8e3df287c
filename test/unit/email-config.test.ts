import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../../libs/config/config.js';

describe('SMTP ingress configuration', () => {
  it('is off unless a port is given, with a 25 MB limit and no TLS by default', () => {
    expect(loadConfig({}).smtpIngress).toEqual({ port: undefined, host: '0.0.0.0', maxMessageBytes: 25 * 1024 * 1024, tls: undefined });
    expect(loadConfig({ SMTP_INGRESS_PORT: '2526', SMTP_INGRESS_HOST: '127.0.0.1' }).smtpIngress).toMatchObject({ port: 2526, host: '127.0.0.1' });
  });

  it('names the variable at fault', () => {
    expect(() => loadConfig({ SMTP_INGRESS_PORT: 'smtp' })).toThrow(new ConfigError('SMTP_INGRESS_PORT', 'must be an integer from 1 to 65535 (got "smtp")'));
    expect(() => loadConfig({ SMTP_INGRESS_TLS_CERT_PATH: '/tls/cert.pem' })).toThrow(/SMTP_INGRESS_TLS_KEY_PATH must be set together with its pair/);
    expect(() => loadConfig({ SMTP_INGRESS_MAX_MESSAGE_BYTES: '10' })).toThrow(/SMTP_INGRESS_MAX_MESSAGE_BYTES must be an integer/);
  });

  it('offers STARTTLS with a certificate pair', () => {
    expect(loadConfig({ SMTP_INGRESS_TLS_CERT_PATH: '/tls/cert.pem', SMTP_INGRESS_TLS_KEY_PATH: '/tls/key.pem' }).smtpIngress.tls).toEqual({
      certPath: '/tls/cert.pem',
      keyPath: '/tls/key.pem',
    });
  });
});
