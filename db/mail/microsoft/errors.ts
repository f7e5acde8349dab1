import { AuthError, InteractionRequiredAuthError, ServerError } from '@azure/msal-node';

export interface Messages {
  nl: string;
  en: string;
}

/** Schakel's own codes for what can go wrong with a Microsoft 365 account, each with what to do. */
export type MicrosoftErrorCode =
  | 'ms_admin_consent'
  | 'ms_sign_in_cancelled'
  | 'ms_sign_in_again'
  | 'ms_not_signed_in'
  | 'ms_no_mailbox'
  | 'ms_network'
  | 'ms_smtp_auth_disabled'
  | 'ms_basic_auth_refused'
  | 'ms_unknown';

export const MICROSOFT_MESSAGES: Record<MicrosoftErrorCode, Messages> = {
  ms_admin_consent: {
    nl: 'De beheerder van je organisatie moet Schakel eerst toestemming geven (AADSTS65001/90094). Vraag ICT om "toestemming van de beheerder" in Microsoft Entra; daarna kun je je aanmelden.',
    en: 'Your organisation\'s administrator must grant consent to Schakel first (AADSTS65001/90094). Ask ICT for "admin consent" in Microsoft Entra; then sign in.',
  },
  ms_sign_in_cancelled: {
    nl: 'Het aanmelden bij Microsoft is afgebroken. Er is niets gewijzigd; probeer het opnieuw wanneer je wilt.',
    en: 'Signing in with Microsoft was cancelled. Nothing was changed; try again whenever you like.',
  },
  ms_sign_in_again: {
    nl: 'Meld je opnieuw aan bij Microsoft. De aanmelding is verlopen of ingetrokken; verzenden is gepauzeerd en er gaat niets verloren.',
    en: 'Sign in to Microsoft again. The sign-in has expired or was revoked; sending is paused and nothing is lost.',
  },
  ms_not_signed_in: {
    nl: 'Meld je eerst aan bij Microsoft (Instellingen → "Aanmelden met Microsoft").',
    en: 'Sign in to Microsoft first (Settings → "Sign in with Microsoft").',
  },
  ms_no_mailbox: {
    nl: 'Dit Microsoft-account heeft geen postvak of geen Exchange Online-licentie. Vraag ICT om een licentie, of meld je aan met het account van het secretariaat.',
    en: 'This Microsoft account has no mailbox or no Exchange Online licence. Ask ICT for a licence, or sign in with the secretariat\'s account.',
  },
  ms_network: {
    nl: 'Microsoft is niet bereikbaar. Controleer de internetverbinding; Schakel probeert het later opnieuw.',
    en: 'Microsoft cannot be reached. Check the internet connection; Schakel will try again later.',
  },
  ms_smtp_auth_disabled: {
    nl: 'SMTP AUTH staat uit voor jullie organisatie (535 5.7.139). Kies "Microsoft Graph" als verzendwijze, of vraag ICT om SMTP AUTH voor dit postvak aan te zetten.',
    en: 'SMTP AUTH is switched off for your organisation (535 5.7.139). Choose "Microsoft Graph" as the sending method, or ask ICT to enable SMTP AUTH for this mailbox.',
  },
  ms_basic_auth_refused: {
    nl: 'Microsoft weigert aanmelden met een wachtwoord (550 5.7.30). Kies "Microsoft 365" en "Aanmelden met Microsoft".',
    en: 'Microsoft refuses sign-in with a password (550 5.7.30). Choose "Microsoft 365" and "Sign in with Microsoft".',
  },
  ms_unknown: {
    nl: 'Microsoft gaf een onverwachte fout. Probeer het opnieuw; blijft het misgaan, geef dan de foutcode door aan ICT.',
    en: 'Microsoft returned an unexpected error. Try again; if it keeps failing, pass the error code on to ICT.',
  },
};

export class MicrosoftAuthError extends Error {
  readonly messages: Messages;
  constructor(
    readonly code: MicrosoftErrorCode,
    /** What Microsoft said (AADSTS code, SMTP reply), for the log and for ICT. */
    readonly detail = '',
    options?: { cause?: unknown },
  ) {
    super(MICROSOFT_MESSAGES[code].en, options);
    this.name = 'MicrosoftAuthError';
    this.messages = MICROSOFT_MESSAGES[code];
  }
}

const CONSENT = new Set([65001, 90094, 90008, 650057]);
const CANCELLED = new Set([65004, 50126]);
const SIGN_IN_AGAIN = new Set([50173, 700082, 70008, 50076, 50079, 50078, 50132, 50133, 700084, 9002313, 50034]);
const NO_MAILBOX = new Set([500011]);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET']);

/** The AADSTS number in an MSAL error (its `errorNo`, or the first AADSTS… in its text). */
export function aadstsCode(error: unknown): number | null {
  if (!(error instanceof Error)) return null;
  const no = (error as { errorNo?: unknown }).errorNo;
  if (typeof no === 'number' && Number.isFinite(no)) return no;
  if (typeof no === 'string' && /^\d+$/.test(no)) return Number(no);
  const m = /AADSTS(\d+)/.exec(`${(error as { errorMessage?: string }).errorMessage ?? ''} ${error.message}`);
  return m ? Number(m[1]) : null;
}

function isNetworkError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
    if (e instanceof AuthError && ['network_error', 'endpoints_resolution_error', 'openid_config_error'].includes(e.errorCode)) return true;
    if (e instanceof TypeError && e.message === 'fetch failed') return true;
    if (e instanceof Error && (e.name === 'AbortError' || e.name === 'TimeoutError')) return true;
  }
  return false;
}

/**
 * Maps an error from MSAL (or from our own network layer) to Schakel's code. A revoked or expired
 * refresh token arrives as InteractionRequiredAuthError or as ServerError with `invalid_grant`
 * (AADSTS50173, 700082): both mean "sign in again".
 */
export function mapMicrosoftError(error: unknown): MicrosoftAuthError {
  if (error instanceof MicrosoftAuthError) return error;
  const code = aadstsCode(error);
  const detail = code ? `AADSTS${code}` : error instanceof AuthError ? error.errorCode : String((error as Error)?.message ?? error);
  const make = (c: MicrosoftErrorCode) => new MicrosoftAuthError(c, detail, { cause: error });
  if (code !== null && CONSENT.has(code)) return make('ms_admin_consent');
  if (error instanceof AuthError && error.subError === 'consent_required') return make('ms_admin_consent');
  if (code !== null && CANCELLED.has(code)) return make('ms_sign_in_cancelled');
  if (code !== null && NO_MAILBOX.has(code)) return make('ms_no_mailbox');
  if (error instanceof ServerError && error.errorCode === 'access_denied') return make('ms_sign_in_cancelled');
  if (error instanceof AuthError && ['user_cancelled', 'user_timeout_reached'].includes(error.errorCode)) return make('ms_sign_in_cancelled');
  if (error instanceof InteractionRequiredAuthError) {
    return make(error.errorCode === 'no_tokens_found' && code === null ? 'ms_not_signed_in' : 'ms_sign_in_again');
  }
  if (code !== null && SIGN_IN_AGAIN.has(code)) return make('ms_sign_in_again');
  if (error instanceof ServerError && error.errorCode === 'invalid_grant') return make('ms_sign_in_again');
  if (error instanceof AuthError && error.errorCode === 'no_account_in_silent_request') return make('ms_not_signed_in');
  if (isNetworkError(error)) return make('ms_network');
  return make('ms_unknown');
}

/**
 * Maps an SMTP authentication reply from Exchange Online (e.g. nodemailer's EAUTH error with
 * `responseCode` and `response`) to Schakel's code; null when it is not one of these.
 */
export function mapMicrosoftSmtpReply(reply: { responseCode?: number; response?: string; message?: string }): MicrosoftAuthError | null {
  const text = `${reply.response ?? ''} ${reply.message ?? ''}`;
  if (/5\.7\.139/.test(text)) return new MicrosoftAuthError('ms_smtp_auth_disabled', text.trim());
  if (/5\.7\.30/.test(text)) return new MicrosoftAuthError('ms_basic_auth_refused', text.trim());
  if (reply.responseCode === 535 && /5\.7\.3\b/.test(text)) return new MicrosoftAuthError('ms_sign_in_again', text.trim());
  if (/5\.7\.(57|60)\b|MailboxNotEnabled|mailbox unavailable/i.test(text)) return new MicrosoftAuthError('ms_no_mailbox', text.trim());
  return null;
}
