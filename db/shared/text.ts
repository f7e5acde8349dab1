const SPECIAL: Record<string, string> = {
  'œ': 'oe', 'Œ': 'oe', 'æ': 'ae', 'Æ': 'ae', 'ß': 'ss', 'ø': 'o', 'Ø': 'o', 'ł': 'l', 'Ł': 'l',
  'đ': 'd', 'Đ': 'd', 'ı': 'i', '\u2018': "'", '\u2019': "'", '\u00b4': "'", '`': "'",
};
const SPECIAL_RE = new RegExp(`[${Object.keys(SPECIAL).join('')}]`, 'g');

/** Lower-case, without diacritics, with typographic quotes folded: for search and sorting. */
export function fold(text: string): string {
  return text
    .replace(SPECIAL_RE, (c) => SPECIAL[c] ?? c)
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** Normalised e-mail address: trimmed, Unicode NFC, lower-case. */
export function normaliseEmail(email: string): string {
  return email.trim().normalize('NFC').toLowerCase();
}

// Pragmatic address check: local@domain.tld, no spaces, no consecutive dots.
const EMAIL_RE = /^[^\s@<>(),;:"[\]]+@[^\s@<>(),;:"[\]]+\.[^\s@<>(),;:"[\]]{2,}$/u;
export function isValidEmail(email: string): boolean {
  const e = email.trim();
  if (e.length > 254 || !EMAIL_RE.test(e)) return false;
  const [local, domain] = e.split('@') as [string, string];
  if (local.length > 64 || local.startsWith('.') || local.endsWith('.') || local.includes('..')) return false;
  return domain.split('.').every((label) => label.length > 0 && !label.startsWith('-') && !label.endsWith('-'));
}

/** 127.0.0.1, localhost or ::1: the only hosts a mail connection without TLS may go to. */
export function isLoopbackHost(host: string): boolean {
  return ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host.trim().toLowerCase());
}

export const CLEARTEXT_REFUSED = {
  nl: 'Zonder beveiliging gaan gebruikersnaam, wachtwoord en berichten onversleuteld over het netwerk; kies TLS of STARTTLS (zonder beveiliging mag alleen naar 127.0.0.1, localhost of ::1).',
  en: 'Without security the user name, password and messages cross the network unencrypted; choose TLS or STARTTLS (no security is allowed only to 127.0.0.1, localhost or ::1).',
};
