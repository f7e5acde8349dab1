import type { DbOrTx } from '../store/connection';
import type { MicrosoftSettings, MicrosoftSettingsInput } from '../shared/microsoft';

export const MICROSOFT_SETTINGS_KEY = 'microsoft.account';
/** The sealed MSAL token cache in the data folder (desktop only). */
export const MICROSOFT_CACHE_FILE = 'microsoft-token-cache.bin';

export const DEFAULT_MICROSOFT: MicrosoftSettings = {
  clientId: '', tenant: '', sendProvider: 'password', sendMethod: 'smtp', mailboxProvider: 'password', mailboxMethod: 'imap',
};

export async function getMicrosoftSettings(db: DbOrTx): Promise<MicrosoftSettings> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', MICROSOFT_SETTINGS_KEY).executeTakeFirst();
  if (!row) return { ...DEFAULT_MICROSOFT };
  return { ...DEFAULT_MICROSOFT, ...(JSON.parse(row.value) as Partial<MicrosoftSettings>) };
}

export async function saveMicrosoftSettings(db: DbOrTx, input: MicrosoftSettingsInput): Promise<MicrosoftSettings> {
  const current = await getMicrosoftSettings(db);
  const next: MicrosoftSettings = { ...current };
  for (const [k, v] of Object.entries(input)) if (v !== undefined) (next as unknown as Record<string, unknown>)[k] = v;
  const value = JSON.stringify(next);
  await db.insertInto('settings').values({ key: MICROSOFT_SETTINGS_KEY, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
  return next;
}

/** Client id and tenant as used: the settings, else SCHAKEL_MS_CLIENT_ID / SCHAKEL_MS_TENANT, else `organizations`. */
export function effectiveMicrosoft(s: MicrosoftSettings, env: NodeJS.ProcessEnv = process.env): { clientId: string; tenant: string } {
  return {
    clientId: s.clientId || env.SCHAKEL_MS_CLIENT_ID?.trim() || '',
    tenant: s.tenant || env.SCHAKEL_MS_TENANT?.trim() || 'organizations',
  };
}
