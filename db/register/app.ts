import path from 'node:path';
import type { DbOrTx } from '../store/connection';
import { DATABASE_FILE } from '../store/connection';

const VERSION = '0.1.0';

/** The start screen's facts: version, data folder, counts, whether demo data was loaded, the saved UI language. */
export async function appInfo(db: DbOrTx, dataDir: string) {
  const count = (table: 'people' | 'organisations' | 'pilots' | 'interactions') =>
    db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow().then((r) => Number(r.n));
  const [people, organisations, pilots, interactions, demo, lang] = await Promise.all([
    count('people'), count('organisations'), count('pilots'), count('interactions'),
    db.selectFrom('settings').select('value').where('key', '=', 'seed.demo').executeTakeFirst(),
    db.selectFrom('settings').select('value').where('key', '=', 'ui.language').executeTakeFirst(),
  ]);
  return {
    version: VERSION,
    dataDir,
    databaseFile: path.join(dataDir, DATABASE_FILE),
    counts: { people, organisations, pilots, interactions },
    hasDemo: Boolean(demo),
    language: lang?.value === 'en' ? 'en' as const : 'nl' as const,
  };
}

export async function saveUiLanguage(db: DbOrTx, language: 'nl' | 'en'): Promise<{ language: 'nl' | 'en' }> {
  await db.insertInto('settings').values({ key: 'ui.language', value: language })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: language })).execute();
  return { language };
}

export async function listThemeSessions(db: DbOrTx) {
  const rows = await db.selectFrom('theme_sessions').selectAll().orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, name: r.name, nameEn: r.name_en, description: r.description }));
}
