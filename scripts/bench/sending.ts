import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import nodemailer from 'nodemailer';
import { startCore } from '../../electron/core';
import { getNewsletterSettings } from '../../db/newsletter/newsletter';
import { sampleEditionContent } from '../../db/newsletter/sample';
import { compileCached, createMerger } from '../../db/newsletter/render';
import { invoke, sendableWorld } from '../../tests/helpers/smtp';
import type { Report } from './types';

const CONNECTIONS = 4;

/** A discarding SMTP server in its own process, so it does not share the sender's core. */
const SERVER = `
import { SMTPServer } from 'smtp-server';
let n = 0;
const s = new SMTPServer({ logger: false, disabledCommands: ['STARTTLS', 'AUTH'], authOptional: true, size: 0,
  onData(stream, _session, cb) { stream.on('data', () => {}); stream.on('end', () => { n++; cb(null, 'Ok'); }); } });
s.on('error', () => {});
s.listen(0, '127.0.0.1', () => process.stdout.write('port ' + s.server.address().port + '\\n'));
process.stdin.on('data', () => process.stdout.write('count ' + n + '\\n'));
`;

async function startServer(): Promise<{ port: number; child: ChildProcess; count(): Promise<number> }> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', SERVER], { cwd: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..'), stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: string[] = [];
  const waiters: ((line: string) => void)[] = [];
  let buf = '';
  child.stdout!.on('data', (c: Buffer) => {
    buf += c.toString();
    const parts = buf.split('\n');
    buf = parts.pop()!;
    for (const p of parts) (waiters.shift() ?? ((l: string) => lines.push(l)))(p);
  });
  const next = () => new Promise<string>((resolve) => (lines.length ? resolve(lines.shift()!) : waiters.push(resolve)));
  const port = Number((await next()).split(' ')[1]);
  return {
    port, child,
    async count() {
      child.stdin!.write('\n');
      return Number((await next()).split(' ')[1]);
    },
  };
}

async function world(n: number, port: number) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'schakel-bench-send-'));
  const core = await startCore({
    dataDir, backup: { auto: false },
    sending: { worker: false, limits: null, target: { host: '127.0.0.1', port, security: 'none', user: '', password: null, connections: CONNECTIONS } },
  });
  const w = await sendableWorld(core.registry, core.ctx.sqlite, n);
  await invoke(core.registry, 'sending.settings.save', {
    host: '127.0.0.1', port, security: 'none', senderEmail: 'nieuwsbrief@example.org', profile: 'custom', perSecond: 1_000_000, connections: CONNECTIONS,
  });
  const job = await invoke<{ id: number }>(core.registry, 'sending.jobs.create', { editionId: w.editionId });
  return { core, dataDir, jobId: job.id, listId: w.listId };
}

/** The same edition and merge, straight into a nodemailer pool with the same connection count (64 messages in flight). */
async function raw(port: number, n: number, core: Awaited<ReturnType<typeof world>>['core'], listId: number): Promise<number> {
  const settings = await getNewsletterSettings(core.ctx.db);
  const compiled = await compileCached({ content: sampleEditionContent([listId]), language: 'nl', settings, mode: 'mail' }).compiled;
  const merge = createMerger(compiled, { settings, sign: core.services.newsletter.tokens.sign });
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, pool: true, maxConnections: CONNECTIONS, maxMessages: Infinity });
  const started = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < n) {
      const i = next++;
      const m = merge({ personId: i + 1, listId, firstName: `Lezer${i}`, lastName: 'Voorbeeld', organisation: '', listName: 'Partners', lawfulBasis: 'legitimate_interest' });
      await transport.sendMail({
        from: { name: settings.senderName, address: settings.senderEmail }, to: { name: `Lezer${i} Voorbeeld`, address: `lezer${i}@example.org` },
        subject: m.subject, html: m.html, text: m.text, textEncoding: 'base64', headers: { 'List-Unsubscribe': `<${m.unsubscribeUrl}>` },
      });
    }
  };
  await Promise.all(Array.from({ length: 64 }, lane));
  const rate = n / ((performance.now() - started) / 1000);
  transport.close();
  return rate;
}

/** In a fresh process: opens the data folder with a ready 20,000-recipient job and runs it, sampling memory. */
async function childRss(dataDir: string, port: number): Promise<void> {
  const core = await startCore({
    dataDir, backup: { auto: false },
    sending: { worker: false, limits: null, target: { host: '127.0.0.1', port, security: 'none', user: '', password: null, connections: CONNECTIONS } },
  });
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
  const job = await core.ctx.db.selectFrom('send_jobs').select('id').orderBy('id').executeTakeFirstOrThrow();
  const status = await core.services.sending.worker.runToEnd(job.id);
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  await core.close();
  process.stdout.write(`${JSON.stringify({ peak, status })}\n`);
}

/**
 * send_10k_msgs_per_s: a 10,000-recipient job through the outbox (consent re-check, "sending" and "sent" written with
 * synchronous=FULL, timeline entries) into a local SMTP server, 4 connections.
 * raw_10k_msgs_per_s: the same edition merged and handed straight to a nodemailer pool, same server, same connections, same
 * (base64) body encoding.
 * send_peak_rss_mb: peak resident memory of a fresh process that opens the data folder and sends a prepared 20,000-recipient job.
 */
export async function run(report: Report): Promise<void> {
  const server = await startServer();
  try {
    const w = await world(10_000, server.port);
    const rawBefore = await raw(server.port, 10_000, w.core, w.listId);
    const before = await server.count();
    const started = performance.now();
    const status = await w.core.services.sending.worker.runToEnd(w.jobId);
    const sendRate = 10_000 / ((performance.now() - started) / 1000);
    const delivered = (await server.count()) - before;
    // The machine is shared: raw runs before and after, and the faster of the two counts (the stricter ratio).
    const rawRate = Math.max(rawBefore, await raw(server.port, 10_000, w.core, w.listId));
    await w.core.close();
    rmSync(w.dataDir, { recursive: true, force: true });
    if (status !== 'done' || delivered !== 10_000) throw new Error(`send job ended ${status} with ${delivered} delivered`);
    report('send_10k_msgs_per_s', Math.round(sendRate), 'msg/s');
    report('raw_10k_msgs_per_s', Math.round(rawRate), 'msg/s');
    report('send_vs_raw_ratio', sendRate / rawRate, 'x');
  } finally {
    server.child.kill();
  }
  // The 20,000-recipient job is prepared here and sent by a fresh process.
  const rssServer = await startServer();
  try {
    const w = await world(20_000, rssServer.port);
    await w.core.services.sending.worker.stop();
    await w.core.close();
    const self = fileURLToPath(import.meta.url);
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', self, '--rss-child', w.dataDir, String(rssServer.port)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let text = '';
      child.stdout.on('data', (c: Buffer) => { text += c.toString(); });
      child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`rss child exited with ${code}`))));
    });
    const { peak, status } = JSON.parse(out.trim().split('\n').at(-1)!) as { peak: number; status: string };
    const received = await rssServer.count();
    rmSync(w.dataDir, { recursive: true, force: true });
    if (status !== 'done' || received !== 20_000) throw new Error(`20k job ended ${status} with ${received} delivered`);
    report('send_peak_rss_mb', Math.round(peak / 1024 / 1024), 'MB');
  } finally {
    rssServer.child.kill();
  }
}

const rssArg = process.argv.indexOf('--rss-child');
if (rssArg > 0) {
  childRss(process.argv[rssArg + 1]!, Number(process.argv[rssArg + 2])).then(() => process.exit(0), (error) => {
    console.error(error);
    process.exit(1);
  });
}
