import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  blockLinks, escapeHtml, missingEnglish, passesElevenProof, phoneDigits, pick, scanPrivacy,
  splitMerge, unknownMergeFields
} from '../../db/newsletter/model';
import { checkLink, isEmptyBlock, parseMarkup, type EditionContent } from '../../db/shared/newsletter';

const NOW = new Date('2025-03-01T10:00:00Z');

describe('escaping', () => {
  it('escapes the five HTML characters and nothing else', () => {
    expect(escapeHtml(`<img src=x onerror=alert(1)>`)).toBe('&lt;img src=x onerror=alert(1)&gt;');
    expect(escapeHtml(`"><script>`)).toBe('&quot;&gt;&lt;script&gt;');
    expect(escapeHtml(`Tom & Jerry's`)).toBe('Tom &amp; Jerry&#39;s');
    expect(escapeHtml('Zoë Huis in ’t Veld')).toBe('Zoë Huis in ’t Veld');
  });

  it('never leaves a raw < > " or \' in any string', () => {
    fc.assert(fc.property(fc.string(), (s) => {
      const e = escapeHtml(s);
      expect(e).not.toMatch(/[<>"']/);
      expect(e.replace(/&(amp|lt|gt|quot|#39);/g, '')).not.toContain('&');
    }));
  });
});

describe('link policy', () => {
  it('allows https: and mailto: only', () => {
    expect(checkLink('https://www.example.org/pad?a=1&b=2')).toEqual({ ok: true, href: 'https://www.example.org/pad?a=1&b=2' });
    expect(checkLink('mailto:secretariaat@example.org')).toEqual({ ok: true, href: 'mailto:secretariaat@example.org' });
    expect(checkLink('mailto:a@example.org?subject=Vraag%20over%20VIOS')).toMatchObject({ ok: true });
    for (const bad of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', ' javascript:alert(1)', 'http://example.org', 'data:text/html,<b>x</b>',
      'vbscript:msgbox', 'ftp://example.org', '//example.org', 'www.example.org', 'file:///etc/passwd']) {
      expect(checkLink(bad), bad).toEqual({ ok: false, reason: 'scheme' });
    }
  });

  it('refuses malformed addresses', () => {
    for (const bad of ['https://', 'https://localhost/x', 'https://user:pw@example.org/', 'https://exa mple.org', 'https://example.org/\tx',
      'https:example.org', 'mailto:', 'mailto:not-an-address', 'mailto:a@example.org?bcc=x@example.org', 'mailto:a@example.org,b@example.org']) {
      expect(checkLink(bad).ok, bad).toBe(false);
    }
    expect(checkLink('  ')).toEqual({ ok: false, reason: 'empty' });
  });

  it('accepts nothing that is not https: or mailto:', () => {
    let accepted = 0;
    let refused = 0;
    const link = fc.oneof(
      fc.string(),
      fc.webUrl({ validSchemes: ['https', 'http', 'ftp'], withQueryParameters: true, withFragments: true }),
      fc.emailAddress().map((address) => `mailto:${address}`),
      fc.tuple(fc.constantFrom('javascript:', 'data:', 'vbscript:', 'file://', 'http://', ' https://', '//'), fc.webUrl()).map(([scheme, rest]) => scheme + rest),
    );
    fc.assert(fc.property(link, (s) => {
      const c = checkLink(s);
      if (c.ok) {
        accepted++;
        expect(c.href).toMatch(/^(https:\/\/|mailto:)/i);
      } else refused++;
      if (!/^(https:\/\/|mailto:)/i.test(s.trim())) expect(c.ok, s).toBe(false);
    }), { numRuns: 400 });
    expect(accepted, 'the generator must produce links the policy accepts').toBeGreaterThan(50);
    expect(refused).toBeGreaterThan(50);
  });
});

describe('BSN 11-proof', () => {
  it('accepts valid numbers and refuses others', () => {
    expect(passesElevenProof('111222333')).toBe(true);
    expect(passesElevenProof('123456782')).toBe(true);
    expect(passesElevenProof('123456789')).toBe(false);
    expect(passesElevenProof('000000000')).toBe(false);
    expect(passesElevenProof('12345678')).toBe(false);
    expect(passesElevenProof('1234567890')).toBe(false);
  });

  it('has at most one valid check digit for any first eight digits', () => {
    fc.assert(fc.property(fc.stringMatching(/^\d{8}$/), (first) => {
      const valid = [...'0123456789'].filter((d) => passesElevenProof(first + d));
      expect(valid.length).toBeLessThanOrEqual(1);
      const sum = [...first].reduce((s, d, i) => s + Number(d) * (9 - i), 0);
      const expected = sum % 11;
      if (expected <= 9 && !/^0+$/.test(first + expected)) expect(valid).toEqual([String(expected)]);
      else if (expected === 10) expect(valid).toEqual([]);
    }));
  });
});

describe('privacy scan', () => {
  const kinds = (text: string) => scanPrivacy(text, NOW).map((f) => `${f.kind}:${f.severity}`);

  it('flags a BSN in any usual notation', () => {
    expect(kinds('Het BSN is 123456782.')).toEqual(['bsn:error']);
    expect(kinds('bsn 1234.56.782')).toEqual(['bsn:error']);
    expect(kinds('nummer 123 456 782')).toEqual(['bsn:error']);
    expect(kinds('kenmerk 123456789')).toEqual([]);
    expect(kinds('oplage 1234567820 stuks')).toEqual([]);
  });

  it('flags dates of birth, and old dates as possible ones, but not event dates', () => {
    expect(kinds('Jongen, geboren op 12-03-2010, uit Almelo')).toEqual(['birth_date:error']);
    expect(kinds('geb. 4 mei 2009')).toEqual(['birth_date:error']);
    expect(kinds('date of birth: 2008-07-01')).toEqual(['birth_date:error']);
    expect(kinds('Op 14 juni 2011 begon het')).toEqual(['possible_birth_date:warning']);
    expect(kinds('Programmadag op 10 april 2025 in Zwolle; evaluatie 2024-11-01')).toEqual([]);
  });

  it('flags mobile numbers as errors and other numbers as warnings; service numbers pass', () => {
    expect(kinds('Bel 06-12345678')).toEqual(['mobile_phone:error']);
    expect(kinds('Bel +31 6 1234 5678')).toEqual(['mobile_phone:error']);
    expect(kinds('Bel +31 (0)6 12345678')).toEqual(['mobile_phone:error']);
    expect(kinds('Bel 053 123 4567')).toEqual(['phone:warning']);
    expect(kinds('Bel 088 123 4567 of 0800-1234567')).toEqual([]);
    expect(phoneDigits('+31 (0)53 123 45 67')).toBe('0531234567');
    expect(phoneDigits('12345')).toBeNull();
  });
});

describe('merge fields', () => {
  it('splits text into literals and fields, Dutch or English names, with fallbacks', () => {
    expect(splitMerge('Beste {{voornaam|collega}}, van {{ Organisatie }}!')).toEqual([
      'Beste ', { field: 'firstName', fallback: 'collega' }, ', van ', { field: 'organisation', fallback: '' }, '!',
    ]);
    expect(splitMerge('{{name}} {{achternaam}}')).toEqual([{ field: 'name', fallback: '' }, ' ', { field: 'lastName', fallback: '' }]);
    expect(unknownMergeFields('Hoi {{voornam}} en {{naam}}')).toEqual(['{{voornam}}']);
    expect(splitMerge('geen {velden} hier')).toEqual(['geen {velden} hier']);
  });

  it('treats inherited property names as unknown fields, not as merge fields', () => {
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', 'Constructor']) {
      expect(splitMerge(`Hoi {{${name}}}`), name).toEqual(['Hoi ', { unknown: name, raw: `{{${name}}}` }]);
      expect(unknownMergeFields(`Hoi {{${name}|x}}`), name).toEqual([`{{${name}|x}}`]);
    }
  });
});

describe('intro markup', () => {
  it('parses bold, italic, links, lists and paragraphs', () => {
    const { blocks, links } = parseMarkup('Dit is **vet** en *schuin*.\nNieuwe regel met [een link](https://example.org/a_(b)).\n\n- een\n- twee\n\n1. eerst\n2. dan');
    expect(blocks.map((b) => b.t)).toEqual(['p', 'ul', 'ol']);
    const p = blocks[0]!;
    expect(p.t === 'p' && p.c).toEqual([
      { t: 'text', v: 'Dit is ' }, { t: 'b', c: [{ t: 'text', v: 'vet' }] }, { t: 'text', v: ' en ' }, { t: 'i', c: [{ t: 'text', v: 'schuin' }] },
      { t: 'text', v: '.' }, { t: 'br' }, { t: 'text', v: 'Nieuwe regel met ' },
      { t: 'a', href: 'https://example.org/a_(b)', c: [{ t: 'text', v: 'een link' }] }, { t: 'text', v: '.' },
    ]);
    expect(links).toEqual([{ url: 'https://example.org/a_(b)', check: { ok: true, href: 'https://example.org/a_(b)' } }]);
  });

  it('keeps a refused link as plain text and reports it', () => {
    const { blocks, links } = parseMarkup('Klik [hier](javascript:alert(1)) nu');
    expect(blocks[0]).toEqual({ t: 'p', c: [{ t: 'text', v: 'Klik ' }, { t: 'text', v: 'hier' }, { t: 'text', v: ' nu' }] });
    expect(links[0]!.check).toEqual({ ok: false, reason: 'scheme' });
  });

  it('treats HTML and MJML as text', () => {
    const { blocks } = parseMarkup('<b>x</b> <mj-include path="../../package.json" /> * niet schuin * \\*ook niet\\*');
    expect(blocks[0]).toEqual({ t: 'p', c: [{ t: 'text', v: '<b>x</b> <mj-include path="../../package.json" /> * niet schuin * *ook niet*' }] });
  });
});

const bi = (nl: string, en = '') => ({ nl, en });

describe('edition walking', () => {
  const content: EditionContent = {
    number: 1, date: '2025-03-01', title: bi('Titel', 'Title'), subject: bi('Onderwerp'), preheader: bi('', ''),
    audience: { listIds: [1], organisationKinds: [], pilotIds: [], regions: [], tags: [] },
    blocks: [
      { id: 'a', type: 'intro', text: bi('Zie [site](https://example.org) en [mail](mailto:a@example.org)', 'See') },
      { id: 'b', type: 'image', url: 'https://example.org/a.png', alt: bi(''), caption: bi(''), link: '' },
      { id: 'c', type: 'intro', text: bi('  ') },
      { id: 'd', type: 'divider' },
    ],
  };

  it('finds links, empty blocks and missing English', () => {
    expect(blockLinks(content.blocks[0]!, 0).map((l) => [l.path, l.check.ok])).toEqual([['blocks.0.text.nl', true], ['blocks.0.text.nl', true]]);
    expect(content.blocks.map(isEmptyBlock)).toEqual([false, false, true, false]);
    expect(missingEnglish(content).map((f) => f.path)).toEqual(['subject']);
    expect(pick(bi('nl', ''), 'en')).toBe('nl');
    expect(pick(bi('nl', 'en'), 'en')).toBe('en');
  });
});
