import { type Kysely, sql } from 'kysely';

// Frozen: never edit after release; add a new migration instead.
const NOW = `(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`;

export async function up(db: Kysely<any>): Promise<void> {
  const statements = [
    `CREATE TABLE mailing_lists (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      slug TEXT UNIQUE,
      name TEXT NOT NULL CHECK (length(trim(name)) > 0),
      language TEXT NOT NULL CHECK (language IN ('nl','en')),
      lawful_basis TEXT NOT NULL CHECK (lawful_basis IN ('consent','public_task','legitimate_interest')),
      double_opt_in INTEGER NOT NULL DEFAULT 0 CHECK (double_opt_in IN (0,1)),
      archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0,1)),
      created_at TEXT NOT NULL DEFAULT ${NOW},
      updated_at TEXT NOT NULL DEFAULT ${NOW}
    )`,
    `CREATE UNIQUE INDEX mailing_lists_name ON mailing_lists (name COLLATE NOCASE)`,

    // Purpose texts as shown to subscribers; a new text is a new version, never an edit.
    `CREATE TABLE purpose_versions (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      list_id INTEGER NOT NULL REFERENCES mailing_lists(id),
      version INTEGER NOT NULL CHECK (version > 0),
      text TEXT NOT NULL CHECK (length(trim(text)) > 0),
      created_at TEXT NOT NULL DEFAULT ${NOW},
      created_by TEXT NOT NULL,
      UNIQUE (list_id, version)
    )`,
    `CREATE TRIGGER purpose_versions_no_update BEFORE UPDATE ON purpose_versions
      BEGIN SELECT RAISE(ABORT, 'purpose_versions are immutable'); END`,
    `CREATE TRIGGER purpose_versions_no_delete BEFORE DELETE ON purpose_versions
      BEGIN SELECT RAISE(ABORT, 'purpose_versions are immutable'); END`,

    `CREATE TABLE erasures (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      erased_at TEXT NOT NULL,
      actor TEXT NOT NULL,
      source TEXT NOT NULL CHECK (source IN ('avg_request','retention','staff')),
      request_id INTEGER,
      counts TEXT NOT NULL DEFAULT '{}'
    )`,
    // The counts are filled in once, at the end of the erasure's own transaction.
    `CREATE TRIGGER erasures_no_update BEFORE UPDATE ON erasures
      WHEN NOT (
        OLD.counts = '{}' AND NEW.id = OLD.id AND NEW.erased_at = OLD.erased_at AND NEW.actor = OLD.actor
        AND NEW.source = OLD.source AND NEW.request_id IS OLD.request_id
      )
      BEGIN SELECT RAISE(ABORT, 'erasures are append-only'); END`,
    `CREATE TRIGGER erasures_no_delete BEFORE DELETE ON erasures
      BEGIN SELECT RAISE(ABORT, 'erasures are append-only'); END`,

    // The consent ledger. person_id has no foreign key: the ledger outlives the register row.
    `CREATE TABLE consent_events (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      type TEXT NOT NULL CHECK (type IN ('subscribed','confirmed','unsubscribed','objected','suppressed','unsuppressed','erased')),
      person_id INTEGER,
      list_id INTEGER REFERENCES mailing_lists(id),
      occurred_at TEXT NOT NULL,
      recorded_at TEXT NOT NULL DEFAULT ${NOW},
      actor TEXT NOT NULL,
      source TEXT NOT NULL,
      purpose_version_id INTEGER REFERENCES purpose_versions(id),
      double_opt_in INTEGER NOT NULL DEFAULT 0 CHECK (double_opt_in IN (0,1)),
      reason TEXT,
      note TEXT,
      evidence_text TEXT,
      evidence_file TEXT,
      evidence_message_id TEXT,
      email TEXT,
      email_hmac TEXT,
      batch_id TEXT,
      request_id INTEGER,
      erased_at TEXT,
      erasure_id INTEGER REFERENCES erasures(id)
    )`,
    `CREATE INDEX consent_events_person ON consent_events (person_id, id) WHERE person_id IS NOT NULL`,
    `CREATE INDEX consent_events_hmac ON consent_events (email_hmac) WHERE email_hmac IS NOT NULL`,
    `CREATE INDEX consent_events_list ON consent_events (list_id)`,
    `CREATE TRIGGER consent_events_no_delete BEFORE DELETE ON consent_events
      BEGIN SELECT RAISE(ABORT, 'consent_events are append-only'); END`,
    // The one permitted update: erasure, once, replacing every personal field by the tombstone.
    `CREATE TRIGGER consent_events_no_update BEFORE UPDATE ON consent_events
      WHEN NOT (
        OLD.erased_at IS NULL AND NEW.erased_at IS NOT NULL AND NEW.erasure_id IS NOT NULL
        AND NEW.id = OLD.id AND NEW.type = OLD.type AND NEW.list_id IS OLD.list_id
        AND NEW.occurred_at = OLD.occurred_at AND NEW.recorded_at = OLD.recorded_at
        AND NEW.actor = OLD.actor AND NEW.source = OLD.source
        AND NEW.purpose_version_id IS OLD.purpose_version_id AND NEW.double_opt_in = OLD.double_opt_in
        AND NEW.reason IS OLD.reason AND NEW.batch_id IS OLD.batch_id AND NEW.request_id IS OLD.request_id
        AND NEW.person_id IS NULL AND NEW.email IS NULL AND NEW.email_hmac IS NULL AND NEW.note IS NULL
        AND NEW.evidence_text IS NULL AND NEW.evidence_file IS NULL AND NEW.evidence_message_id IS NULL
      )
      BEGIN SELECT RAISE(ABORT, 'consent_events are append-only'); END`,

    // Projection of the ledger, written in the same transaction as each event.
    `CREATE TABLE subscriptions (
      person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
      list_id INTEGER NOT NULL REFERENCES mailing_lists(id),
      status TEXT NOT NULL CHECK (status IN ('pending','subscribed','unsubscribed')),
      purpose_version_id INTEGER REFERENCES purpose_versions(id),
      last_event_id INTEGER NOT NULL REFERENCES consent_events(id),
      since TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      PRIMARY KEY (person_id, list_id)
    ) WITHOUT ROWID`,
    `CREATE INDEX subscriptions_list ON subscriptions (list_id, status)`,

    // Keyed by HMAC-SHA256 of the normalised address; never the address itself.
    `CREATE TABLE suppressions (
      email_hmac TEXT PRIMARY KEY,
      reason TEXT NOT NULL CHECK (reason IN ('unsubscribed_all','objection','hard_bounce','complaint','erased','manual')),
      since TEXT NOT NULL,
      event_id INTEGER NOT NULL REFERENCES consent_events(id)
    ) WITHOUT ROWID`,

    `CREATE TABLE avg_requests (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      kind TEXT NOT NULL CHECK (kind IN ('access','correction','erasure','objection','portability')),
      person_id INTEGER REFERENCES people(id) ON DELETE SET NULL,
      subject_name TEXT,
      subject_email TEXT,
      channel TEXT NOT NULL CHECK (channel IN ('email','phone','in_person','letter','website')),
      received_on TEXT NOT NULL,
      deadline_on TEXT NOT NULL,
      extended_to TEXT,
      extension_reason TEXT,
      status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','in_progress','done','refused')),
      handled_by TEXT,
      notes TEXT,
      outcome TEXT,
      closed_on TEXT,
      erasure_id INTEGER REFERENCES erasures(id),
      created_at TEXT NOT NULL DEFAULT ${NOW},
      updated_at TEXT NOT NULL DEFAULT ${NOW},
      CHECK ((extended_to IS NULL) = (extension_reason IS NULL))
    )`,
    `CREATE INDEX avg_requests_status ON avg_requests (status, deadline_on)`,
    `CREATE INDEX avg_requests_person ON avg_requests (person_id)`,

    // A person with a consent history leaves the register only through erasure, which unlinks the ledger first.
    `CREATE TRIGGER people_keep_consent_history BEFORE DELETE ON people
      WHEN EXISTS (SELECT 1 FROM consent_events WHERE person_id = OLD.id)
      BEGIN SELECT RAISE(ABORT, 'person_has_consent_history'); END`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw('DROP TRIGGER IF EXISTS people_keep_consent_history').execute(db);
  for (const table of ['avg_requests', 'suppressions', 'subscriptions', 'consent_events', 'erasures', 'purpose_versions', 'mailing_lists']) {
    await db.schema.dropTable(table).execute();
  }
}
