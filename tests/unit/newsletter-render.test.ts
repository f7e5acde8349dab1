import { createHmac } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mjml2html from 'mjml';
import { describe, expect, it } from 'vitest';
import { loadTemplates, TEMPLATE_FILES, templatesDir, TEXTS } from '../../templates/index';
import { UnsubscribeTokens } from '../../db/newsletter/newsletter';
import { sampleEditionContent } from '../../db/newsletter/sample';
import {
  buildSources, compileCached, compileEdition, createBufferMerger, createMerger, parseTemplate, renderTemplate, type MergeRecipient, type NewsletterSettings,
} from '../../db/newsletter/render';
import { BLOCK_TYPES, type Block, type EditionContent } from '../../db/shared/newsletter';

const settings: NewsletterSettings = {
  senderName: 'Programmasecretariaat Jeugd en Veiligheid', senderEmail: 'nieuwsbrief@example.org',
  postalAddress: 'Postbus 100\n7500 AA Voorbeeldstad', privacyUrl: 'https://www.example.org/privacy', unsubscribeAddress: 'afmelden@example.org',
};
const tokens = new UnsubscribeTokens(Buffer.alloc(32, 7));
const bi = (nl: string, en = '') => ({ nl, en });
const recipient = (over: Partial<MergeRecipient> = {}): MergeRecipient => ({
  personId: 42, listId: 3, firstName: 'Zoë', lastName: "Huis in 't Veld", organisation: 'Gemeente Almelo', listName: 'Nieuwsbrief Jeugd en Veiligheid',
  lawfulBasis: 'consent', ...over,
});
const edition = (blocks: Block[], over: Partial<EditionContent> = {}): EditionContent => ({
  ...sampleEditionContent(), blocks, ...over,
});

describe('templates', () => {
  it('lists every file, one partial per block type, none using mj-include', () => {
    const dir = templatesDir();
    expect(Object.keys(TEMPLATE_FILES).sort()).toEqual(['base', ...BLOCK_TYPES].sort());
    for (const file of Object.values(TEMPLATE_FILES)) {
      const text = readFileSync(path.join(dir, file), 'utf8');
      expect(text, file).not.toMatch(/mj-include/);
      expect(() => parseTemplate(text), file).not.toThrow();
    }
  });

  it('has every fixed text in Dutch and English, and uses only known ones', () => {
    for (const [key, t] of Object.entries(TEXTS)) {
      expect(t.nl.trim(), key).not.toBe('');
      expect(t.en.trim(), key).not.toBe('');
    }
    const templates = loadTemplates();
    for (const source of Object.values(templates)) {
      for (const m of source.matchAll(/\[\[([\w.]+)\]\]/g)) expect(Object.keys(TEXTS)).toContain(m[1]);
    }
  });

  it('refuses a template folder whose files use mj-include', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'schakel-templates-'));
    try {
      cpSync(templatesDir(), dir, { recursive: true, filter: (src) => !src.endsWith('.ts') });
      writeFileSync(path.join(dir, 'blocks', 'divider.mjml'), '<mj-include path="../../../package.json" />');
      expect(() => loadTemplates(dir)).toThrow(/mj-include/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('mini-template: values, sections over lists, inverted sections, fixed texts', () => {
    const out = renderTemplate('{{#items}}<{{name}}>{{/items}}{{^none}}-{{/none}}{{#flag}}[[footer.unsubscribe]]{{/flag}}{{missing}}', {
      items: [{ name: 'a' }, { name: 'b' }], none: [], flag: true,
    }, (k) => `T:${k}`);
    expect(out).toBe('<a><b>-T:footer.unsubscribe');
    expect(() => parseTemplate('{{#a}}x')).toThrow(/Unclosed/);
    expect(() => parseTemplate('[[no.such.text]]')).toThrow(/Unknown fixed text/);
  });
});

describe('MJML strict validation', () => {
  it('compiles the full 12-block edition in both languages and both modes without a validation error', async () => {
    for (const language of ['nl', 'en'] as const) {
      for (const mode of ['mail', 'web'] as const) {
        const c = await compileEdition({ content: sampleEditionContent(), language, settings, mode }, { validationLevel: 'strict' });
        expect(c.mjmlErrors).toEqual([]);
        expect(c.html.parts.join('')).toContain(`lang="${language}"`);
      }
    }
  });

  it('is strict about a broken template (the check can fail)', async () => {
    await expect(mjml2html('<mjml><mj-body><mj-section><mj-text>x</mj-text></mj-section></mj-body></mjml>', { validationLevel: 'strict' }))
      .rejects.toThrow(/ValidationError/);
  });

  it('never reads an mj-include, even one smuggled into the compiled source', async () => {
    const secret = path.join(templatesDir(), '..', 'package.json');
    expect(existsSync(secret)).toBe(true);
    const raw = `<mjml><mj-body><mj-include path="${secret}" /><mj-include path="../package.json" /></mj-body></mjml>`;
    const out = await mjml2html(raw, { ignoreIncludes: true, filePath: templatesDir(), validationLevel: 'soft' });
    expect(out.html).not.toContain('"name": "schakel"');
  });
});

describe('block → MJML', () => {
  const sourcesFor = (block: Block, language: 'nl' | 'en' = 'nl') =>
    buildSources({ content: edition([block]), language, settings, mode: 'mail' });

  it('maps every block type to its partial', () => {
    const blocks = sampleEditionContent().blocks;
    const byType = (t: string) => blocks.find((b) => b.type === t)!;
    expect(sourcesFor(byType('intro')).mjml).toMatch(/<mj-text><p style="[^"]*">Beste ~~\w+_\d+~~,<\/p><p style/);
    expect(sourcesFor(byType('pilot')).mjml).toMatch(/Uit de pilots[\s\S]*<h2[^>]*>Vroegsignalering Twente<\/h2>[\s\S]*<strong>Fase:<\/strong> Implementatie[\s\S]*Wat is de volgende stap\?/);
    const event = sourcesFor(byType('event')).mjml;
    expect(event).toMatch(/<mj-table[^>]*>\s*<tr><td[^>]*>09:30<\/td><td[^>]*>Inloop<\/td><\/tr>/);
    expect(event.match(/<li /g)).toHaveLength(4);
    expect(event).toContain('<mj-button href="https://www.example.org/programmadag">Aanmelden</mj-button>');
    expect(event).toContain('<strong>Datum:</strong> 10 april 2025');
    expect(sourcesFor(byType('event'), 'en').mjml).toContain('<strong>Date:</strong> 10 April 2025');
    expect(sourcesFor(byType('publication')).mjml).toContain('<mj-button href="https://www.example.org/publicaties/handleiding.pdf">Lees de publicatie</mj-button>');
    expect(sourcesFor(byType('contact')).mjml).toContain('<mj-button href="mailto:secretariaat@example.org" padding="12px 20px 0">Mail Sanne</mj-button>');
    expect(sourcesFor(byType('image')).mjml).toContain('<mj-image src="https://www.example.org/beeld/programmadag.jpg" alt="Deelnemers in gesprek tijdens een themasessie" padding="0 24px" />');
    expect(sourcesFor(byType('divider')).mjml).toContain('<mj-divider />');
  });

  it('keeps the block order and leaves out empty blocks', () => {
    const blocks: Block[] = [
      { id: '1', type: 'publication', title: bi('Eerste'), summary: bi(''), url: 'https://example.org/1' },
      { id: '2', type: 'intro', text: bi('   ') },
      { id: '3', type: 'image', url: '', alt: bi(''), caption: bi(''), link: '' },
      { id: '4', type: 'publication', title: bi('Tweede'), summary: bi(''), url: 'https://example.org/2' },
    ];
    const { mjml } = buildSources({ content: edition(blocks), language: 'nl', settings, mode: 'mail' });
    expect(mjml.indexOf('Eerste')).toBeLessThan(mjml.indexOf('Tweede'));
    const base = buildSources({ content: edition([]), language: 'nl', settings, mode: 'mail' }).mjml;
    expect(mjml.match(/<mj-section/g)!.length - base.match(/<mj-section/g)!.length).toBe(2);
  });

  it('falls back to Dutch per text where English is missing', () => {
    const { mjml, text } = sourcesFor({ id: 'x', type: 'publication', title: bi('Alleen Nederlands'), summary: bi('NL', 'EN summary'), url: 'https://example.org' }, 'en');
    expect(mjml).toContain('Alleen Nederlands');
    expect(mjml).toContain('EN summary');
    expect(mjml).toContain('Read the publication');
    expect(text).toContain('Alleen Nederlands');
  });

  it('escapes user text before it goes into MJML, so it cannot add tags', () => {
    const evil = '</mj-text><mj-raw><script>alert(1)</script></mj-raw><mj-include path="../package.json" /> & "x"';
    const { mjml } = sourcesFor({ id: 'x', type: 'intro', text: bi(evil) });
    expect(mjml).not.toContain('<script>');
    expect(mjml).not.toContain('<mj-include');
    expect(mjml).toContain('&lt;/mj-text&gt;&lt;mj-raw&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mjml).toContain('&amp; &quot;x&quot;');
  });

  it('renders refused links as plain text and never as href', () => {
    const { mjml } = sourcesFor({ id: 'x', type: 'intro', text: bi('[klik](javascript:alert(1)) [oud](http://example.org) [goed](https://example.org/?a=1&b=2)') });
    expect(mjml).not.toMatch(/href="(javascript|http):/);
    expect(mjml).toContain('<a href="https://example.org/?a=1&amp;b=2" style="color:#0e7c86">goed</a>');
    expect(mjml).toMatch(/klik oud/);
  });
});

describe('merging per recipient', () => {
  it('escapes every merged value in the HTML and keeps it intact in the text part', async () => {
    const content = edition([{ id: 'i', type: 'intro', text: bi('Beste {{voornaam}} {{achternaam}} van {{organisatie|uw organisatie}},') }], {
      subject: bi('Hallo {{naam}}'),
    });
    const c = await compileEdition({ content, language: 'nl', settings, mode: 'mail' });
    const merge = createMerger(c, { settings, sign: tokens.sign });
    const m = merge(recipient({ firstName: '<img src=x onerror=alert(1)>', lastName: '"><script>', organisation: '' }));
    expect(m.html).toContain('Beste &lt;img src=x onerror=alert(1)&gt; &quot;&gt;&lt;script&gt; van uw organisatie,');
    expect(m.html).not.toMatch(/<img[^>]*onerror/i);
    expect(m.html).not.toContain('<script');
    expect(m.text).toContain('Beste <img src=x onerror=alert(1)> "><script> van uw organisatie,');
    expect(m.subject).toBe('Hallo <img src=x onerror=alert(1)> "><script>');
    expect(m.html).toContain('<title>Hallo &lt;img src=x onerror=alert(1)&gt; &quot;&gt;&lt;script&gt;</title>');
  });

  it('escapes the list name in the footer and uses the lawful basis', async () => {
    const c = await compileEdition({ content: sampleEditionContent(), language: 'nl', settings, mode: 'mail' });
    const merge = createMerger(c, { settings, sign: tokens.sign });
    const m = merge(recipient({ listName: 'Partners <b>&</b>', lawfulBasis: 'legitimate_interest' }));
    expect(m.html).toContain('op de lijst ‘Partners &lt;b&gt;&amp;&lt;/b&gt;’ staat. Grondslag: gerechtvaardigd belang');
    expect(m.text).toContain('‘Partners <b>&</b>’');
  });

  it("inserts the recipient's own unsubscribe link with a token that verifies", async () => {
    const c = await compileEdition({ content: sampleEditionContent(), language: 'en', settings, mode: 'mail' });
    const merge = createMerger(c, { settings, sign: tokens.sign });
    const a = merge(recipient({ personId: 42, listId: 3 }));
    const b = merge(recipient({ personId: 43, listId: 3 }));
    const token = decodeURIComponent(a.unsubscribeUrl.split('subject=')[1]!).split(' ')[1]!;
    expect(a.unsubscribeUrl).toMatch(/^mailto:afmelden@example\.org\?subject=Unsubscribe%20/);
    expect(tokens.verify(token)).toEqual({ personId: 42, listId: 3 });
    expect(tokens.verify(token.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')))).toBeNull();
    expect(new UnsubscribeTokens(Buffer.alloc(32, 8)).verify(token)).toBeNull();
    expect(a.html).toContain(`<a href="${a.unsubscribeUrl}"`);
    expect(b.html).not.toContain(a.unsubscribeUrl);
    expect(a.text).toContain(`Unsubscribe: ${a.unsubscribeUrl}`);
  });

  it('uses the fallback when a value is empty, and placeholders in a preview without recipient', async () => {
    const content = edition([{ id: 'i', type: 'intro', text: bi('Beste {{voornaam|relatie}},') }]);
    const c = await compileEdition({ content, language: 'nl', settings, mode: 'mail' });
    expect(createMerger(c, { settings, sign: tokens.sign })(recipient({ firstName: '  ' })).text).toContain('Beste relatie,');
    expect(createMerger(c, { settings, sign: tokens.sign })(null).text).toContain('Beste relatie,');
    const preview = createMerger(c, { settings, sign: tokens.sign, placeholders: true })(null);
    expect(preview.html).toContain('Beste [Voornaam],');
    expect(preview.unsubscribeUrl).toContain('VOORBEELD');
  });

  it('web mode has no unsubscribe link or recipient reason', async () => {
    const c = await compileEdition({ content: sampleEditionContent(), language: 'nl', settings, mode: 'web' });
    const m = createMerger(c, { settings, sign: tokens.sign })(null);
    expect(m.html).not.toContain('afmelden@example.org');
    expect(m.html).toContain('Deze nieuwsbrief verscheen op 12 maart 2025.');
    expect(m.html).toContain('Beste lezer,');
  });
});

describe('buffer merging (for sending)', () => {
  it('gives byte for byte the same bodies as the string merge, in reused buffers', async () => {
    const c = await compileEdition({ content: sampleEditionContent(), language: 'nl', settings, mode: 'mail' });
    const strings = createMerger(c, { settings, sign: tokens.sign });
    const buffers = createBufferMerger(c, { settings, sign: tokens.sign });
    const people = [recipient({ firstName: 'Zoë ‘<x>’', listName: 'Lijst “één”' }), recipient({ personId: 7, firstName: '', organisation: 'A & B' })];
    for (const r of people) {
      const s = strings(r);
      const b = buffers(r);
      expect(b.html.toString('utf8')).toBe(s.html);
      expect(b.text.toString('utf8')).toBe(s.text);
      expect(b.subject).toBe(s.subject);
      expect(b.unsubscribeUrl).toBe(s.unsubscribeUrl);
    }
  });
});

describe('plain-text part', () => {
  it('is generated from the same content: headings, lists, links with their address, programme, footer', async () => {
    const c = await compileEdition({ content: sampleEditionContent(), language: 'nl', settings, mode: 'mail' });
    const { text } = createMerger(c, { settings, sign: tokens.sign })(recipient());
    expect(text).toMatch(/^JEUGD EN VEILIGHEID OOST-NEDERLAND\nNieuwsbrief nummer 7 · 12 maart 2025\n\nVoorjaarsupdate/);
    expect(text).toContain('Beste Zoë,');
    expect(text).toContain('- de stand van de vier pilots;');
    expect(text).toContain('Kijk op de website van het Veiligheidsnetwerk (https://www.example.org/jeugd-en-veiligheid).');
    expect(text).toContain('De VIOS-aanpak op Talentstad, Thorbecke VMBO PRO en Ambelt Wapenveld.');
    expect(text).toContain('09:30  Inloop\n10:00  Welkom en opening');
    expect(text).toContain('- Preventie: Signaleren en vroeg ingrijpen.');
    expect(text).toContain('Aanmelden: https://www.example.org/programmadag');
    expect(text).toContain('Lees de publicatie: https://www.example.org/publicaties/vios-evaluatie');
    expect(text).toContain('Mail Sanne: secretariaat@example.org');
    expect(text).toContain('[Deelnemers in gesprek tijdens een themasessie]');
    expect(text).toContain('Postbus 100\n7500 AA Voorbeeldstad');
    expect(text).toContain('Privacyverklaring: https://www.example.org/privacy');
    expect(text).not.toMatch(/[<>]|\*\*|~~/);
    expect(text).not.toMatch(/\n{3,}/);
  });
});

describe('compile cache', () => {
  it('compiles once per content, language and mode', async () => {
    const content = sampleEditionContent();
    const first = compileCached({ content, language: 'nl', settings, mode: 'mail' });
    const again = compileCached({ content: structuredClone(content), language: 'nl', settings, mode: 'mail' });
    expect(first.cached).toBe(false);
    expect(again.cached).toBe(true);
    expect(await again.compiled).toBe(await first.compiled);
    expect(compileCached({ content, language: 'en', settings, mode: 'mail' }).cached).toBe(false);
    const changed = { ...content, title: bi('Anders') };
    expect(compileCached({ content: changed, language: 'nl', settings, mode: 'mail' }).cached).toBe(false);
  });
});

describe('unsubscribe tokens', () => {
  it('are HMAC-SHA256 of person and list with the installation key, and verify only unchanged', () => {
    const key = Buffer.alloc(32, 7);
    const token = tokens.sign(1234, 5);
    const body = `${(1234).toString(36)}.${(5).toString(36)}`;
    const mac = createHmac('sha256', key).update(`schakel:unsubscribe:${body}`).digest('base64url').slice(0, 22);
    expect(token).toBe(`${body}.${mac}`);
    expect(tokens.verify(token)).toEqual({ personId: 1234, listId: 5 });
    expect(tokens.verify(`${(1235).toString(36)}.${(5).toString(36)}.${mac}`)).toBeNull();
    expect(tokens.verify('VOORBEELD')).toBeNull();
    expect(tokens.verify('')).toBeNull();
  });
});
