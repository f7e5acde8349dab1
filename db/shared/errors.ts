import type { Messages } from './messages';

/** An expected failure the user can act on; its message exists in Dutch and English. */
export class CommandError extends Error {
  constructor(
    readonly code: string,
    readonly messages: Messages,
    readonly issues?: { path: string; message: Messages }[],
  ) {
    super(messages.en);
    this.name = 'CommandError';
  }
}

export function notFound(what: Messages): CommandError {
  return new CommandError('not_found', { nl: `${what.nl} niet gevonden.`, en: `${what.en} not found.` });
}
