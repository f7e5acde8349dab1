import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { classify, parseMessage, parseFields, summarise, summariseUnreadable } from '../../db/inbox/classify';
import { TraceSigner } from '../../db/inbox/inbox-trace';

const dir = path.join(__dirname, '../fixtures/mail');
const TOKEN = '1a.2.abcdefghijklmnopqrstuv';

async function load(name: string, vars: Record<string, string> = {}) {
  let raw = readFileSync(path.join(dir, name), 'utf8');
  const all = { TOKEN, ORIGINAL_MESSAGE_ID: '12.34.abcdef@example.org', JOB_ID: '12', RECIPIENT_ID: '34', ...vars };
  for (const [k, v] of Object.entries(all)) raw = raw.replaceAll(k, v);
  return parseMessage(raw);
}

describe('inbox classifier', () => {
  it('reads an Exchange Online DSN as a hard bounce with our headers', async () => {
    const c = classify(await load('exchange-dsn.eml'));
    expect(c).toMatchObject({ kind: 'bounce', hard: true, status: '5.1.10', original: { jobId: 12, trace: '34', messageId: '<12.34.abcdef@example.org>', recipient: 'anna@example.com' } });
  });

  it('reads a Gmail bounce without a delivery-status part as a hard bounce by Message-ID', async () => {
    const c = classify(await load('gmail-bounce.eml'));
    expect(c).toMatchObject({ kind: 'bounce', hard: true, status: '5.1.1', original: { jobId: null, messageId: '<12.34.abcdef@example.org>', recipient: 'bram@example.com' } });
  });

  it('reads a Postfix delay as a soft bounce, even though it says Auto-Submitted', async () => {
    const c = classify(await load('postfix-delayed.eml'));
    expect(c).toMatchObject({ kind: 'bounce', hard: false, status: '4.2.2', original: { jobId: 12, trace: '34', recipient: 'carla@example.net' } });
  });

  it('reads an ARF report as a complaint', async () => {
    const c = classify(await load('complaint-arf.eml'));
    expect(c).toMatchObject({ kind: 'complaint', original: { jobId: 12, trace: '34', recipient: 'dirk@example.com' } });
  });

  it('ignores an out-of-office reply', async () => {
    expect(classify(await load('out-of-office.eml'))).toEqual({ kind: 'auto_reply' });
  });

  it('finds the unsubscribe token in the subject and in the body', async () => {
    expect(classify(await load('unsubscribe-nl.eml'))).toEqual({ kind: 'unsubscribe', tokens: [TOKEN] });
    expect(classify(await load('unsubscribe-body.eml'))).toEqual({ kind: 'unsubscribe', tokens: [TOKEN] });
    expect(classify(await load('unsubscribe-forged.eml'))).toEqual({ kind: 'unsubscribe', tokens: ['1.1.AAAAAAAAAAAAAAAAAAAAAA'] });
  });

  it('finds a confirmation reply', async () => {
    expect(classify(await load('confirm.eml'))).toEqual({ kind: 'confirm', tokens: [TOKEN] });
  });

  it('leaves free text in Dutch and English for a person, saying what it looks like', async () => {
    // free-nl asks to delete "al mijn gegevens".
    expect(classify(await load('free-nl.eml'))).toEqual({ kind: 'other', hint: 'erasure' });
    expect(classify(await load('free-en.eml'))).toEqual({ kind: 'other', hint: null });
    const plea = await parseMessage('From: a@example.org\r\nSubject: Nieuwsbrief\r\n\r\nHaal mij van de lijst alstublieft.\r\n');
    expect(classify(plea)).toEqual({ kind: 'other', hint: 'unsubscribe' });
  });

  it('survives a malformed message and says it could not be read', async () => {
    const s = summarise(await load('malformed.eml'), '<fallback@local>');
    expect(s.classification).toEqual({ kind: 'other', hint: 'unreadable' });
    expect(s.messageId).toBe('<malformed-1@example.com>');
  });

  it('decodes the subject of a message it cannot read', async () => {
    const raw = 'From: =?utf-8?Q?Jos=C3=A9?= <jose@example.org>\r\nSubject: =?utf-8?Q?Graag_afmelden_=E2=80=93_Jos=C3=A9?=\r\n'
      + 'Message-ID: <kapot-2@example.org>\r\nContent-Type: multipart/mixed; boundary="nooit"\r\n\r\n--anders\r\nrommel\r\n';
    const parsed = summarise(await parseMessage(raw), '<fallback@local>');
    expect(parsed).toMatchObject({ subject: 'Graag afmelden – José', classification: { kind: 'other', hint: 'unreadable' } });
    // When the parser gives up entirely, the header fields are still read and decoded.
    const fallback = summariseUnreadable(Buffer.from(raw), '<fallback@local>');
    expect(fallback).toMatchObject({
      messageId: '<kapot-2@example.org>', from: 'jose@example.org', subject: 'Graag afmelden – José', classification: { kind: 'other', hint: 'unreadable' },
    });
  });

  it('parses report fields with continuation lines', () => {
    expect(parseFields('A: 1\n  more\n\nB-C: 2\n')).toEqual([{ a: '1 more' }, { 'b-c': '2' }]);
  });

  it('signs the trace header over job and row: another row, job or key does not verify', () => {
    const key = Buffer.alloc(32, 7);
    const signer = new TraceSigner(key);
    const value = signer.sign(12, 34);
    expect(value).toMatch(/^34\.[A-Za-z0-9_-]{22}$/);
    expect(signer.verify(12, value)).toBe(34);
    expect(signer.verify(13, value)).toBeNull();
    expect(signer.verify(null, value)).toBeNull();
    expect(signer.verify(12, '34')).toBeNull();
    expect(signer.verify(12, value.replace(/^34/, '35'))).toBeNull();
    expect(new TraceSigner(Buffer.alloc(32, 8)).verify(12, value)).toBeNull();
  });
});
