import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BlockType } from '../db/shared/newsletter';

export { TEXTS, type TextKey } from './texts';

/** Every template, listed statically: a bundled app cannot read the folder. Paths are relative to templates/. */
export const TEMPLATE_FILES = {
  base: 'base.mjml',
  intro: 'blocks/intro.mjml',
  pilot: 'blocks/pilot.mjml',
  event: 'blocks/event.mjml',
  publication: 'blocks/publication.mjml',
  contact: 'blocks/contact.mjml',
  image: 'blocks/image.mjml',
  divider: 'blocks/divider.mjml',
} as const satisfies Record<'base' | BlockType, string>;

export type TemplateName = keyof typeof TEMPLATE_FILES;
export type TemplateSet = Record<TemplateName, string>;

function moduleDir(): string {
  // In the CommonJS bundle of the desktop app __dirname exists; under tsx and vitest import.meta.url does.
  return typeof __dirname === 'string' ? __dirname : path.dirname(fileURLToPath(import.meta.url));
}

/**
 * The folder holding base.mjml: SCHAKEL_TEMPLATES_DIR, or beside this module, or templates/ beside or
 * two levels above it (the desktop bundle in dist/electron).
 */
export function templatesDir(): string {
  const here = moduleDir();
  const candidates = [process.env.SCHAKEL_TEMPLATES_DIR, here, path.join(here, 'templates'), path.join(here, '..', '..', 'templates')];
  for (const dir of candidates) if (dir && existsSync(path.join(dir, TEMPLATE_FILES.base))) return path.resolve(dir);
  throw new Error(`Newsletter templates not found (looked in ${candidates.filter(Boolean).join(', ')})`);
}

let cached: { dir: string; set: TemplateSet } | null = null;

/** Reads the listed files once. Templates may not use mj-include: partials are put together by the renderer. */
export function loadTemplates(dir = templatesDir()): TemplateSet {
  if (cached?.dir === dir) return cached.set;
  const set = {} as TemplateSet;
  for (const [name, file] of Object.entries(TEMPLATE_FILES) as [TemplateName, string][]) {
    const text = readFileSync(path.join(dir, file), 'utf8');
    if (/<mj-include\b/i.test(text)) throw new Error(`Template ${file} uses mj-include, which is not allowed`);
    set[name] = text;
  }
  cached = { dir, set };
  return set;
}
