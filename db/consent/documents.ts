import type { DbOrTx } from '../store/connection';
import { LABELS } from './consent-model';
import { getNewsletterSettings } from '../newsletter/newsletter';
import { getRetentionSettings } from './retention';
import { personConsent } from './consent';
import { PERSON_DATA_SOURCES } from '../register/person-data';
import type { AddressHasher } from './suppression';
import type { Language, PilotRole } from '../shared/register';
import type { AvgRequestView, ConsentEventView, DocumentExport, PersonConsent, RetentionSettings } from './types';
import type { InteractionEntry } from '../register/types';
import type { EventSource, LawfulBasis } from '../shared/consent';

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
};

const PAGE_STYLE = `body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b;line-height:1.45}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccc}table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{border:1px solid #ccc;padding:.35rem .5rem;text-align:left;vertical-align:top}th{background:#f2f2f2}.muted{color:#555}
.sender{text-align:right}.addressee{margin:1.5rem 0}h3{font-size:1rem;margin-top:1.2rem}
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

type L = Record<Language, string>;

/** A calendar day as people write it: "3 maart 2025" / "3 March 2025". */
function longDate(value: string, lang: Language): string {
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T12:00:00Z` : value;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return value;
  return new Intl.DateTimeFormat(lang === 'nl' ? 'nl-NL' : 'en-GB', { timeZone: 'Europe/Amsterdam', dateStyle: 'long' }).format(d);
}

/** How a consent event reached us, as the end of a sentence. */
const VIA: Record<EventSource, L> = {
  website_form: { nl: 'via het aanmeldformulier op de website', en: 'through the sign-up form on the website' },
  programme_day: { nl: 'op de programmadag', en: 'at the programme day' },
  business_card: { nl: 'via uw visitekaartje', en: 'with your business card' },
  email: { nl: 'per e-mail', en: 'by e-mail' },
  phone: { nl: 'telefonisch', en: 'by phone' },
  import: { nl: 'via een bestand met deelnemers (import)', en: 'from a file of participants (import)' },
  in_person: { nl: 'persoonlijk', en: 'in person' },
  letter: { nl: 'per brief', en: 'by letter' },
  unsubscribe_link: { nl: 'via de afmeldlink in een mailing', en: 'through the unsubscribe link in a mailing' },
  register: { nl: 'door het secretariaat in het relatieregister', en: 'by the secretariat in the stakeholder register' },
  bounce: { nl: 'omdat mail aan uw adres onbestelbaar was', en: 'because mail to your address could not be delivered' },
  complaint: { nl: 'omdat u een mailing als ongewenst meldde', en: 'because you reported a mailing as unwanted' },
  retention: { nl: 'omdat de bewaartermijn verstreken was', en: 'because the retention period had ended' },
  confirmation_expired: { nl: 'omdat de aanmelding niet op tijd bevestigd was', en: 'because the sign-up was not confirmed in time' },
  avg_request: { nl: 'op uw AVG-verzoek', en: 'at your data-subject request' },
  staff: { nl: 'door het secretariaat', en: 'by the secretariat' },
};

const DID: Record<ConsentEventView['type'], (list: string, lang: Language) => string> = {
  subscribed: (list, lang) => (lang === 'nl' ? `aangemeld voor ${list}` : `subscribed to ${list}`),
  confirmed: (list, lang) => (lang === 'nl' ? `aanmelding voor ${list} bevestigd` : `confirmed the subscription to ${list}`),
  unsubscribed: (list, lang) => (lang === 'nl' ? `afgemeld voor ${list}` : `unsubscribed from ${list}`),
  objected: (list, lang) => (lang === 'nl' ? `bezwaar gemaakt tegen ${list || 'het gebruik van uw gegevens'}` : `objected to ${list || 'the use of your data'}`),
  suppressed: (_l, lang) => (lang === 'nl' ? 'uw adres geblokkeerd voor alle mail' : 'your address blocked from all mail'),
  unsuppressed: (_l, lang) => (lang === 'nl' ? 'de blokkade van uw adres opgeheven met nieuwe toestemming' : 'the block on your address lifted by fresh consent'),
  erased: (_l, lang) => (lang === 'nl' ? 'gegevens gewist' : 'data erased'),
};

const INTERACTION: Record<InteractionEntry['kind'], L> = {
  meeting: { nl: 'overleg', en: 'meeting' },
  call: { nl: 'telefoongesprek', en: 'phone call' },
  mail: { nl: 'e-mail', en: 'e-mail' },
  event: { nl: 'bijeenkomst', en: 'event' },
};

const ROLE: Record<PilotRole, L> = {
  contactpersoon: { nl: 'contactpersoon', en: 'contact person' },
  trekker: { nl: 'trekker', en: 'lead' },
  partner: { nl: 'partner', en: 'partner' },
  deelnemer: { nl: 'deelnemer', en: 'participant' },
};

const BASIS_PLAIN: Record<LawfulBasis, L> = {
  consent: { nl: 'uw toestemming; u kunt die altijd intrekken', en: 'your consent, which you may withdraw at any time' },
  public_task: { nl: 'onze publieke taak als programma van de overheid', en: 'our public task as a government programme' },
  legitimate_interest: {
    nl: 'ons gerechtvaardigd belang: contact houden met wie aan het programma meewerkt; u kunt daartegen bezwaar maken',
    en: 'our legitimate interest in keeping in touch with those who work with the programme; you may object to it',
  },
};

const A = {
  title: { nl: 'Overzicht van uw gegevens', en: 'Overview of your personal data' },
  dear: { nl: 'Beste', en: 'Dear' },
  intro: {
    nl: 'U vroeg ons welke gegevens wij over u bewaren. In deze brief leest u wat wij van u hebben, waarom, waar het vandaan komt, wie het ontvangt, hoe lang wij het bewaren en wat u kunt doen.',
    en: 'You asked us which personal data we keep about you. This letter tells you what we hold, why, where it came from, who receives it, how long we keep it and what you can do.',
  },
  who: { nl: 'Wie wij zijn', en: 'Who we are' },
  whoText: {
    nl: 'Het programma Jeugd en Veiligheid Oost-Nederland werkt met gemeenten, politie, justitie, onderwijs en zorg aan pilots voor jongeren. Het secretariaat van het programma is verantwoordelijk voor uw gegevens (verwerkingsverantwoordelijke).',
    en: 'The programme Youth and Safety East Netherlands works with municipalities, police, justice, schools and care on pilots for young people. The programme\'s secretariat is responsible for your data (the controller).',
  },
  contactUs: { nl: 'U bereikt ons via', en: 'You can reach us at' },
  what: { nl: 'Welke gegevens wij over u hebben', en: 'What we hold about you' },
  contact: { nl: 'Uw contactgegevens', en: 'Your contact details' },
  name: { nl: 'Naam', en: 'Name' },
  emails: { nl: 'E-mailadres', en: 'E-mail address' },
  phone: { nl: 'Telefoon', en: 'Phone' },
  organisation: { nl: 'Organisatie', en: 'Organisation' },
  jobTitle: { nl: 'Functie', en: 'Job title' },
  language: { nl: 'Taal voor onze mail', en: 'Language of our mail' },
  languages: { nl: { nl: 'Nederlands', en: 'Engels' }, en: { nl: 'Dutch', en: 'English' } } as Record<Language, Record<Language, string>>,
  work: { nl: 'Uw contact met het programma', en: 'Your contact with the programme' },
  pilots: { nl: 'Pilots', en: 'Pilots' },
  tags: { nl: 'Kenmerken', en: 'Tags' },
  notes: { nl: 'Notities van het secretariaat', en: "The secretariat's notes" },
  owner: { nl: 'Uw vaste contactpersoon bij het secretariaat', en: 'Your contact at the secretariat' },
  scores: { nl: 'Onze inschatting van uw invloed en belang (1–5)', en: 'Our estimate of your influence and interest (1–5)' },
  influence: { nl: 'invloed', en: 'influence' },
  interest: { nl: 'belang', en: 'interest' },
  lists: { nl: 'Verzendlijsten', en: 'Mailing lists' },
  counts: { nl: 'Verder bewaren wij', en: 'We also keep' },
  suppressed: { nl: 'wij sturen hier geen mail meer naar', en: 'we no longer send mail to it' },
  why: { nl: 'Waarom wij deze gegevens hebben', en: 'Why we have this data' },
  whyRegister: {
    nl: 'Uw contactgegevens en ons contact met u staan in ons relatieregister, om het programma te laten werken met de mensen en organisaties die eraan meedoen. Grondslag: ',
    en: 'Your contact details and our contact with you are in our stakeholder register, so the programme can work with the people and organisations taking part. Lawful basis: ',
  },
  whyList: { nl: 'Voor de verzendlijst', en: 'For the mailing list' },
  basis: { nl: 'Grondslag', en: 'Lawful basis' },
  whereFrom: { nl: 'Waar de gegevens vandaan komen', en: 'Where the data came from' },
  whereRegister: {
    nl: 'Het secretariaat heeft uw gegevens in het register gezet, uit contact met u of uw organisatie.',
    en: 'The secretariat entered your details in the register, from contact with you or your organisation.',
  },
  whereConsent: { nl: 'Uw aanmeldingen kregen wij', en: 'We received your sign-ups' },
  recipients: { nl: 'Wie de gegevens ontvangen', en: 'Who receives the data' },
  recipientsText: {
    nl: 'Alleen het secretariaat werkt met uw gegevens. Mail versturen en ontvangen wij via de mailserver van onze organisatie, die dat in onze opdracht doet (verwerker). Wij geven uw gegevens niet aan anderen en niet buiten de Europese Unie.',
    en: 'Only the secretariat works with your data. We send and receive mail through our organisation\'s mail server, which does so on our behalf (processor). We do not pass your data to others, nor outside the European Union.',
  },
  retention: { nl: 'Hoe lang wij de gegevens bewaren', en: 'How long we keep the data' },
  rights: { nl: 'Uw rechten', en: 'Your rights' },
  rightsList: {
    nl: ['gegevens laten verbeteren of aanvullen', 'gegevens laten wissen', 'bezwaar maken tegen het gebruik', 'uw toestemming intrekken of u afmelden (elke mailing heeft een afmeldlink)',
      'uw gegevens in een bestand krijgen om mee te nemen (het bijgevoegde JSON-bestand)'],
    en: ['have data corrected or completed', 'have data erased', 'object to its use', 'withdraw your consent or unsubscribe (every mailing has an unsubscribe link)',
      'receive your data in a file to take elsewhere (the accompanying JSON file)'],
  },
  rightsIntro: { nl: 'U kunt ons vragen om', en: 'You may ask us to' },
  rightsHow: {
    nl: 'Stuur daarvoor een mail of brief aan het secretariaat (zie hierboven). Wij antwoorden binnen een maand.',
    en: 'To do so, send an e-mail or letter to the secretariat (see above). We answer within one month.',
  },
  complaint: {
    nl: 'Bent u het niet eens met hoe wij met uw gegevens omgaan, dan kunt u een klacht indienen bij de Autoriteit Persoonsgegevens (autoriteitpersoonsgegevens.nl).',
    en: 'If you disagree with how we handle your data, you may complain to the Dutch Data Protection Authority, the Autoriteit Persoonsgegevens (autoriteitpersoonsgegevens.nl).',
  },
  history: { nl: 'Wat er met uw gegevens gebeurde', en: 'What happened with your data' },
  on: { nl: 'Op', en: 'On' },
  none: { nl: 'Niets.', en: 'Nothing.' },
  regards: { nl: 'Met vriendelijke groet,', en: 'Kind regards,' },
  secretariat: { nl: 'Secretariaat Jeugd en Veiligheid Oost-Nederland', en: 'Secretariat Youth and Safety East Netherlands' },
};

function retentionText(r: RetentionSettings, lang: Language, today: string): string {
  const end = longDate(r.programmeEndDate, lang);
  const ended = today >= r.programmeEndDate;
  return lang === 'nl'
    ? `${ended ? `Het programma is op ${end} afgelopen.` : `Het programma loopt tot ${end}.`} Wij wissen uw gegevens wanneer u ${r.peopleMonths} maanden geen aanmelding en geen contact met ons had. `
      + `Een afgehandeld AVG-verzoek bewaren wij ${r.requestsMonths} maanden. Meldt u zich af of laat u gegevens wissen, dan bewaren wij alleen een onherleidbare code van uw e-mailadres, zodat wij u nooit opnieuw mailen.`
    : `${ended ? `The programme ended on ${end}.` : `The programme runs until ${end}.`} We erase your data once you have had no subscription and no contact with us for ${r.peopleMonths} months. `
      + `We keep a closed data-subject request for ${r.requestsMonths} months. If you unsubscribe or have your data erased, we keep only an irreversible code of your e-mail address, so that we never mail you again.`;
}

interface HistoryLine { at: string; text: string }

function historyLines(c: PersonConsent, s: Record<string, unknown[]>, lang: Language): HistoryLine[] {
  const lines: HistoryLine[] = [];
  for (const e of c.events) {
    const list = e.listName ? (lang === 'nl' ? `de ${e.listName}` : `the ${e.listName}`) : '';
    let text = DID[e.type](escapeHtml(list), lang);
    text += ` ${VIA[e.source]?.[lang] ?? escapeHtml(e.source)}`;
    if (e.type === 'subscribed' && e.doubleOptIn) text += lang === 'nl' ? ', met bevestiging per mail' : ', with confirmation by e-mail';
    if (e.email) text += lang === 'nl' ? ` (adres ${escapeHtml(e.email)})` : ` (address ${escapeHtml(e.email)})`;
    lines.push({ at: e.occurredAt, text });
  }
  for (const i of s.interactions as InteractionEntry[]) {
    lines.push({ at: i.occurredOn, text: `${INTERACTION[i.kind][lang]}: ${escapeHtml(i.summary)}` });
  }
  for (const r of s.avgRequests as AvgRequestView[]) {
    const kind = LABELS.requestKind[r.kind][lang].toLowerCase();
    lines.push({ at: r.receivedOn, text: lang === 'nl'
      ? `uw verzoek om ${escapeHtml(kind)} ontvangen (${escapeHtml(LABELS.requestStatus[r.status][lang].toLowerCase())})`
      : `received your request for ${escapeHtml(kind)} (${escapeHtml(LABELS.requestStatus[r.status][lang].toLowerCase())})` });
  }
  for (const m of s.mailings as { edition: number; email: string; state: string; sentAt: string | null }[]) {
    if (!m.sentAt) continue;
    lines.push({ at: m.sentAt, text: lang === 'nl' ? `nieuwsbrief nummer ${m.edition} gestuurd aan ${escapeHtml(m.email)}` : `sent newsletter number ${m.edition} to ${escapeHtml(m.email)}` });
  }
  for (const m of s.confirmations as { list: string; sentAt: string | null }[]) {
    if (!m.sentAt) continue;
    lines.push({ at: m.sentAt, text: lang === 'nl' ? `een mail gestuurd om uw aanmelding voor de ${escapeHtml(m.list)} te bevestigen` : `sent an e-mail asking you to confirm your sign-up for the ${escapeHtml(m.list)}` });
  }
  for (const m of s.inboxReview as { receivedAt: string; subject: string | null }[]) {
    lines.push({ at: m.receivedAt, text: lang === 'nl' ? `uw mail ontvangen met onderwerp "${escapeHtml(m.subject ?? '')}"` : `received your e-mail with subject "${escapeHtml(m.subject ?? '')}"` });
  }
  return lines.sort((a, b) => a.at.localeCompare(b.at));
}

function row(label: string, value: string | null | undefined): string {
  return value ? `<tr><th>${label}</th><td>${value}</td></tr>` : '';
}

/** Access and portability (AVG art. 15 and 20): a letter in the person's language, and every source's data as JSON. */
export async function exportPersonData(db: DbOrTx, hasher: AddressHasher, personId: number, now: Date, language?: Language): Promise<DocumentExport> {
  const c = await personConsent(db, hasher, personId);
  const lang = language ?? c.language;
  const sections: Record<string, unknown[]> = {};
  for (const source of PERSON_DATA_SOURCES) sections[source.key] = await source.collect(db, personId, hasher, now);
  const sender = await getNewsletterSettings(db);
  const retention = await getRetentionSettings(db);
  const p = (sections.register as Record<string, unknown>[])[0] as {
    firstName: string; lastName: string; phone: string | null; organisation: string | null; jobTitle: string | null; language: Language;
    tags: string[]; notes: string | null; owner: string | null; influence: number | null; interest: number | null; pilots: { pilot: string; role: string }[];
  };
  const title = `${A.title[lang]} — ${c.name}`;
  const senderName = sender.senderName.trim() || A.secretariat[lang];
  const senderBlock = [senderName, ...sender.postalAddress.split(/\r?\n/), sender.senderEmail].map((x) => x.trim()).filter(Boolean).map(escapeHtml).join('<br>');
  const addressee = [c.name, p.organisation ?? '', ...c.addresses.map((a) => a.email)].filter(Boolean).map(escapeHtml).join('<br>');

  const addresses = c.addresses.map((a) => `${escapeHtml(a.email)}${a.suppression ? ` <span class="muted">(${A.suppressed[lang]})</span>` : ''}`).join('<br>');
  const contact = `<h3>${A.contact[lang]}</h3><table><tbody>${row(A.name[lang], escapeHtml(c.name))}${row(A.emails[lang], addresses)}`
    + `${row(A.phone[lang], p.phone ? escapeHtml(p.phone) : '')}${row(A.organisation[lang], p.organisation ? escapeHtml(p.organisation) : '')}`
    + `${row(A.jobTitle[lang], p.jobTitle ? escapeHtml(p.jobTitle) : '')}${row(A.language[lang], A.languages[lang][p.language])}</tbody></table>`;
  const scores = p.influence !== null || p.interest !== null
    ? `${A.influence[lang]} ${p.influence ?? '—'}, ${A.interest[lang]} ${p.interest ?? '—'}` : '';
  const work = `<h3>${A.work[lang]}</h3><table><tbody>`
    + row(A.pilots[lang], p.pilots.map((x) => `${escapeHtml(x.pilot)} (${escapeHtml(ROLE[x.role as PilotRole]?.[lang] ?? x.role)})`).join('<br>'))
    + row(A.tags[lang], p.tags.map(escapeHtml).join(', ')) + row(A.notes[lang], p.notes ? escapeHtml(p.notes) : '')
    + row(A.owner[lang], p.owner ? escapeHtml(p.owner) : '') + row(A.scores[lang], scores)
    + row(A.lists[lang], c.subscriptions.map((s) => `${escapeHtml(s.listName)}: ${LABELS.status[s.status][lang].toLowerCase()} ${T.since[lang]} ${escapeHtml(longDate(s.since, lang))}`).join('<br>'))
    + '</tbody></table>';
  const counted = PERSON_DATA_SOURCES.filter((s) => !['register', 'subscriptions'].includes(s.key))
    .map((s) => `<li>${escapeHtml(s.label[lang])}: ${sections[s.key]!.length}</li>`).join('');

  const why = [`<li>${A.whyRegister[lang]}${BASIS_PLAIN.legitimate_interest[lang]}.</li>`,
    ...c.subscriptions.map((s) => {
      const text = [...c.events].find((e) => e.listId === s.listId && e.purposeVersion && e.purposeVersion.id === s.purposeVersion?.id)?.purposeVersion?.text;
      return `<li>${A.whyList[lang]} <strong>${escapeHtml(s.listName)}</strong>${text ? `: ${escapeHtml(text)}` : ''}<br>${A.basis[lang]}: ${BASIS_PLAIN[s.lawfulBasis][lang]}.</li>`;
    })].join('');
  const sources = [...new Set(c.events.filter((e) => e.type === 'subscribed' || e.type === 'confirmed').map((e) => e.source))]
    .map((src) => VIA[src]?.[lang] ?? escapeHtml(src));
  const history = historyLines(c, sections, lang);
  const historyHtml = history.length
    ? `<ul>${history.map((h) => `<li>${A.on[lang]} ${escapeHtml(longDate(h.at, lang))} ${h.text}.</li>`).join('')}</ul>`
    : `<p>${A.none[lang]}</p>`;

  const body = [
    `<p class="sender">${senderBlock}</p>`,
    `<p class="addressee">${addressee}</p>`,
    `<p>${escapeHtml(longDate(now.toISOString(), lang))}</p>`,
    `<h1>${escapeHtml(title)}</h1>`,
    `<p>${A.dear[lang]} ${escapeHtml(c.name)},</p><p>${A.intro[lang]}</p>`,
    `<h2>${A.who[lang]}</h2><p>${A.whoText[lang]}</p><p>${A.contactUs[lang]}:<br>${senderBlock}</p>`,
    `<h2>${A.what[lang]}</h2>${contact}${work}<h3>${A.counts[lang]}</h3><ul>${counted}</ul>`,
    `<h2>${A.why[lang]}</h2><ul>${why}</ul>`,
    `<h2>${A.whereFrom[lang]}</h2><p>${A.whereRegister[lang]}</p>${sources.length ? `<p>${A.whereConsent[lang]} ${sources.join(', ')}.</p>` : ''}`,
    `<h2>${A.recipients[lang]}</h2><p>${A.recipientsText[lang]}</p>`,
    `<h2>${A.retention[lang]}</h2><p>${escapeHtml(retentionText(retention, lang, now.toISOString().slice(0, 10)))}</p>`,
    `<h2>${A.rights[lang]}</h2><p>${A.rightsIntro[lang]}:</p><ul>${A.rightsList[lang].map((r) => `<li>${r}</li>`).join('')}</ul><p>${A.rightsHow[lang]}</p><p>${A.complaint[lang]}</p>`,
    `<h2>${A.history[lang]}</h2>${historyHtml}`,
    `<p>${A.regards[lang]}<br>${escapeHtml(senderName)}</p>`,
    purposeTexts([...c.events].reverse(), lang),
    `<p class="muted">${T.json[lang]}</p>`,
  ].join('\n');
  const json = {
    kind: 'schakel.personal-data', version: 1, generatedAt: now.toISOString(), controller: CONTROLLER[lang],
    personId, ...sections,
  };
  return { fileName: `gegevens-${personId}-${fileStamp(now)}`, html: page(lang, title, body), json: JSON.stringify(json, null, 2) };
}
