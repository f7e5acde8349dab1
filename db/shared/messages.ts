import { z } from 'zod';

export type Messages = { nl: string; en: string };

export type UiLanguage = 'nl' | 'en';

export const CONTROL_CHARACTERS = /(?!\t)[\p{Cc}\u2028\u2029]/u;

/** True when the text has no line break, NUL or other control character (a tab is allowed). */
export function isSingleLine(text: string): boolean {
  return !CONTROL_CHARACTERS.test(text);
}

/** The issue parameter the registry turns into a Dutch or English message. */
export const SINGLE_LINE_ISSUE = 'single_line';

/** A trimmed single-line text field (names, subjects, labels); chain .min()/.max() after it. */
export function singleLine() {
  return z.string().trim().refine(isSingleLine, { params: { schakel: SINGLE_LINE_ISSUE } });
}
