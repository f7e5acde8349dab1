import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve('renderer/src');
const TOKENS = path.join(SRC, 'ui', 'tokens.css');
const MAX_LINES = 400;
const COLOUR = /#[0-9a-f]{3,8}\b|\b(?:rgba?|hsla?)\(/gi;

function files(dir: string, ext: RegExp): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return files(full, ext);
    return ext.test(entry.name) ? [full] : [];
  });
}

function colourLiterals(text: string): string[] {
  const withoutComments = text.replace(/\/\*[\s\S]*?\*\//g, '');
  return withoutComments.split('\n').flatMap((line, i) => (line.match(COLOUR) ?? []).map((m) => `${i + 1}: ${m}`));
}

const cssFiles = files(SRC, /\.css$/);
const rel = (file: string) => path.relative(SRC, file);

describe('renderer styles', () => {
  it('finds the style sheets and recognises a colour literal', () => {
    expect(cssFiles).toContain(TOKENS);
    expect(colourLiterals('a { color: #1f2933; border-color: rgb(0 0 0); background: hsl(0 0% 0%); }')).toHaveLength(3);
    expect(colourLiterals('a { color: var(--color-text); } /* #fff */')).toEqual([]);
  });

  it('takes every colour from tokens.css', () => {
    const offenders = [...cssFiles, ...files(SRC, /\.tsx?$/)]
      .filter((file) => file !== TOKENS)
      .flatMap((file) => colourLiterals(readFileSync(file, 'utf8')).map((hit) => `${rel(file)}:${hit}`));
    expect(offenders).toEqual([]);
  });

  it('keeps every style sheet under 400 lines', () => {
    const long = cssFiles.map((file) => ({ file: rel(file), lines: readFileSync(file, 'utf8').split('\n').length })).filter(({ lines }) => lines > MAX_LINES);
    expect(long).toEqual([]);
  });

  it('uses only custom properties that tokens.css declares', () => {
    const declared = new Set(readFileSync(TOKENS, 'utf8').match(/--[\w-]+(?=\s*:)/g));
    const unknown = cssFiles.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/var\((--[\w-]+)/g)]
        .map((m) => m[1] ?? '')
        .filter((name) => !declared.has(name))
        .map((name) => `${rel(file)}: ${name}`),
    );
    expect(unknown).toEqual([]);
  });
});
