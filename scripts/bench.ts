import type { BenchModule, Report } from './bench/types';

// One line per module; they run in this order. `npm run bench -- register` runs only the named ones.
const modules: Record<string, () => Promise<BenchModule>> = {
  register: () => import('./bench/register'),
  consent: () => import('./bench/consent'),
  newsletter: () => import('./bench/newsletter'),
  backup: () => import('./bench/backup'),
  sending: () => import('./bench/sending'),
  inbox: () => import('./bench/inbox'),
};

const report: Report = (name, value, unit) => {
  const shown = Number.isInteger(value) ? String(value) : value.toFixed(value >= 100 ? 1 : 3);
  console.log(`${name}: ${shown} ${unit}`);
};

const only = process.argv.slice(2);
const unknown = only.filter((name) => !(name in modules));
if (unknown.length) {
  console.error(`Unknown bench module(s): ${unknown.join(', ')}. Known: ${Object.keys(modules).join(', ')}`);
  process.exit(2);
}
for (const [name, load] of Object.entries(modules)) {
  if (only.length && !only.includes(name)) continue;
  const started = performance.now();
  await (await load()).run(report);
  console.error(`[bench] ${name} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
