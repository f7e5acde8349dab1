import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DATABASE_FILE, openDatabase, type OpenedDatabase } from '../db/connection';
export { DATABASE_FILE };
import { seedProgramme, seedDemo } from '../db/seed';
import { Registry, type Context } from './commands/registry';
import { importContract } from './commands/import.contract';
import { registerContract } from './commands/register.contract';
import { importHandlers } from './handlers/import';
import { registerHandlers } from './handlers/register';

export interface CoreOptions {
  dataDir: string;
  demo?: boolean;
  nativeBinding?: string;
  now?: () => Date;
}

export interface Core {
  registry: Registry;
  ctx: Context;
  database: OpenedDatabase;
  close(): Promise<void>;
}



/** Opens the data folder, migrates and seeds, and registers every command. No Electron, no HTTP. */
export async function startCore(options: CoreOptions): Promise<Core> {
  mkdirSync(options.dataDir, { recursive: true });
  const database = await openDatabase(path.join(options.dataDir, DATABASE_FILE), {
    nativeBinding: options.nativeBinding,
  });
  const ctx: Context = {
    db: database.db,
    sqlite: database.sqlite,
    dataDir: options.dataDir,
    now: options.now ?? (() => new Date()),
  };
  await seedProgramme(ctx.db);
  if (options.demo) await seedDemo(ctx.db);
  const registry = new Registry(ctx)
    .register(registerContract, registerHandlers)
    .register(importContract, importHandlers);
  return { registry, ctx, database, close: () => database.close() };
}
