import { randomBytes } from 'node:crypto';
import { ClientAuthError, InteractionRequiredAuthError, ServerError } from '@azure/msal-node';
import { describe, expect, it } from 'vitest';
import { aesGcmKeyStore } from '../../db/mail/microsoft/cache';
import { MICROSOFT_MESSAGES, mapMicrosoftError, mapMicrosoftSmtpReply, type MicrosoftErrorCode } from '../../db/mail/microsoft/errors';
import { accountProblem, GraphRequestError, parseRetryAfter } from '../../db/mail/microsoft/graph-client';

/** What MSAL makes of an AADSTS answer from the token endpoint (see msal-common's ResponseHandler). */
function server(error: string, code: number, suberror?: string): ServerError {
  return new ServerError(error, 'corr', `Error(s): ${code} - Timestamp: x - Description: AADSTS${code}: text - Correlation ID: c - Trace ID: t`, suberror, String(code), 400);
}

describe('mapMicrosoftError', () => {
  const cases: [string, unknown, MicrosoftErrorCode][] = [
    ['revoked refresh token as ServerError invalid_grant (AADSTS50173)', server('invalid_grant', 50173), 'ms_sign_in_again'],
    ['inactive refresh token as ServerError invalid_grant (AADSTS700082)', server('invalid_grant', 700082), 'ms_sign_in_again'],
    ['invalid_grant without a known code', new ServerError('invalid_grant', 'c', 'something'), 'ms_sign_in_again'],
    ['InteractionRequiredAuthError (login_required)', new InteractionRequiredAuthError('login_required', 'c', 'AADSTS50058: A silent sign-in request was sent but no user is signed in.'), 'ms_sign_in_again'],
    ['InteractionRequiredAuthError without tokens', new InteractionRequiredAuthError('no_tokens_found', 'c'), 'ms_not_signed_in'],
    ['consent as InteractionRequiredAuthError (AADSTS65001)', new InteractionRequiredAuthError('invalid_grant', 'c', 'AADSTS65001: The user or administrator has not consented', 'consent_required', '', '', '', '65001'), 'ms_admin_consent'],
    ['admin permission (AADSTS90094)', server('invalid_grant', 90094), 'ms_admin_consent'],
    ['consent_required from the browser', new ServerError('consent_required', 'c', 'AADSTS65001: not consented'), 'ms_admin_consent'],
    ['cancelled on the sign-in page', new ServerError('access_denied', 'c', 'AADSTS65004: User declined to consent'), 'ms_sign_in_cancelled'],
    ['cancelled in Schakel', new ServerError('access_denied', 'c', 'Sign-in cancelled in Schakel'), 'ms_sign_in_cancelled'],
    ['tenant without Exchange Online (AADSTS500011)', server('invalid_resource', 500011), 'ms_no_mailbox'],
    ['network error from MSAL', new ClientAuthError('network_error', 'c'), 'ms_network'],
    ['fetch failed (connection refused)', Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) }), 'ms_network'],
    ['something else', new Error('boom'), 'ms_unknown'],
  ];
  it.each(cases)('%s', (_name, error, code) => {
    const mapped = mapMicrosoftError(error);
    expect(mapped.code).toBe(code);
    expect(mapped.messages).toBe(MICROSOFT_MESSAGES[code]);
  });

  it('keeps the AADSTS code for the log and the Dutch text says what to do', () => {
    const mapped = mapMicrosoftError(server('invalid_grant', 700082));
    expect(mapped.detail).toBe('AADSTS700082');
    expect(mapped.messages.nl).toMatch(/^Meld je opnieuw aan bij Microsoft/);
    expect(mapped.message).toMatch(/^Sign in to Microsoft again/);
  });

  it('every code has a Dutch and an English text', () => {
    for (const m of Object.values(MICROSOFT_MESSAGES)) {
      expect(m.nl.length).toBeGreaterThan(20);
      expect(m.en.length).toBeGreaterThan(20);
      expect(m.nl).not.toBe(m.en);
    }
  });
});

describe('mapMicrosoftSmtpReply', () => {
  it('recognises Exchange Online\'s answers', () => {
    expect(mapMicrosoftSmtpReply({ responseCode: 535, response: '535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.' })?.code).toBe('ms_smtp_auth_disabled');
    expect(mapMicrosoftSmtpReply({ responseCode: 550, response: '550 5.7.30 Basic authentication is not supported for Client Submission.' })?.code).toBe('ms_basic_auth_refused');
    expect(mapMicrosoftSmtpReply({ responseCode: 535, response: '535 5.7.3 Authentication unsuccessful [AM0P]' })?.code).toBe('ms_sign_in_again');
    expect(mapMicrosoftSmtpReply({ responseCode: 550, response: '550 5.1.1 User unknown' })).toBeNull();
  });
});

describe('Graph helpers', () => {
  it('parses Retry-After as seconds or as a date', () => {
    expect(parseRetryAfter('30')).toBe(30_000);
    expect(parseRetryAfter('Fri, 04 Dec 2026 12:00:10 GMT', Date.parse('Fri, 04 Dec 2026 12:00:00 GMT'))).toBe(10_000);
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter('soon')).toBeNull();
  });

  it('tells account problems from message problems', () => {
    expect(accountProblem(new GraphRequestError(401, 'InvalidAuthenticationToken', '', null))).toBe('ms_sign_in_again');
    expect(accountProblem(new GraphRequestError(403, 'ErrorAccessDenied', '', null))).toBe('ms_admin_consent');
    expect(accountProblem(new GraphRequestError(404, 'MailboxNotEnabledForRESTAPI', '', null))).toBe('ms_no_mailbox');
    expect(accountProblem(new GraphRequestError(400, 'ErrorInvalidRecipients', '', null))).toBeNull();
  });
});

describe('aesGcmKeyStore', () => {
  it('round-trips, and refuses another key or a changed byte', () => {
    const key = randomBytes(32);
    const store = aesGcmKeyStore(key);
    const sealed = store.encryptString('{"RefreshToken":{"x":"geheim"}}');
    expect(sealed.toString('latin1')).not.toContain('geheim');
    expect(store.decryptString(sealed)).toBe('{"RefreshToken":{"x":"geheim"}}');
    expect(() => aesGcmKeyStore(randomBytes(32)).decryptString(sealed)).toThrow();
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1]! ^= 1;
    expect(() => store.decryptString(tampered)).toThrow();
    expect(() => aesGcmKeyStore(randomBytes(16))).toThrow();
  });
});
