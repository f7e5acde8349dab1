import { type Kysely, sql } from 'kysely';

// Frozen: never edit after release; add a new migration instead.
const NOW = `(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`;

export async function up(db: Kysely<any>): Promise<void> {
  const statements = [
    // content: JSON of the edition (title, subject, preheader per language, audience, blocks).
    `CREATE TABLE editions (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      number INTEGER NOT NULL UNIQUE CHECK (number > 0),
      edition_date TEXT NOT NULL,
      status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','ready','sent','archived')),
      content TEXT NOT NULL CHECK (json_valid(content)),
      revision INTEGER NOT NULL DEFAULT 1,
      ready_at TEXT,
      sent_at TEXT,
      archived_at TEXT,
      created_at TEXT NOT NULL DEFAULT ${NOW},
      updated_at TEXT NOT NULL DEFAULT ${NOW},
      CHECK (status <> 'sent' OR sent_at IS NOT NULL)
    )`,
    `CREATE INDEX editions_status ON editions (status, number)`,
    // A sent edition is frozen: only its move to the archive may change it.
    `CREATE TRIGGER editions_frozen BEFORE UPDATE ON editions
      WHEN OLD.sent_at IS NOT NULL AND NOT (
        NEW.content = OLD.content AND NEW.number = OLD.number AND NEW.edition_date = OLD.edition_date
        AND NEW.sent_at = OLD.sent_at AND NEW.revision = OLD.revision AND NEW.ready_at IS OLD.ready_at
        AND NEW.status IN ('sent','archived')
      )
      BEGIN SELECT RAISE(ABORT, 'edition_frozen'); END`,
    `CREATE TRIGGER editions_keep_sent BEFORE DELETE ON editions
      WHEN OLD.sent_at IS NOT NULL
      BEGIN SELECT RAISE(ABORT, 'edition_frozen'); END`,

    // The final rendering of a sent edition per language, kept as it went out.
    `CREATE TABLE edition_archives (
      edition_id INTEGER NOT NULL REFERENCES editions(id),
      language TEXT NOT NULL CHECK (language IN ('nl','en')),
      subject TEXT NOT NULL,
      preheader TEXT NOT NULL,
      web_html TEXT NOT NULL,
      mail_html TEXT NOT NULL,
      text TEXT NOT NULL,
      created_at TEXT NOT NULL DEFAULT ${NOW},
      PRIMARY KEY (edition_id, language)
    ) WITHOUT ROWID`,
    `CREATE TRIGGER edition_archives_no_update BEFORE UPDATE ON edition_archives
      BEGIN SELECT RAISE(ABORT, 'edition_archives are immutable'); END`,
    `CREATE TRIGGER edition_archives_no_delete BEFORE DELETE ON edition_archives
      BEGIN SELECT RAISE(ABORT, 'edition_archives are immutable'); END`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('edition_archives').execute();
  await db.schema.dropTable('editions').execute();
}
