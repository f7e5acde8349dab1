import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ImapFlow } from 'imapflow';
import { startCore } from '../../electron/core';
import { checkMailbox, getImapSettings, imapTarget } from '../../db/inbox/inbox';
import { MemoryPasswordStore } from '../../db/mail/smtp';
import { dovecotMissingReason, startDovecot, type Dovecot } from '../../tests/helpers/dovecot';
import { invoke, sendableWorld } from '../../tests/helpers/smtp';
import type { Report } from './types';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../tests/fixtures/mail');
const PEOPLE = 3_000;
const PROCESSED = 'Schakel verwerkt';

/** How many of each kind, and the outcome each must end in. 1,000 in all. */
const MIX = {
  unsubscribeSubject: 200, unsubscribeBody: 100, exchange: 150, gmail: 150, postfix: 100, complaint: 50,
  outOfOffice: 100, forged: 50, freeNl: 40, freeEn: 40, malformed: 20,
} as const;
const EXPECTED: Record<string, number> = {
  unsubscribed: MIX.unsubscribeSubject + MIX.unsubscribeBody, hard_bounce: MIX.exchange + MIX.gmail, soft_bounce: MIX.postfix, complaint: MIX.complaint,
  ignored: MIX.outOfOffice, review: MIX.forged + MIX.freeNl + MIX.freeEn + MIX.malformed,
};

function fixture(name: string): string {
  return readFileSync(path.join(FIXTURES, name), 'utf8');
}

/** The fixture with a fresh Message-ID (the first one is the message's own header) and the placeholders filled in. */
function fresh(raw: string, n: number, vars: Record<string, string | number> = {}): string {
  let out = raw.replace(/^Message-ID: <([^@>]+)@/m, (_m, local: string) => `Message-ID: <${local}-bench-${n}@`);
  for (const [k, v] of Object.entries(vars)) out = out.replaceAll(k, String(v));
  return out.replace(/\r?\n/g, '\r\n');
}

async function imap(d: Dovecot): Promise<ImapFlow> {
  const c = new ImapFlow({ host: d.host, port: d.port, secure: false, doSTARTTLS: false, auth: { user: d.user, pass: d.password }, logger: false });
  c.on('error', () => {});
  await c.connect();
  return c;
}

async function count(d: Dovecot, folder: string): Promise<number> {
  const c = await imap(d);
  try {
    const s = await c.status(folder, { messages: true });
    return s ? s.messages ?? 0 : 0;
  } finally {
    await c.logout();
  }
}

/**
 * inbox_1k_messages_s: one check of a real IMAP folder (dovecot on 127.0.0.1) holding 1,000 mixed messages: tokened
 * unsubscribes, Exchange/Gmail/Postfix reports, complaints, auto-replies, free text and malformed mail, matched against a
 * done send job to 3,000 people. Fetch, classify, act, record and move, end to end.
 */
export async function run(report: Report): Promise<void> {
  const missing = dovecotMissingReason();
  if (missing) throw new Error(missing);
  const dovecot = await startDovecot();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'schakel-bench-inbox-'));
  const passwords = new MemoryPasswordStore({});
  const core = await startCore({ dataDir, backup: { auto: false }, sending: { worker: false }, inbox: { passwords, watch: false } });
  try {
    const w = await sendableWorld(core.registry, core.ctx.sqlite, PEOPLE, { short: true });
    const sqlite = core.ctx.sqlite;
    const jobId = Number(sqlite.prepare(`INSERT INTO send_jobs (edition_id, mailbox, status, finished_at) VALUES (?, 'smtp', 'done', ?)`)
      .run(w.editionId, '2026-11-20T09:00:00.000Z').lastInsertRowid);
    const insert = sqlite.prepare(`INSERT INTO send_recipients (job_id, person_id, list_id, email, name, language, state, message_id, sent_at, updated_at)
      VALUES (?, ?, ?, ?, ?, 'nl', 'sent', ?, ?, ?)`);
    const rows: { id: number; email: string; messageId: string }[] = [];
    sqlite.transaction(() => {
      w.people.forEach((personId, i) => {
        const email = `lezer${i}@example.org`;
        const messageId = `${jobId}.${i}.bench@example.org`;
        const at = '2026-11-20T09:00:00.000Z';
        rows.push({ id: Number(insert.run(jobId, personId, w.listId, email, `Lezer${i}`, `<${messageId}>`, at, at).lastInsertRowid), email, messageId });
      });
    })();
    await invoke(core.registry, 'inbox.settings.save', {
      host: dovecot.host, port: dovecot.port, security: 'none', user: dovecot.user, password: dovecot.password, folder: 'INBOX', processedFolder: PROCESSED,
      pollMinutes: 0,
    });

    const tokens = core.services.newsletter.tokens;
    const f = {
      unsubNl: fixture('unsubscribe-nl.eml'), unsubBody: fixture('unsubscribe-body.eml'), exchange: fixture('exchange-dsn.eml'),
      gmail: fixture('gmail-bounce.eml'), postfix: fixture('postfix-delayed.eml'), complaint: fixture('complaint-arf.eml'),
      ooo: fixture('out-of-office.eml'), forged: fixture('unsubscribe-forged.eml'), freeNl: fixture('free-nl.eml'), freeEn: fixture('free-en.eml'),
      malformed: fixture('malformed.eml'),
    };
    const messages: string[] = [];
    let person = 0;
    const next = () => {
      const i = person++;
      return { i, personId: w.people[i]!, row: rows[i]! };
    };
    const ref = (r: (typeof rows)[number]) => ({ JOB_ID: jobId, RECIPIENT_ID: r.id, ORIGINAL_MESSAGE_ID: r.messageId });
    for (let k = 0; k < MIX.unsubscribeSubject; k++) {
      const p = next();
      messages.push(fresh(f.unsubNl, messages.length, { TOKEN: tokens.sign(p.personId, w.listId), 'anna@example.com': p.row.email }));
    }
    for (let k = 0; k < MIX.unsubscribeBody; k++) {
      const p = next();
      messages.push(fresh(f.unsubBody, messages.length, { TOKEN: tokens.sign(p.personId, w.listId), 'anna.prive@example.net': p.row.email }));
    }
    for (let k = 0; k < MIX.exchange; k++) {
      const p = next();
      messages.push(fresh(f.exchange, messages.length, { ...ref(p.row), 'anna@example.com': p.row.email }));
    }
    for (let k = 0; k < MIX.gmail; k++) {
      const p = next();
      messages.push(fresh(f.gmail, messages.length, { ORIGINAL_MESSAGE_ID: p.row.messageId, 'bram@example.com': p.row.email }));
    }
    for (let k = 0; k < MIX.postfix; k++) {
      const p = next();
      messages.push(fresh(f.postfix, messages.length, { ...ref(p.row), 'carla@example.net': p.row.email }));
    }
    for (let k = 0; k < MIX.complaint; k++) {
      const p = next();
      messages.push(fresh(f.complaint, messages.length, { ...ref(p.row), 'dirk@example.com': p.row.email }));
    }
    for (let k = 0; k < MIX.outOfOffice; k++) {
      const p = next();
      messages.push(fresh(f.ooo, messages.length, { 'eva@example.com': p.row.email }));
    }
    for (let k = 0; k < MIX.forged; k++) messages.push(fresh(f.forged, messages.length));
    for (let k = 0; k < MIX.freeNl; k++) {
      const p = next();
      messages.push(fresh(f.freeNl, messages.length, { 'anna.prive@example.net': p.row.email }));
    }
    for (let k = 0; k < MIX.freeEn; k++) messages.push(fresh(f.freeEn, messages.length));
    for (let k = 0; k < MIX.malformed; k++) messages.push(fresh(f.malformed, messages.length));
    if (messages.length !== 1_000) throw new Error(`the mix holds ${messages.length} messages, not 1,000`);
    // Interleaved, as mail arrives.
    const order = messages.map((_, i) => (i * 379) % messages.length);
    if (new Set(order).size !== messages.length) throw new Error('interleaving lost messages');

    const c = await imap(dovecot);
    for (const i of order) await c.append('INBOX', messages[i]!);
    await c.logout();
    if ((await count(dovecot, 'INBOX')) !== 1_000) throw new Error('not all 1,000 messages reached the IMAP folder');

    const target = imapTarget(await getImapSettings(core.ctx.db), passwords);
    const env = async () => ({ hasher: await core.services.consent.hasher(), tokens: core.services.newsletter.tokens, now: core.ctx.now() });
    const started = performance.now();
    const result = await checkMailbox(core.ctx.db, env, target);
    const seconds = (performance.now() - started) / 1000;

    const left = await count(dovecot, 'INBOX');
    const moved = await count(dovecot, PROCESSED);
    const recorded = Number((sqlite.prepare(`SELECT count(*) AS n FROM inbox_messages`).get() as { n: number }).n);
    const outcomes = Object.entries(result.byOutcome).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k} ${v}`).join(', ');
    console.log(`inbox_1k outcomes: ${outcomes} (seen ${result.seen}, duplicates ${result.duplicates}, moved ${moved}, left ${left})`);
    const wrong = Object.entries(EXPECTED).filter(([k, v]) => result.byOutcome[k] !== v).map(([k, v]) => `${k} ${result.byOutcome[k] ?? 0} (expected ${v})`);
    if (result.seen !== 1_000 || result.processed !== 1_000 || recorded !== 1_000 || left !== 0 || moved !== 1_000 || wrong.length) {
      throw new Error(`inbox bench: not all 1,000 messages were processed as expected: seen ${result.seen}, processed ${result.processed}, `
        + `recorded ${recorded}, moved ${moved}, left ${left}${wrong.length ? `; ${wrong.join(', ')}` : ''}`);
    }
    report('inbox_1k_messages_s', seconds, 's');
  } finally {
    await core.close();
    await dovecot.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
