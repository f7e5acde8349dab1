import { type Kysely, sql } from 'kysely';

// Frozen: never edit after release; add a new migration instead.
export async function up(db: Kysely<any>): Promise<void> {
  const statements = [
    `CREATE TABLE organisations (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL CHECK (length(trim(name)) > 0),
      kind TEXT NOT NULL CHECK (kind IN ('gemeente','politie','om','raad_kinderbescherming','jeugdbescherming','halt','school','jeugdzorg','kennispartner','overig')),
      domain TEXT NOT NULL CHECK (domain IN ('sociaal_domein','strafrechtketen','onderwijs','zorg','overig')),
      region TEXT,
      municipality TEXT,
      website TEXT,
      notes TEXT,
      search_text TEXT NOT NULL DEFAULT '',
      created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
      updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
    )`,
    `CREATE INDEX organisations_name ON organisations (name COLLATE NOCASE)`,
    `CREATE TABLE people (
      id INTEGER PRIMARY KEY,
      first_name TEXT NOT NULL DEFAULT '',
      last_name TEXT NOT NULL DEFAULT '',
      phone TEXT,
      organisation_id INTEGER REFERENCES organisations(id) ON DELETE SET NULL,
      job_title TEXT,
      language TEXT NOT NULL DEFAULT 'nl' CHECK (language IN ('nl','en')),
      notes TEXT,
      owner TEXT,
      power INTEGER CHECK (power BETWEEN 1 AND 5),
      interest INTEGER CHECK (interest BETWEEN 1 AND 5),
      sort_key TEXT NOT NULL DEFAULT '',
      search_text TEXT NOT NULL DEFAULT '',
      is_demo INTEGER NOT NULL DEFAULT 0,
      created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
      updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
      CHECK (length(trim(first_name || last_name)) > 0)
    )`,
    `CREATE INDEX people_sort ON people (sort_key, id)`,
    `CREATE INDEX people_organisation ON people (organisation_id)`,
    `CREATE TABLE person_emails (
      id INTEGER PRIMARY KEY,
      person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
      email TEXT NOT NULL,
      email_norm TEXT NOT NULL UNIQUE,
      is_primary INTEGER NOT NULL DEFAULT 0
    )`,
    `CREATE INDEX person_emails_person ON person_emails (person_id)`,
    `CREATE UNIQUE INDEX person_emails_one_primary ON person_emails (person_id) WHERE is_primary = 1`,
    `CREATE TABLE person_tags (
      person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
      tag TEXT NOT NULL,
      PRIMARY KEY (person_id, tag)
    ) WITHOUT ROWID`,
    `CREATE INDEX person_tags_tag ON person_tags (tag)`,
    `CREATE TABLE pilots (
      id INTEGER PRIMARY KEY,
      slug TEXT NOT NULL UNIQUE,
      name TEXT NOT NULL,
      name_en TEXT,
      region TEXT NOT NULL,
      municipalities TEXT NOT NULL DEFAULT '',
      phase TEXT,
      aim TEXT,
      results TEXT,
      next_steps TEXT,
      contact_name TEXT,
      created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
      updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
    )`,
    `CREATE TABLE pilot_organisations (
      pilot_id INTEGER NOT NULL REFERENCES pilots(id) ON DELETE CASCADE,
      organisation_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
      PRIMARY KEY (pilot_id, organisation_id)
    ) WITHOUT ROWID`,
    `CREATE TABLE pilot_people (
      pilot_id INTEGER NOT NULL REFERENCES pilots(id) ON DELETE CASCADE,
      person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
      role TEXT NOT NULL CHECK (role IN ('contactpersoon','trekker','partner','deelnemer')),
      PRIMARY KEY (pilot_id, person_id)
    ) WITHOUT ROWID`,
    `CREATE INDEX pilot_people_person ON pilot_people (person_id)`,
    `CREATE TABLE theme_sessions (
      id INTEGER PRIMARY KEY,
      slug TEXT NOT NULL UNIQUE,
      name TEXT NOT NULL,
      name_en TEXT NOT NULL,
      description TEXT
    )`,
    `CREATE TABLE interactions (
      id INTEGER PRIMARY KEY,
      kind TEXT NOT NULL CHECK (kind IN ('meeting','call','mail','event')),
      occurred_on TEXT NOT NULL,
      summary TEXT NOT NULL,
      created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
    )`,
    `CREATE TABLE interaction_people (
      interaction_id INTEGER NOT NULL REFERENCES interactions(id) ON DELETE CASCADE,
      person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
      PRIMARY KEY (interaction_id, person_id)
    ) WITHOUT ROWID`,
    `CREATE INDEX interaction_people_person ON interaction_people (person_id)`,
    `CREATE TABLE interaction_organisations (
      interaction_id INTEGER NOT NULL REFERENCES interactions(id) ON DELETE CASCADE,
      organisation_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
      PRIMARY KEY (interaction_id, organisation_id)
    ) WITHOUT ROWID`,
    `CREATE INDEX interaction_organisations_org ON interaction_organisations (organisation_id)`,
    `CREATE TABLE interaction_pilots (
      interaction_id INTEGER NOT NULL REFERENCES interactions(id) ON DELETE CASCADE,
      pilot_id INTEGER NOT NULL REFERENCES pilots(id) ON DELETE CASCADE,
      PRIMARY KEY (interaction_id, pilot_id)
    ) WITHOUT ROWID`,
    `CREATE INDEX interaction_pilots_pilot ON interaction_pilots (pilot_id)`,
    `CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'settings', 'interaction_pilots', 'interaction_organisations', 'interaction_people', 'interactions',
    'theme_sessions', 'pilot_people', 'pilot_organisations', 'pilots', 'person_tags', 'person_emails',
    'people', 'organisations',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
