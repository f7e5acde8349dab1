import { z } from 'zod';

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

// C0 controls except tab, DEL, C1 controls (NEL among them), and the Unicode line and paragraph separators.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/;

/** True when the text has no line break, NUL or other control character (a tab is allowed). */
export function isSingleLine(text: string): boolean {
  return !CONTROL_CHARACTERS.test(text);
}

/** The issue parameter the registry turns into a Dutch or English message. */
export const SINGLE_LINE_ISSUE = 'single_line';

export const SINGLE_LINE_MESSAGE: Messages = {
  nl: 'Alleen één regel tekst: geen regeleinde of ander besturingsteken.',
  en: 'A single line of text only: no line break or other control character.',
};

/** A trimmed single-line text field (names, subjects, labels); chain .min()/.max() after it. */
export function singleLine() {
  return z.string().trim().refine(isSingleLine, { params: { schakel: SINGLE_LINE_ISSUE } });
}

/** The same without trimming (texts the editor keeps exactly as typed). */
export function singleLineUntrimmed() {
  return z.string().refine(isSingleLine, { params: { schakel: SINGLE_LINE_ISSUE } });
}
