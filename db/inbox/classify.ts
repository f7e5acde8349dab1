import libmime from 'libmime';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';

/** What a report says about the original message; only its Message-ID or a signed trace header proves it was ours. */
export interface OriginalRef {
  jobId: number | null;
  /** The X-Schakel-Recipient header as found (signed "row.mac" since migration 0009). */
  trace: string | null;
  messageId: string | null;
  /** The address the report names as the one that failed or complained. */
  recipient: string | null;
}

/** Why a message without a rule of its own may matter: the review queue says so. */
export type OtherHint = 'unreadable' | 'unsubscribe' | 'erasure' | null;

export type Classification =
  | { kind: 'unsubscribe'; tokens: string[] }
  | { kind: 'confirm'; tokens: string[] }
  | { kind: 'bounce'; hard: boolean; status: string | null; diagnostic: string | null; original: OriginalRef }
  | { kind: 'complaint'; original: OriginalRef }
  | { kind: 'auto_reply' }
  | { kind: 'other'; hint: OtherHint };

export interface ClassifiedMail {
  messageId: string;
  from: string | null;
  subject: string;
  text: string;
  /** The sender's Date: header; shown, never used to date an event. */
  date: string | null;
  classification: Classification;
}

const TOKEN_IN_TEXT = /\b([0-9a-z]{1,12}\.[0-9a-z]{1,12}\.[A-Za-z0-9_-]{22})(?![A-Za-z0-9_-])/g;
const UNSUBSCRIBE_WORDS = /\b(afmelden|uitschrijven|unsubscribe|opt[- ]?out)\b/i;
const CONFIRM_WORDS = /\b(bevestig\w*|confirm\w*)\b/i;
const BOUNCE_SENDER = /^(mailer-daemon|postmaster|mail-daemon|microsoftexchange[0-9a-f]*)@/i;
const BOUNCE_SUBJECT = /(undeliver|undelivered|delivery status notification|delivery failure|failure notice|returned mail|delayed mail|onbestelbaar|niet bezorgd|kan niet worden bezorgd)/i;
const AUTO_SUBJECT = /^(automatic reply|auto[- ]?reply|automatisch antwoord|out of office|afwezig)\b/i;
const STATUS_IN_TEXT = /\b([245])\.(\d{1,3})\.(\d{1,3})\b/;
const UNSUBSCRIBE_REQUEST = /\b(afmelden|afmelding|uitschrijven|unsubscribe|opt[- ]?out|van de (?:mailing|verzend)?lijst|geen (?:nieuwsbrief|mail|e-?mails?) meer|remove me|take me off)\b/i;
const ERASURE_REQUEST = /(mijn (?:persoons)?gegevens (?:te )?(?:verwijderen|wissen)|verwijder\w* (?:al )?mijn (?:persoons)?gegevens|recht op (?:vergetelheid|verwijdering)|vergeten (?:te )?worden|(?:delete|erase|remove) (?:all )?my (?:personal )?(?:data|details|information)|right to (?:be forgotten|erasure))/i;

export function parseMessage(raw: Buffer | string): Promise<ParsedMail> {
  return simpleParser(raw, { keepDeliveryStatus: true, skipImageLinks: true, skipHtmlToText: false });
}

function header(mail: { headers: Map<string, unknown> }, name: string): string | null {
  const v = mail.headers.get(name.toLowerCase());
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && 'value' in (v as object)) return String((v as { value: unknown }).value);
  return String(v);
}

function firstAddress(a: AddressObject | AddressObject[] | undefined): string | null {
  const list = Array.isArray(a) ? a : a ? [a] : [];
  for (const o of list) for (const v of o.value) if (v.address) return v.address.trim().toLowerCase();
  return null;
}

/** "Name: value" lines in blocks separated by blank lines (RFC 3464 / 5965 report bodies), names lower-cased. */
export function parseFields(text: string): Record<string, string>[] {
  const blocks: Record<string, string>[] = [];
  let current: Record<string, string> = {};
  let last: string | null = null;
  for (const line of text.replace(/\r\n/g, '\n').split('\n')) {
    if (line.trim() === '') {
      if (Object.keys(current).length) blocks.push(current);
      current = {};
      last = null;
      continue;
    }
    if (/^[ \t]/.test(line) && last) {
      current[last] += ` ${line.trim()}`;
      continue;
    }
    const m = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
    if (m) {
      last = m[1]!.toLowerCase();
      current[last] = m[2]!.trim();
    }
  }
  if (Object.keys(current).length) blocks.push(current);
  return blocks;
}

function stripAddressType(v: string | undefined): string | null {
  if (!v) return null;
  const address = v.replace(/^[a-z0-9-]+;\s*/i, '').replace(/^<|>$/g, '').trim().toLowerCase();
  return address.includes('@') ? address : null;
}

function intOrNull(v: string | null | undefined): number | null {
  if (!v) return null;
  const n = Number(v.trim());
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

function normaliseMessageId(v: string | null | undefined): string | null {
  if (!v) return null;
  const m = /<[^<>\s]+>/.exec(v);
  return m ? m[0] : v.trim() ? `<${v.trim().replace(/^<|>$/g, '')}>` : null;
}

/** The original message's headers, from a text/rfc822-headers or message/rfc822 part, or quoted in the text. */
function originalHeaders(mail: ParsedMail): Record<string, string> {
  for (const a of mail.attachments) {
    if (a.contentType === 'text/rfc822-headers' || a.contentType === 'message/rfc822' || a.contentType === 'message/rfc822-headers') {
      const headerText = a.content.toString('utf8').replace(/\r\n/g, '\n').split('\n\n')[0] ?? '';
      const [first] = parseFields(headerText);
      if (first) return first;
    }
  }
  const out: Record<string, string> = {};
  const text = mail.text ?? '';
  for (const name of ['x-schakel-job', 'x-schakel-recipient', 'message-id']) {
    const m = new RegExp(`^\\s*${name}:\\s*(\\S+)`, 'im').exec(text);
    if (m) out[name] = m[1]!;
  }
  return out;
}

function reportPart(mail: ParsedMail, type: string): Record<string, string>[] | null {
  const part = mail.attachments.find((a) => a.contentType === type);
  return part ? parseFields(part.content.toString('utf8')) : null;
}

function originalRef(mail: ParsedMail, recipient: string | null): OriginalRef {
  const h = originalHeaders(mail);
  return {
    jobId: intOrNull(h['x-schakel-job']), trace: h['x-schakel-recipient']?.trim() || null,
    messageId: normaliseMessageId(h['message-id']), recipient: recipient ?? stripAddressType(h['to']?.match(/<([^>]+)>/)?.[1] ?? h['to']),
  };
}

function classifyReport(mail: ParsedMail, from: string | null, subject: string): Classification | null {
  const contentType = header(mail, 'content-type')?.toLowerCase() ?? '';
  const reportType = (mail.headers.get('content-type') as { params?: Record<string, string> } | undefined)?.params?.['report-type']?.toLowerCase();

  const feedback = reportPart(mail, 'message/feedback-report');
  if (feedback || reportType === 'feedback-report') {
    const f = feedback?.[0] ?? {};
    return { kind: 'complaint', original: originalRef(mail, stripAddressType(f['original-rcpt-to'] ?? f['removal-recipient'])) };
  }

  const status = reportPart(mail, 'message/delivery-status') ?? reportPart(mail, 'message/global-delivery-status');
  if (status) {
    const recipients = status.filter((b) => b['final-recipient'] || b['action'] || b['status']);
    const r = recipients.find((b) => /^failed/i.test(b['action'] ?? '')) ?? recipients.find((b) => /^5\./.test(b['status'] ?? '')) ?? recipients[0];
    if (r) {
      const action = (r['action'] ?? '').toLowerCase();
      const code = /\d\.\d{1,3}\.\d{1,3}/.exec(r['status'] ?? '')?.[0] ?? null;
      if (action === 'delivered' || action === 'relayed' || action === 'expanded') return { kind: 'auto_reply' };
      const hard = action === 'failed' ? !code?.startsWith('4') : code?.startsWith('5') ?? false;
      return {
        kind: 'bounce', hard, status: code, diagnostic: (r['diagnostic-code'] ?? '').replace(/^smtp;\s*/i, '') || null,
        original: originalRef(mail, stripAddressType(r['final-recipient'] ?? r['original-recipient'])),
      };
    }
  }

  // Non-standard bounces (Gmail and others): a daemon sender or a bounce subject, with a status code in the text.
  const looksLikeBounce = (from !== null && BOUNCE_SENDER.test(from)) || BOUNCE_SUBJECT.test(subject)
    || (contentType.startsWith('multipart/report') && reportType === 'delivery-status');
  if (looksLikeBounce) {
    const text = mail.text ?? '';
    const code = STATUS_IN_TEXT.exec(text);
    const delayed = /\b(delay|delayed|warning|will (?:keep )?retry|still being retried|vertraagd)\b/i.test(`${subject}\n${text}`);
    const hard = code ? code[1] === '5' : !delayed && /\b(failure|failed|not found|does not exist|couldn't be delivered|wasn't delivered)\b/i.test(`${subject}\n${text}`);
    const recipient = /(?:delivered to|to)\s+<?([^\s<>@]+@[A-Za-z0-9.-]*[A-Za-z0-9])>?/i.exec(text)?.[1]?.toLowerCase() ?? null;
    const diagnostic = code ? (text.split('\n').find((l) => l.includes(code[0]))?.trim() ?? null) : null;
    return { kind: 'bounce', hard, status: code?.[0] ?? null, diagnostic, original: originalRef(mail, recipient) };
  }
  return null;
}

function isAutoReply(mail: ParsedMail, subject: string): boolean {
  const auto = header(mail, 'auto-submitted')?.toLowerCase().trim();
  if (auto && auto !== 'no') return true;
  if (header(mail, 'x-autoreply') || header(mail, 'x-autorespond')) return true;
  const suppress = header(mail, 'x-auto-response-suppress');
  if (suppress && /\b(all|oof|autoreply)\b/i.test(suppress) && AUTO_SUBJECT.test(subject)) return true;
  const precedence = header(mail, 'precedence')?.toLowerCase();
  if (precedence === 'auto_reply') return true;
  return AUTO_SUBJECT.test(subject);
}

function tokensIn(text: string): string[] {
  return [...new Set([...text.matchAll(TOKEN_IN_TEXT)].map((m) => m[1]!))];
}

/** Decides what a message is; acting on it (and checking tokens) is the inbox service's part. Never throws. */
export function classify(mail: ParsedMail): Classification {
  const from = firstAddress(mail.from);
  const subject = mail.subject ?? '';
  const report = classifyReport(mail, from, subject);
  if (report) return report;
  if (isAutoReply(mail, subject)) return { kind: 'auto_reply' };

  const body = (mail.text ?? '').split(/\n\s*>/)[0] ?? '';
  const subjectTokens = tokensIn(subject);
  const bodyTokens = tokensIn(body);
  if (subjectTokens.length && UNSUBSCRIBE_WORDS.test(subject)) return { kind: 'unsubscribe', tokens: subjectTokens };
  if (subjectTokens.length && CONFIRM_WORDS.test(subject)) return { kind: 'confirm', tokens: subjectTokens };
  if (bodyTokens.length && UNSUBSCRIBE_WORDS.test(`${subject}\n${body}`)) return { kind: 'unsubscribe', tokens: bodyTokens };
  if (bodyTokens.length && CONFIRM_WORDS.test(`${subject}\n${body}`)) return { kind: 'confirm', tokens: bodyTokens };
  if (unreadable(mail)) return { kind: 'other', hint: 'unreadable' };
  const words = `${subject}\n${body}`;
  if (ERASURE_REQUEST.test(words)) return { kind: 'other', hint: 'erasure' };
  if (UNSUBSCRIBE_REQUEST.test(words)) return { kind: 'other', hint: 'unsubscribe' };
  return { kind: 'other', hint: null };
}

/** A multipart message in which the parser found no part at all (a broken boundary, say). */
function unreadable(mail: ParsedMail): boolean {
  const contentType = header(mail, 'content-type')?.toLowerCase() ?? '';
  return contentType.startsWith('multipart/') && !mail.text?.trim() && !mail.html && mail.attachments.length === 0;
}

function safeClassify(mail: ParsedMail): Classification {
  try {
    return classify(mail);
  } catch {
    return { kind: 'other', hint: 'unreadable' };
  }
}

/** RFC 2047 encoded-words decoded where they can be; the text as it is otherwise. */
export function decodeHeaderWords(value: string): string {
  if (!value.includes('=?')) return value;
  try {
    return libmime.decodeWords(value);
  } catch {
    return value;
  }
}

/** A stable identity for a message without a Message-ID: a hash of its raw bytes. */
export function summarise(mail: ParsedMail, fallbackId: string): ClassifiedMail {
  return {
    messageId: normaliseMessageId(mail.messageId) ?? fallbackId,
    from: firstAddress(mail.from),
    subject: decodeHeaderWords(mail.subject ?? ''),
    text: (mail.text ?? '').slice(0, 20_000),
    date: mail.date && !Number.isNaN(mail.date.getTime()) && header(mail, 'date') ? mail.date.toISOString() : null,
    classification: safeClassify(mail),
  };
}

/** What can still be read of a message the parser gave up on: its header fields, decoded, and the raw text. */
export function summariseUnreadable(raw: Buffer, fallbackId: string): ClassifiedMail {
  const text = raw.toString('utf8');
  const head = text.replace(/\r\n/g, '\n').split('\n\n')[0] ?? '';
  const field = (name: string) => {
    const m = new RegExp(`^${name}:[ \t]*(.*(?:\n[ \t].*)*)`, 'im').exec(head);
    return m ? m[1]!.replace(/\n[ \t]+/g, ' ').trim() : null;
  };
  const from = field('from');
  return {
    messageId: normaliseMessageId(field('message-id')) ?? fallbackId,
    from: from ? (/<([^<>\s]+@[^<>\s]+)>/.exec(from)?.[1] ?? /[^\s<>"]+@[^\s<>"]+/.exec(from)?.[0] ?? null)?.toLowerCase() ?? null : null,
    subject: decodeHeaderWords(field('subject') ?? ''),
    text: text.slice(0, 20_000),
    date: null,
    classification: { kind: 'other', hint: 'unreadable' },
  };
}
