import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { readOrCreateKey } from '../store/secrets';
import { NEWSLETTER_KEY_FILE } from '../newsletter/newsletter';

// The X-Schakel-Recipient trace header: "<row>.<mac>", the mac an HMAC over job and row with the
// installation's newsletter key under its own purpose, so a report can prove it answers a message Schakel sent.

const TRACE_RE = /^([0-9]{1,15})\.([A-Za-z0-9_-]{22})$/;

export class TraceSigner {
  private readonly key: KeyObject;

  constructor(key: Buffer) {
    this.key = createSecretKey(key);
  }

  private mac(jobId: number, rowId: number): string {
    return createHmac('sha256', this.key).update(`schakel:trace:${jobId}.${rowId}`).digest('base64url').slice(0, 22);
  }

  sign(jobId: number, rowId: number): string {
    return `${rowId}.${this.mac(jobId, rowId)}`;
  }

  /** The outbox row a trace header names, or null when it was not signed for this job with this installation's key. */
  verify(jobId: number | null, value: string | null): number | null {
    if (jobId === null || !value) return null;
    const m = TRACE_RE.exec(value.trim());
    if (!m) return null;
    const rowId = Number(m[1]);
    if (!Number.isSafeInteger(rowId)) return null;
    const expected = Buffer.from(this.mac(jobId, rowId));
    const given = Buffer.from(m[2]!);
    return expected.length === given.length && timingSafeEqual(expected, given) ? rowId : null;
  }
}

const signers = new Map<string, TraceSigner>();

export function traceSigner(dataDir: string): TraceSigner {
  let s = signers.get(dataDir);
  if (!s) {
    s = new TraceSigner(readOrCreateKey(dataDir, NEWSLETTER_KEY_FILE, { create: true }));
    signers.set(dataDir, s);
  }
  return s;
}

/** The value of X-Schakel-Recipient for one outbox row. */
export function signedTrace(dataDir: string, jobId: number, rowId: number): string {
  return traceSigner(dataDir).sign(jobId, rowId);
}
