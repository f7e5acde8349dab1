import { cpSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist', 'electron');

const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  sourcemap: 'linked',
  logLevel: 'warning',
  legalComments: 'none',
  absWorkingDir: root,
};

try {
  await Promise.all([
    build({
      ...common,
      entryPoints: [path.join(root, 'electron', 'main.ts')],
      outfile: path.join(outdir, 'main.cjs'),
      target: 'node22',
      packages: 'external',
    }),
    build({
      ...common,
      entryPoints: [path.join(root, 'electron', 'preload.ts')],
      outfile: path.join(outdir, 'preload.cjs'),
      target: 'chrome140',
      external: ['electron'],
    }),
  ]);
  cpSync(path.join(root, 'templates'), path.join(outdir, 'templates'), {
    recursive: true,
    filter: (src) => !src.endsWith('.ts'),
  });
} catch {
  process.exitCode = 1;
}
