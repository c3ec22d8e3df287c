import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import nodemailer from 'nodemailer';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { createAccountWithUsers } from '../support/accounts.js';
import { eventually } from '../support/eventually.js';
import { freePort } from '../support/ports.js';
import { startTestStack, type TestStack } from '../support/stack.js';

const MESSAGES = 1000;

/** A small seeded generator, so a failure can be reproduced with the same seed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Well-formed and malformed messages a support address really receives, and worse. */
function baseMessages(random: () => number, index: number): (() => Buffer)[] {
  const id = `<fuzz-${index}@customer.test>`;
  const crlf = (lines: string[]) => Buffer.from(lines.join('\r\n'), 'latin1');
  const earlier = `<fuzz-${Math.floor(random() * Math.max(1, index))}@customer.test>`;
  return [
    () => crlf(['From: Ann <ann@customer.test>', 'To: support@fuzz.test', 'Subject: plain', `Message-ID: ${id}`, '', 'Hello there.', '']),
    () => crlf([
      'From: ann@customer.test', 'Subject: alternative', `Message-ID: ${id}`, `In-Reply-To: ${earlier}`, `References: ${earlier}`,
      'MIME-Version: 1.0', 'Content-Type: multipart/alternative; boundary="b1"', '', '--b1', 'Content-Type: text/plain', '', 'text part',
      '--b1', 'Content-Type: text/html', '', '<p onclick="x()">html <script>alert(1)</script></p>', '--b1--', '',
    ]),
    () => crlf([
      'From: ann@customer.test', 'Subject: attachment', 'Content-Type: multipart/mixed; boundary=zz', '', '--zz', 'Content-Type: text/plain', '', 'see file',
      '--zz', 'Content-Type: application/pdf; name="a.pdf"', 'Content-Transfer-Encoding: base64', 'Content-Disposition: attachment', '', 'JVBERi0xLjQK!!!not base64', '--zz--',
    ]),
    () => crlf(['From: =?iso-8859-1?Q?J=F6rg?= <jorg@customer.test>', 'Subject: =?utf-8?B?broken base64?=', 'Content-Type: text/plain; charset=x-unknown-charset', '', 'caf\xe9 \xff\xfe', '']),
    () => crlf(['From: ann@customer.test', 'Subject: utf-16 lies', 'Content-Type: text/plain; charset=utf-16', 'Content-Transfer-Encoding: quoted-printable', '', '=FF=FE=00=D8 =ZZ', '']),
    () => crlf(['Subject: no sender, no message id', '', 'who am I?', '']),
    () => crlf(['From: ann@customer.test', `X-Giant: ${'a'.repeat(1_200_000)}`, '', 'giant header', '']),
    () => crlf(['From: ann@customer.test', ...Array.from({ length: 5000 }, (_, n) => `X-Many-${n}: ${n}`), '', 'many headers', '']),
    () => crlf(['From: ann@customer.test', 'Content-Type: multipart/mixed; boundary="never"', '', 'preamble only, the boundary never comes', '']),
    () => crlf(['From: ann@customer.test', ...Array.from({ length: 120 }, (_, n) => `Content-Type: multipart/mixed; boundary="n${n}"\r\n\r\n--n${n}`), 'Content-Type: text/plain', '', 'deep', '']),
    () => Buffer.from(Array.from({ length: 2000 }, () => Math.floor(random() * 256))),
    () => crlf(['From: ann@customer.test', 'Subject: headers only']),
    () => crlf(['From: bounce@customer.test', 'Auto-Submitted: auto-replied', 'Precedence: bulk', `In-Reply-To: ${earlier}`, '', 'I am away', '']),
    () => crlf(['From: ann\u0000@customer.test', 'Subject: nul\u0000bytes', `Message-ID: <nul\u0000${index}@x>`, '', 'body\u0000with nul', '']),
    () => crlf(['From: ann@customer.test', 'Content-Type: text/html', '', `<div>${'<b>'.repeat(5000)}deep html</div>`, '']),
    () => crlf(['From: ann@customer.test', 'Subject: long line', '', 'x'.repeat(300_000), '']),
    () => Buffer.alloc(0),
  ];
}

function mutate(message: Buffer, random: () => number): Buffer {
  let bytes = Buffer.from(message);
  const pick = () => Math.floor(random() * Math.max(1, bytes.length));
  const mutations = Math.floor(random() * 4);
  for (let n = 0; n < mutations; n++) {
    const kind = Math.floor(random() * 6);
    if (kind === 0 && bytes.length > 0) bytes[pick()] = Math.floor(random() * 256);
    else if (kind === 1) bytes = bytes.subarray(0, pick());
    else if (kind === 2) bytes = Buffer.concat([bytes.subarray(0, pick()), Buffer.from([0, 0xff, 0x0a, 0x0d, 0x2e, 0x3d]), bytes.subarray(pick())]);
    else if (kind === 3) bytes = Buffer.from(bytes.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
    else if (kind === 4) {
      const start = pick();
      bytes = Buffer.concat([bytes, bytes.subarray(start, start + 200)]);
    } else bytes = Buffer.from(bytes.toString('latin1').replace(/^([\w-]+):/m, '$1 :'), 'latin1');
  }
  return bytes;
}

/** Sends `count` generated messages over one SMTP connection; every one must get an SMTP answer. */
async function fuzz(port: number, count: number, seed: number): Promise<{ answers: Map<string, number>; acceptedIds: Set<string> }> {
  const random = prng(seed);
  const connection = new SMTPConnection({ host: '127.0.0.1', port, ignoreTLS: true, socketTimeout: 60_000 });
  await new Promise<void>((resolve, reject) => connection.connect((error) => (error ? reject(error) : resolve())));
  const answers = new Map<string, number>();
  const acceptedIds = new Set<string>();
  for (let index = 0; index < count; index++) {
    const bases = baseMessages(random, index);
    const base = bases[Math.floor(random() * bases.length)]!();
    const message = random() < 0.7 ? mutate(base, random) : base;
    const envelope = {
      from: random() < 0.1 ? '' : 'sender@customer.test',
      to: random() < 0.05 ? 'nobody@fuzz.test' : 'support@fuzz.test',
    };
    const code = await new Promise<number>((resolve, reject) =>
      connection.send(envelope, message, (error, info) => {
        if (!error) {
          for (const [, id] of String(info.response).matchAll(/(msg-[\w-]+)/g)) acceptedIds.add(id!);
          return resolve(Number(String(info.response).slice(0, 3)));
        }
        if (!error.responseCode) return reject(error); // no SMTP answer at all: the listener failed us
        connection.reset(() => resolve(error.responseCode!));
      }),
    );
    answers.set(String(code), (answers.get(String(code)) ?? 0) + 1);
  }
  connection.quit();
  return { answers, acceptedIds };
}

describe('SMTP ingress under malformed and fuzzed mail', () => {
  let stack: TestStack;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    stack = await startTestStack({ SMTP_INGRESS_PORT: String(port), SMTP_INGRESS_HOST: '127.0.0.1' });
    const brand = await createAccountWithUsers(stack.orm, { roles: ['owner'] });
    await stack.orm.em.fork().execute(`UPDATE accounts SET settings = '{"email": {"supportAddresses": ["support@fuzz.test"]}}' WHERE id = ?`, [brand.accountId]);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('files every fuzzed message it accepted in a ticket: no accepted mail stalls its workflow', async () => {
    const { answers, acceptedIds } = await fuzz(port, 100, 7);
    expect(answers.get('250')).toBeGreaterThan(50);
    await eventually(
      async () => {
        const [{ count }] = await stack.orm.em.fork().execute<{ count: string }[]>(
          'SELECT count(*) AS count FROM messages WHERE id IN (SELECT jsonb_array_elements_text(?::jsonb))',
          [JSON.stringify([...acceptedIds])],
        );
        return Number(count) === acceptedIds.size ? true : undefined;
      },
      `${acceptedIds.size} accepted messages stored by their ticket workflows`,
      60_000,
    );
  });

  it(`answers every one of ${MESSAGES} malformed or mutated messages on one SMTP connection and stays up`, async () => {
    // Temporal takes the signals durably without a worker; running 1 000 ticket workflows is not what this test measures.
    await stack.stopWorker();
    const started = Date.now();
    const { answers } = await fuzz(port, MESSAGES, 20261127);
    process.stdout.write(`fuzz: ${MESSAGES} messages in ${Date.now() - started} ms, answers ${JSON.stringify(Object.fromEntries(answers))}\n`);

    expect([...answers.values()].reduce((sum, count) => sum + count, 0)).toBe(MESSAGES);
    // Malformed input is accepted best-effort (250) or refused for good (5xx), never answered as an internal failure (4xx).
    expect([...answers.keys()].filter((code) => code.startsWith('4'))).toEqual([]);
    expect(answers.get('250') ?? 0).toBeGreaterThan(MESSAGES / 2);

    const after = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
    const info = await after.sendMail({ from: 'ann@customer.test', to: 'support@fuzz.test', subject: 'still there?', text: 'yes' });
    after.close();
    expect(String(info.response)).toMatch(/^250 /);
  });
});
