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
      external: ['electron', 'better-sqlite3'],
    }),
    build({
      ...common,
      entryPoints: [path.join(root, 'electron', 'preload.ts')],
      outfile: path.join(outdir, 'preload.cjs'),
      target: 'chrome140',
      external: ['electron'],
    }),
  ]);
} catch {
  process.exitCode = 1;
}
