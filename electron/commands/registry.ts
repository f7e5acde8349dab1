import { z } from 'zod';
import { CommandError } from '../../db/shared/errors';
import { SINGLE_LINE_MESSAGE, type CommandSpec, type InvokeResult } from './spec';
import { type UiLanguage, SINGLE_LINE_ISSUE } from '../../db/shared/messages';
import type { AppContext } from '../services';

type AnySpec = CommandSpec<z.ZodType, unknown>;
type OutputOf<S> = S extends CommandSpec<z.ZodType, infer O> ? O : never;

export type Handlers<C extends Record<string, AnySpec>> = {
  [K in keyof C]: (ctx: AppContext, input: z.output<C[K]['input']>) => Promise<OutputOf<C[K]>> | OutputOf<C[K]>;
};

interface Entry {
  spec: AnySpec;
  handler: (ctx: AppContext, input: unknown) => unknown;
}

const REQUIRED = { nl: 'Dit veld is verplicht.', en: 'This field is required.' };

function errorMap(lang: UiLanguage): z.core.$ZodErrorMap {
  const locale = z.locales[lang]().localeError;
  return (issue) => {
    const emptyText = issue.code === 'too_small' && issue.origin === 'string' && Number(issue.minimum) === 1;
    const missing = issue.code === 'invalid_type' && issue.input === undefined;
    if (emptyText || missing) return REQUIRED[lang];
    if (issue.code === 'custom' && issue.params?.schakel === SINGLE_LINE_ISSUE) return SINGLE_LINE_MESSAGE[lang];
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((k) => `"${k}"`).join(', ');
      if (lang === 'en') return `${issue.keys.length === 1 ? 'Unknown field' : 'Unknown fields'}: ${keys}`;
      return `${issue.keys.length === 1 ? 'Onbekend veld' : 'Onbekende velden'}: ${keys}`;
    }
    return locale(issue);
  };
}

const zodLocales = { nl: errorMap('nl'), en: errorMap('en') };

export class Registry {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly ctx: AppContext) {}

  /** Registers one domain's commands; a name registered twice throws. */
  register<C extends Record<string, AnySpec>>(contract: C, handlers: Handlers<C>): this {
    for (const name of Object.keys(contract)) {
      if (this.entries.has(name)) throw new Error(`Command registered twice: ${name}`);
      const handler = handlers[name];
      if (!handler) throw new Error(`Command without handler: ${name}`);
      this.entries.set(name, { spec: contract[name]!, handler: handler as Entry['handler'] });
    }
    return this;
  }

  names(): string[] {
    return [...this.entries.keys()].sort();
  }

  async invoke(name: unknown, input: unknown, lang: UiLanguage = 'nl'): Promise<InvokeResult> {
    const entry = typeof name === 'string' ? this.entries.get(name) : undefined;
    if (!entry) {
      return fail(
        'unknown_command',
        lang === 'en' ? `Unknown command: ${String(name)}` : `Onbekende opdracht: ${String(name)}`,
      );
    }
    const parsed = entry.spec.input.safeParse(input ?? {}, { error: zodLocales[lang] });
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
      const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
      return {
        ok: false,
        error: {
          code: 'invalid_input',
          message: (lang === 'en' ? 'Invalid input. ' : 'Ongeldige invoer. ') + summary,
          issues,
        },
      };
    }
    try {
      const value = await entry.handler(this.ctx, parsed.data);
      return { ok: true, value: value ?? null };
    } catch (error) {
      if (error instanceof CommandError) {
        return {
          ok: false,
          error: {
            code: error.code,
            message: error.messages[lang],
            ...(error.issues ? { issues: error.issues.map((i) => ({ path: i.path, message: i.message[lang] })) } : {}),
          },
        };
      }
      console.error(`Command ${name} failed:`, error);
      return fail(
        'internal',
        lang === 'en'
          ? 'Something went wrong while doing this. Nothing was changed.'
          : 'Er ging iets mis bij deze actie. Er is niets gewijzigd.',
      );
    }
  }
}

function fail(code: string, message: string): InvokeResult {
  return { ok: false, error: { code, message } };
}

export type { AppContext } from '../services';
