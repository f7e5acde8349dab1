import { z } from 'zod';
import { type Messages, isSingleLine, SINGLE_LINE_ISSUE } from '../../db/shared/messages';

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

export interface CommandErrorShape {
  code: string;
  message: string;
  issues?: { path: string; message: string }[];
}

export type InvokeResult<O = unknown> = { ok: true; value: O } | { ok: false; error: CommandErrorShape };

// C0 controls except tab, DEL, C1 controls (NEL among them), and the Unicode line and paragraph separators.
export const SINGLE_LINE_MESSAGE: Messages = {
  nl: 'Alleen één regel tekst: geen regeleinde of ander besturingsteken.',
  en: 'A single line of text only: no line break or other control character.',
};

/** The same without trimming (texts the editor keeps exactly as typed). */
export function singleLineUntrimmed() {
  return z.string().refine(isSingleLine, { params: { schakel: SINGLE_LINE_ISSUE } });
}

export type { Messages, UiLanguage } from '../../db/shared/messages';
export { isSingleLine, SINGLE_LINE_ISSUE, singleLine } from '../../db/shared/messages';
