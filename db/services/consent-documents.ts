import type { DbOrTx } from '../connection';
import type { Language } from '../schema';
import type { ConsentEventView, DocumentExport, PersonConsent } from '../../electron/commands/consent.contract';
import { LABELS } from './consent-model';
import { personConsent } from './consent';
import { PERSON_DATA_SOURCES } from './person-data';
import type { AddressHasher } from './suppression';

export const CONTROLLER = {
  nl: 'Programma Jeugd en Veiligheid Oost-Nederland (secretariaat), Veiligheidsnetwerk Oost-Nederland',
  en: 'Programme Youth and Safety East Netherlands (secretariat), Veiligheidsnetwerk Oost-Nederland',
};

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** UTC instant, written with the Dutch local time beside it. */
function when(iso: string, lang: Language): string {
  const local = new Intl.DateTimeFormat(lang === 'nl' ? 'nl-NL' : 'en-GB', {
    timeZone: 'Europe/Amsterdam', dateStyle: 'long', timeStyle: 'short',
  }).format(new Date(iso));
  return `${local} (${iso.replace('T', ' ').replace(/\.\d+Z$/, ' UTC').replace(/Z$/, ' UTC')})`;
}

const T = {
  proofTitle: { nl: 'Bewijs van toestemming en afmelding', en: 'Record of consent and unsubscription' },
  accessTitle: { nl: 'Overzicht van uw gegevens', en: 'Overview of your personal data' },
  made: { nl: 'Opgesteld op', en: 'Drawn up on' },
  controller: { nl: 'Verwerkingsverantwoordelijke', en: 'Controller' },
  person: { nl: 'Persoon', en: 'Person' },
  addresses: { nl: 'E-mailadressen', en: 'E-mail addresses' },
  suppressed: { nl: 'op de afmeldlijst', en: 'on the suppression list' },
  since: { nl: 'sinds', en: 'since' },
  subscriptions: { nl: 'Huidige aanmeldingen', en: 'Current subscriptions' },
  list: { nl: 'Lijst', en: 'List' },
  basis: { nl: 'Grondslag', en: 'Lawful basis' },
  status: { nl: 'Status', en: 'Status' },
  purpose: { nl: 'Doeltekst', en: 'Purpose text' },
  version: { nl: 'versie', en: 'version' },
  timeline: { nl: 'Tijdlijn van alle gebeurtenissen', en: 'Timeline of every event' },
  when: { nl: 'Wanneer', en: 'When' },
  what: { nl: 'Wat', en: 'What' },
  how: { nl: 'Hoe', en: 'How' },
  who: { nl: 'Vastgelegd door', en: 'Recorded by' },
  evidence: { nl: 'Bewijs', en: 'Evidence' },
  address: { nl: 'Adres', en: 'Address' },
  recorded: { nl: 'vastgelegd', en: 'recorded' },
  texts: { nl: 'Getoonde doelteksten', en: 'Purpose texts shown' },
  none: { nl: 'Geen.', en: 'None.' },
  erasedRow: { nl: '(persoonsgegevens gewist)', en: '(personal data erased)' },
  doi: { nl: 'met bevestiging per mail (double opt-in)', en: 'with e-mail confirmation (double opt-in)' },
  file: { nl: 'bestand', en: 'file' },
  message: { nl: 'bericht', en: 'message' },
  note: { nl: 'Notitie', en: 'Note' },
  json: {
    nl: 'De volledige gegevens staan ook in het bijgevoegde JSON-bestand.',
    en: 'The complete data is also in the accompanying JSON file.',
  },
  accessIntro: {
    nl: 'Dit overzicht bevat alle gegevens die het secretariaat in Schakel over u bewaart, met de reden en de herkomst. '
      + 'U kunt ons vragen gegevens te corrigeren of te wissen, of bezwaar maken tegen het gebruik ervan.',
    en: 'This overview contains all data the secretariat keeps about you in Schakel, with the reason and the source. '
      + 'You may ask us to correct or erase data, or object to its use.',
  },
};

const PAGE_STYLE = `body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b;line-height:1.45}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccc}table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{border:1px solid #ccc;padding:.35rem .5rem;text-align:left;vertical-align:top}th{background:#f2f2f2}.muted{color:#555}
blockquote{margin:.5rem 0;padding:.5rem 1rem;border-left:4px solid #888;background:#f7f7f7;white-space:pre-wrap}
@media print{body{margin:0}}`;

function page(lang: Language, title: string, body: string): string {
  return `<!doctype html>\n<html lang="${lang}"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${PAGE_STYLE}</style></head>`
    + `<body>${body}</body></html>\n`;
}

function evidenceHtml(e: ConsentEventView, lang: Language): string {
  const parts: string[] = [];
  if (e.evidence.text) parts.push(escapeHtml(e.evidence.text));
  if (e.evidence.file) parts.push(`${T.file[lang]}: ${escapeHtml(e.evidence.file)}`);
  if (e.evidence.messageId) parts.push(`${T.message[lang]}: <code>${escapeHtml(e.evidence.messageId)}</code>`);
  if (e.note) parts.push(`${T.note[lang]}: ${escapeHtml(e.note)}`);
  return parts.join('<br>');
}

function eventsTable(events: readonly ConsentEventView[], lang: Language): string {
  if (!events.length) return `<p>${T.none[lang]}</p>`;
  const rows = events.map((e) => {
    const what = [LABELS.eventType[e.type][lang], e.listName ? `— ${escapeHtml(e.listName)}` : ''];
    if (e.purposeVersion) what.push(`<br><span class="muted">${T.purpose[lang]} ${T.version[lang]} ${e.purposeVersion.version}</span>`);
    if (e.type === 'subscribed' && e.doubleOptIn) what.push(`<br><span class="muted">${T.doi[lang]}</span>`);
    if (e.reason && e.reason in LABELS.suppressionReason) what.push(`<br><span class="muted">${LABELS.suppressionReason[e.reason as keyof typeof LABELS.suppressionReason][lang]}</span>`);
    if (e.erased) what.push(`<br><span class="muted">${T.erasedRow[lang]}</span>`);
    return `<tr><td>${escapeHtml(when(e.occurredAt, lang))}<br><span class="muted">${T.recorded[lang]} ${escapeHtml(e.recordedAt.slice(0, 10))}</span></td>`
      + `<td>${what.join(' ')}</td><td>${escapeHtml(LABELS.source[e.source]?.[lang] ?? e.source)}</td><td>${escapeHtml(e.actor)}</td>`
      + `<td>${escapeHtml(e.email ?? '')}</td><td>${evidenceHtml(e, lang)}</td></tr>`;
  });
  return `<table><thead><tr><th>${T.when[lang]}</th><th>${T.what[lang]}</th><th>${T.how[lang]}</th><th>${T.who[lang]}</th>`
    + `<th>${T.address[lang]}</th><th>${T.evidence[lang]}</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function purposeTexts(events: readonly ConsentEventView[], lang: Language): string {
  const seen = new Map<number, { version: number; text: string; list: string }>();
  for (const e of events) if (e.purposeVersion) seen.set(e.purposeVersion.id, { ...e.purposeVersion, list: e.listName ?? '' });
  if (!seen.size) return '';
  const items = [...seen.values()].map((v) => `<h3>${escapeHtml(v.list)} — ${T.version[lang]} ${v.version}</h3><blockquote>${escapeHtml(v.text)}</blockquote>`);
  return `<h2>${T.texts[lang]}</h2>${items.join('')}`;
}

function consentSections(c: PersonConsent, lang: Language, chronological: ConsentEventView[]): string {
  const addresses = c.addresses.map((a) => `<li>${escapeHtml(a.email)}${a.suppression
    ? ` — <strong>${T.suppressed[lang]}</strong> (${escapeHtml(LABELS.suppressionReason[a.suppression.reason][lang])}, ${T.since[lang]} ${escapeHtml(a.suppression.since.slice(0, 10))})`
    : ''}</li>`).join('');
  const subs = c.subscriptions.length
    ? `<table><thead><tr><th>${T.list[lang]}</th><th>${T.basis[lang]}</th><th>${T.status[lang]}</th><th>${T.since[lang]}</th><th>${T.purpose[lang]}</th></tr></thead><tbody>`
      + c.subscriptions.map((s) => `<tr><td>${escapeHtml(s.listName)}</td><td>${LABELS.lawfulBasis[s.lawfulBasis][lang]}</td>`
        + `<td>${LABELS.status[s.status][lang]}</td><td>${escapeHtml(s.since.slice(0, 10))}</td>`
        + `<td>${s.purposeVersion ? `${T.version[lang]} ${s.purposeVersion.version}` : ''}</td></tr>`).join('')
      + '</tbody></table>'
    : `<p>${T.none[lang]}</p>`;
  return `<h2>${T.addresses[lang]}</h2><ul>${addresses || `<li>${T.none[lang]}</li>`}</ul>`
    + `<h2>${T.subscriptions[lang]}</h2>${subs}`
    + `<h2>${T.timeline[lang]}</h2>${eventsTable(chronological, lang)}`
    + purposeTexts(chronological, lang);
}

function fileStamp(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** "Bewijs exporteren": readable proof plus the JSON of every consent event of the person. */
export async function consentProof(db: DbOrTx, hasher: AddressHasher, personId: number, now: Date, language?: Language): Promise<DocumentExport> {
  const c = await personConsent(db, hasher, personId);
  const lang = language ?? c.language;
  const chronological = [...c.events].reverse();
  const title = `${T.proofTitle[lang]} — ${c.name}`;
  const body = `<h1>${escapeHtml(title)}</h1>`
    + `<p>${T.made[lang]} ${escapeHtml(when(now.toISOString(), lang))}.<br>${T.controller[lang]}: ${escapeHtml(CONTROLLER[lang])}.</p>`
    + consentSections(c, lang, chronological)
    + `<p class="muted">${T.json[lang]}</p>`;
  const json = {
    kind: 'schakel.consent-proof', version: 1, generatedAt: now.toISOString(), controller: CONTROLLER[lang],
    person: { id: c.personId, name: c.name, addresses: c.addresses },
    subscriptions: c.subscriptions,
    events: chronological,
  };
  return { fileName: `bewijs-toestemming-${personId}-${fileStamp(now)}`, html: page(lang, title, body), json: JSON.stringify(json, null, 2) };
}

function valueHtml(value: unknown): string {
  if (value === null || value === undefined || value === '') return '<span class="muted">—</span>';
  if (Array.isArray(value)) return value.length ? `<ul>${value.map((v) => `<li>${valueHtml(v)}</li>`).join('')}</ul>` : '<span class="muted">—</span>';
  if (typeof value === 'object') {
    return `<table><tbody>${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${valueHtml(v)}</td></tr>`).join('')}</tbody></table>`;
  }
  return escapeHtml(value);
}

/** Access and portability (AVG art. 15 and 20): every source's data, as JSON and as a readable document. */
export async function exportPersonData(db: DbOrTx, hasher: AddressHasher, personId: number, now: Date, language?: Language): Promise<DocumentExport> {
  const c = await personConsent(db, hasher, personId);
  const lang = language ?? c.language;
  const sections: Record<string, unknown[]> = {};
  for (const source of PERSON_DATA_SOURCES) sections[source.key] = await source.collect(db, personId, hasher, now);
  const title = `${T.accessTitle[lang]} — ${c.name}`;
  const chronological = [...c.events].reverse();
  const body = [
    `<h1>${escapeHtml(title)}</h1>`,
    `<p>${T.made[lang]} ${escapeHtml(when(now.toISOString(), lang))}.<br>${T.controller[lang]}: ${escapeHtml(CONTROLLER[lang])}.</p>`,
    `<p>${T.accessIntro[lang]}</p>`,
    ...PERSON_DATA_SOURCES.filter((s) => s.key !== 'consentEvents' && s.key !== 'subscriptions')
      .map((s) => `<h2>${escapeHtml(s.label[lang])}</h2>${sections[s.key]!.length ? valueHtml(sections[s.key]!.length === 1 ? sections[s.key]![0] : sections[s.key]) : `<p>${T.none[lang]}</p>`}`),
    consentSections(c, lang, chronological),
    `<p class="muted">${T.json[lang]}</p>`,
  ].join('\n');
  const json = {
    kind: 'schakel.personal-data', version: 1, generatedAt: now.toISOString(), controller: CONTROLLER[lang],
    personId, ...sections,
  };
  return { fileName: `gegevens-${personId}-${fileStamp(now)}`, html: page(lang, title, body), json: JSON.stringify(json, null, 2) };
}
