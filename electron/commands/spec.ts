import type { z } from 'zod';

/** A command's input schema, with its result type carried along as a phantom. */
export interface CommandSpec<I extends z.ZodType = z.ZodType, O = unknown> {
  input: I;
  /** Never set: only carries the result type. */
  readonly __output?: O;
}

export function command<I extends z.ZodType>(input: I) {
  return {
    returns<O>(): CommandSpec<I, O> {
      return { input };
    },
  };
}

export type Messages = { nl: string; en: string };
export type UiLanguage = 'nl' | 'en';

export interface CommandErrorShape {
  code: string;
  message: string;
  issues?: { path: string; message: string }[];
}

export type InvokeResult<O = unknown> = { ok: true; value: O } | { ok: false; error: CommandErrorShape };
