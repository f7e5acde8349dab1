import { isValidEmail } from '../shared/text';
import { linkMessage } from './editions';
import {
  blockLinks, blockPlainValues, blockTexts, missingEnglish, phoneDigits, scanPrivacy, unknownMergeFields, type PrivacyFinding,
} from './model';
import type { CompiledEdition, NewsletterSettings } from './render';
import type { Language } from '../shared/register';
import type { ChecklistCheck, ChecklistItem, ChecklistResult } from './types';
import { checkLink, isEmptyBlock, LABELS, type Bilingual, type EditionContent } from '../shared/newsletter';

/** Gmail clips a message above about 102 kB, hiding the footer with the unsubscribe link. */
export const SIZE_LIMIT = 100 * 1024;
export const SIZE_WARNING = 80 * 1024;

export interface ChecklistInput {
  content: EditionContent;
  settings: NewsletterSettings;
  compiled: Record<Language, CompiledEdition>;
  /** The HTML as one recipient would get it, per language: for the unsubscribe link and the size. */
  sampleHtml: Record<Language, string>;
  recipients: { total: number; nl: number; en: number };
  /** Phone numbers (10 digits) of people in the register: never in a newsletter. */
  registerPhones: ReadonlySet<string>;
  now: Date;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} kB`;

function blockName(content: EditionContent, index: number | null): Bilingual {
  if (index === null) return { nl: 'de kop van de editie', en: 'the edition header' };
  const block = content.blocks[index]!;
  const label = LABELS.blockType[block.type];
  return { nl: `blok ${index + 1} (${label.nl})`, en: `block ${index + 1} (${label.en})` };
}

const PRIVACY_TEXT: Record<PrivacyFinding['kind'] | 'register_phone', (m: string) => Bilingual> = {
  bsn: (m) => ({
    nl: `"${m}" lijkt een burgerservicenummer (BSN). Een BSN mag nooit in een nieuwsbrief staan.`,
    en: `"${m}" looks like a citizen service number (BSN). A BSN must never appear in a newsletter.`,
  }),
  birth_date: (m) => ({
    nl: `"${m}" lijkt een geboortedatum. Geboortedata van jongeren of andere personen horen niet in een nieuwsbrief.`,
    en: `"${m}" looks like a date of birth. Dates of birth of young people or anyone else do not belong in a newsletter.`,
  }),
  possible_birth_date: (m) => ({
    nl: `"${m}" is een datum van jaren geleden. Controleer dat het geen geboortedatum is.`,
    en: `"${m}" is a date from years ago. Check that it is not a date of birth.`,
  }),
  mobile_phone: (m) => ({
    nl: `"${m}" is een mobiel nummer, waarschijnlijk van een privépersoon. Noem liever een algemeen nummer of e-mailadres.`,
    en: `"${m}" is a mobile number, probably of a private person. Prefer a general number or e-mail address.`,
  }),
  phone: (m) => ({
    nl: `"${m}" is een telefoonnummer. Controleer dat het een algemeen nummer van een organisatie is, niet dat van een persoon.`,
    en: `"${m}" is a phone number. Check that it is an organisation's general number, not a person's.`,
  }),
  register_phone: (m) => ({
    nl: `"${m}" is het telefoonnummer van een persoon in het relatieregister. Persoonlijke nummers horen niet in een nieuwsbrief.`,
    en: `"${m}" is the phone number of a person in the stakeholder register. Personal numbers do not belong in a newsletter.`,
  }),
};

const PHONE_IN_TEXT = /(?:\+31|0031|0)[\s.-]?\(?0?\)?(?:[\s.-]?\d){9}/g;

export function runChecklist(input: ChecklistInput): ChecklistResult {
  const { content, settings, now } = input;
  const items: ChecklistItem[] = [];
  const touched = new Set<ChecklistCheck>();
  const add = (check: ChecklistCheck, severity: 'warning' | 'error', message: Bilingual, path: string | null = null, blockIndex: number | null = null) => {
    touched.add(check);
    items.push({ check, severity, message, path, blockIndex });
  };

  // Audience
  if (!content.audience.listIds.length) {
    add('audience', 'error', { nl: 'Kies ten minste één verzendlijst.', en: 'Choose at least one mailing list.' }, 'audience.listIds');
  } else if (!input.recipients.total) {
    add('audience', 'warning', { nl: 'Deze doelgroep heeft nu geen ontvangers.', en: 'This audience has no recipients at the moment.' }, 'audience');
  }

  // Footer: sender, postal address, privacy statement
  if (!settings.senderName.trim()) add('footer', 'error', { nl: 'De naam van de afzender ontbreekt (instellingen).', en: 'The sender name is missing (settings).' }, 'settings.senderName');
  if (!settings.postalAddress.trim()) add('footer', 'error', { nl: 'Het postadres van de afzender ontbreekt (instellingen).', en: "The sender's postal address is missing (settings)." }, 'settings.postalAddress');
  const privacy = checkLink(settings.privacyUrl);
  if (!privacy.ok || !privacy.href.startsWith('https:')) {
    add('footer', 'error', {
      nl: 'De link naar de privacyverklaring ontbreekt of is geen https-adres (instellingen).',
      en: 'The link to the privacy statement is missing or not an https address (settings).',
    }, 'settings.privacyUrl');
  }

  // Unsubscribe link
  if (!isValidEmail(settings.unsubscribeAddress)) {
    add('unsubscribe', 'error', {
      nl: 'Er is geen geldig afmeldadres ingesteld, dus de afmeldlink werkt niet (instellingen).',
      en: 'No valid unsubscribe address is set, so the unsubscribe link does not work (settings).',
    }, 'settings.unsubscribeAddress');
  } else {
    for (const lang of ['nl', 'en'] as const) {
      if (!/<a href="mailto:[^"]+\?subject=[^"]+"/.test(input.sampleHtml[lang])) {
        add('unsubscribe', 'error', { nl: `De afmeldlink ontbreekt in de ${lang === 'nl' ? 'Nederlandse' : 'Engelse'} versie.`, en: `The unsubscribe link is missing from the ${lang === 'nl' ? 'Dutch' : 'English'} version.` });
      }
    }
  }

  // Subject and preheader per language
  if (!content.subject.nl.trim()) add('subject', 'error', { nl: 'Het onderwerp (Nederlands) ontbreekt.', en: 'The subject (Dutch) is missing.' }, 'subject.nl');
  if (!content.subject.en.trim()) {
    add('subject', 'warning', {
      nl: 'Het Engelse onderwerp ontbreekt; Engelstalige ontvangers krijgen het Nederlandse.',
      en: 'The English subject is missing; English-speaking recipients get the Dutch one.',
    }, 'subject.en');
  }
  for (const lang of ['nl', 'en'] as const) {
    if (!content.preheader[lang].trim()) {
      add('preheader', 'warning', {
        nl: `De voorvertoningstekst (${lang === 'nl' ? 'Nederlands' : 'Engels'}) ontbreekt; mailprogramma's tonen dan het begin van de mail.`,
        en: `The preheader (${lang === 'nl' ? 'Dutch' : 'English'}) is missing; mail programs then show the start of the mail.`,
      }, `preheader.${lang}`);
    }
  }

  // Blocks
  if (!content.blocks.length) add('empty_blocks', 'error', { nl: 'De editie heeft nog geen inhoud.', en: 'The edition has no content yet.' }, 'blocks');
  content.blocks.forEach((block, index) => {
    const name = blockName(content, index);
    if (isEmptyBlock(block)) {
      add('empty_blocks', 'error', { nl: `${cap(name.nl)} is leeg. Vul het of haal het weg.`, en: `${cap(name.en)} is empty. Fill it in or remove it.` }, `blocks.${index}`, index);
    }
    for (const link of blockLinks(block, index)) {
      if (link.check.ok) continue;
      if (link.check.reason === 'empty') {
        if (block.type === 'publication') {
          add('links', 'error', { nl: `${cap(name.nl)} heeft geen link naar de publicatie.`, en: `${cap(name.en)} has no link to the publication.` }, link.path, index);
        }
        continue;
      }
      const m = linkMessage(link.check.reason, link.url);
      add('links', 'error', { nl: `${cap(name.nl)}: ${m.nl}`, en: `${cap(name.en)}: ${m.en}` }, link.path, index);
    }
    if (block.type === 'image' && block.url.trim()) {
      if (!block.alt.nl.trim()) {
        add('images', 'error', {
          nl: `${cap(name.nl)} heeft geen alternatieve tekst. Beschrijf wat er op de afbeelding staat.`,
          en: `${cap(name.en)} has no alt text. Describe what the image shows.`,
        }, `blocks.${index}.alt.nl`, index);
      }
    }
    if (block.type === 'contact' && block.name.trim() && !block.email.trim()) {
      add('contacts', 'error', {
        nl: `${cap(name.nl)}: ${block.name} heeft geen e-mailadres, dus de knop "Mail …" kan niet werken.`,
        en: `${cap(name.en)}: ${block.name} has no e-mail address, so the "Mail …" button cannot work.`,
      }, `blocks.${index}.email`, index);
    }
  });

  // Merge fields
  const allTexts = [
    { path: 'title', value: content.title, blockIndex: null },
    { path: 'subject', value: content.subject, blockIndex: null },
    { path: 'preheader', value: content.preheader, blockIndex: null },
    ...content.blocks.flatMap(blockTexts),
  ];
  for (const field of allTexts) {
    for (const lang of ['nl', 'en'] as const) {
      for (const raw of unknownMergeFields(field.value[lang])) {
        const name = blockName(content, field.blockIndex);
        add('merge_fields', 'error', {
          nl: `${cap(name.nl)}: ${raw} is geen bekend invulveld. Gebruik {{voornaam}}, {{achternaam}}, {{naam}} of {{organisatie}}.`,
          en: `${cap(name.en)}: ${raw} is not a known merge field. Use {{voornaam}}, {{achternaam}}, {{naam}} or {{organisatie}}.`,
        }, `${field.path}.${lang}`, field.blockIndex);
      }
    }
  }

  // English
  const missing = missingEnglish(content);
  if (missing.length && input.recipients.en > 0) {
    const where = [...new Set(missing.map((f) => f.blockIndex))].map((i) => blockName(content, i));
    add('english', 'warning', {
      nl: `Engelse tekst ontbreekt in ${where.map((w) => w.nl).join(', ')}: ${input.recipients.en} Engelstalige ontvanger${input.recipients.en === 1 ? '' : 's'} krijg${input.recipients.en === 1 ? 't' : 'en'} daar de Nederlandse tekst.`,
      en: `English text is missing in ${where.map((w) => w.en).join(', ')}: ${input.recipients.en} English-speaking recipient${input.recipients.en === 1 ? '' : 's'} will get the Dutch text there.`,
    }, `${missing[0]!.path}.en`, missing[0]!.blockIndex);
  }

  // Size
  const sizes = { nl: Buffer.byteLength(input.sampleHtml.nl), en: Buffer.byteLength(input.sampleHtml.en) };
  for (const lang of ['nl', 'en'] as const) {
    const bytes = sizes[lang];
    const which = lang === 'nl' ? { nl: 'Nederlandse', en: 'Dutch' } : { nl: 'Engelse', en: 'English' };
    if (bytes > SIZE_LIMIT) {
      add('size', 'error', {
        nl: `De ${which.nl} versie is ${kb(bytes)}. Gmail knipt mails boven ongeveer 100 kB af, en dan valt de afmeldlink weg. Maak de editie korter.`,
        en: `The ${which.en} version is ${kb(bytes)}. Gmail clips mails above about 100 kB, which hides the unsubscribe link. Make the edition shorter.`,
      });
    } else if (bytes > SIZE_WARNING) {
      add('size', 'warning', {
        nl: `De ${which.nl} versie is ${kb(bytes)}, dicht bij de grens van ongeveer 100 kB waarboven Gmail mails afknipt.`,
        en: `The ${which.en} version is ${kb(bytes)}, close to the limit of about 100 kB above which Gmail clips mails.`,
      });
    }
  }

  // Privacy: BSN, dates of birth, private phone numbers
  const scanned: { path: string; text: string; blockIndex: number | null }[] = [];
  for (const f of allTexts) for (const lang of ['nl', 'en'] as const) scanned.push({ path: `${f.path}.${lang}`, text: f.value[lang], blockIndex: f.blockIndex });
  content.blocks.forEach((b, i) => blockPlainValues(b, i).forEach((v) => scanned.push({ path: v.path, text: v.value, blockIndex: i })));
  const reported = new Set<string>();
  for (const s of scanned) {
    if (!s.text.trim()) continue;
    const name = blockName(content, s.blockIndex);
    const report = (kind: keyof typeof PRIVACY_TEXT, match: string, severity: 'error' | 'warning') => {
      const key = `${s.blockIndex}|${kind}|${match}`;
      if (reported.has(key)) return;
      reported.add(key);
      const m = PRIVACY_TEXT[kind](match.trim());
      add('privacy', severity, { nl: `${cap(name.nl)}: ${m.nl}`, en: `${cap(name.en)}: ${m.en}` }, s.path, s.blockIndex);
    };
    const known = new Set<string>();
    for (const m of s.text.matchAll(PHONE_IN_TEXT)) {
      const digits = phoneDigits(m[0]);
      if (digits && input.registerPhones.has(digits)) {
        known.add(m[0].trim());
        report('register_phone', m[0], 'error');
      }
    }
    for (const f of scanPrivacy(s.text, now)) {
      if ((f.kind === 'phone' || f.kind === 'mobile_phone') && known.has(f.match)) continue;
      report(f.kind, f.match, f.severity);
    }
  }

  const OK: Record<ChecklistCheck, Bilingual> = {
    audience: { nl: `Doelgroep: ${input.recipients.total} ontvanger${input.recipients.total === 1 ? '' : 's'}.`, en: `Audience: ${input.recipients.total} recipient${input.recipients.total === 1 ? '' : 's'}.` },
    footer: { nl: 'Afzender, postadres en privacyverklaring staan in de voettekst.', en: 'Sender, postal address and privacy statement are in the footer.' },
    unsubscribe: { nl: 'Elke ontvanger krijgt een eigen afmeldlink.', en: 'Every recipient gets their own unsubscribe link.' },
    subject: { nl: 'Onderwerp in het Nederlands en het Engels.', en: 'Subject in Dutch and English.' },
    preheader: { nl: 'Voorvertoningstekst in het Nederlands en het Engels.', en: 'Preheader in Dutch and English.' },
    empty_blocks: { nl: 'Geen lege blokken.', en: 'No empty blocks.' },
    links: { nl: 'Alle links zijn geldige https- of mailto-adressen.', en: 'All links are valid https or mailto addresses.' },
    images: { nl: 'Alle afbeeldingen hebben een alternatieve tekst.', en: 'All images have alt text.' },
    contacts: { nl: 'Alle contactpersonen hebben een e-mailadres.', en: 'All contact persons have an e-mail address.' },
    merge_fields: { nl: 'Alle invulvelden zijn bekend.', en: 'All merge fields are known.' },
    english: missing.length
      ? { nl: 'Er ontbreekt Engelse tekst, maar er zijn geen Engelstalige ontvangers.', en: 'Some English text is missing, but there are no English-speaking recipients.' }
      : { nl: 'Alle teksten zijn er ook in het Engels.', en: 'All texts are also in English.' },
    size: { nl: `Grootte: ${kb(sizes.nl)} (NL), ${kb(sizes.en)} (EN); onder de grens van Gmail.`, en: `Size: ${kb(sizes.nl)} (NL), ${kb(sizes.en)} (EN); below Gmail's limit.` },
    privacy: { nl: 'Geen BSN, geboortedatum of privételefoonnummer gevonden.', en: 'No BSN, date of birth or private phone number found.' },
  };
  const order = Object.keys(OK) as ChecklistCheck[];
  for (const check of order) if (!touched.has(check)) items.push({ check, severity: 'ok', message: OK[check], path: null, blockIndex: null });
  items.sort((a, b) => order.indexOf(a.check) - order.indexOf(b.check));
  const errors = items.filter((i) => i.severity === 'error').length;
  const warnings = items.filter((i) => i.severity === 'warning').length;
  return { ok: errors === 0, errors, warnings, items, recipients: input.recipients, sizes };
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
