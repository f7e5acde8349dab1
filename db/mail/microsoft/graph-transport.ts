import type { MailTransport, OutgoingMessage, SendOutcome } from '../transport';
import { MicrosoftAuthError } from './errors';
import { GraphClient, accountProblem, graphError, type GraphClientOptions } from './graph-client';

/** Errors of fetch that happen before anything is sent: the message certainly did not go out. */
const BEFORE_SENDING = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'CERT_HAS_EXPIRED', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'DEPTH_ZERO_SELF_SIGNED_CERT']);

/** Graph refusals that concern this message (its recipients, size or content), not the account. */
const MESSAGE_PROBLEMS = new Set(['ErrorInvalidRecipients', 'ErrorMessageSizeExceeded', 'ErrorMimeContentInvalid', 'ErrorMimeContentInvalidBase64String', 'ErrorMimeContentConversionFailed', 'ErrorRecipientNotFound', 'ErrorInvalidRecipient']);

function causeCode(error: unknown): string | null {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return null;
}

/**
 * Sends the MIME message Schakel built (the same bytes as over SMTP: List-Unsubscribe, List-Id,
 * trace headers, DKIM signature) with Graph's `POST /me/sendMail`, base64 in a text/plain body.
 * An expired token is renewed and the request tried once more; 429/503/504 are temporary and
 * carry Retry-After. Graph takes the recipients from the headers, not from the envelope.
 */
export class GraphTransport implements MailTransport {
  private readonly client: GraphClient;

  constructor(options: GraphClientOptions) {
    this.client = new GraphClient(options);
  }

  async send(message: OutgoingMessage): Promise<SendOutcome> {
    let response: Response;
    try {
      response = await this.client.request('POST', '/me/sendMail', {
        body: message.raw.toString('base64'),
        contentType: 'text/plain',
      });
    } catch (error) {
      if (error instanceof MicrosoftAuthError) {
        return error.code === 'ms_network'
          ? { kind: 'temporary', retryAfterMs: null, code: error.code, detail: error.detail }
          : { kind: 'account', code: error.code, detail: error.detail };
      }
      const code = causeCode(error);
      if (code && BEFORE_SENDING.has(code)) return { kind: 'temporary', retryAfterMs: null, code: code, detail: String((error as Error).message) };
      // Timeout or connection lost while the request was on its way: it may have been sent.
      return { kind: 'uncertain', detail: `${code ?? (error as Error).name}: ${(error as Error).message}` };
    }
    const requestId = response.headers.get('request-id') ?? '';
    if (response.status === 202 || response.status === 200) {
      await response.body?.cancel();
      return { kind: 'accepted', response: `${response.status} ${requestId}`.trim() };
    }
    const error = await graphError(response);
    const detail = `${error.status} ${error.graphCode}: ${error.graphMessage}`;
    if (error.status === 429 || error.status === 503 || error.status === 504) {
      return { kind: 'temporary', retryAfterMs: error.retryAfterMs, code: error.graphCode, detail };
    }
    const account = accountProblem(error);
    if (account) return { kind: 'account', code: account, detail };
    if (error.status === 403 || error.graphCode === 'ErrorQuotaExceeded' || error.graphCode === 'ErrorSendAsDenied') {
      return { kind: 'account', code: error.graphCode, detail };
    }
    if (MESSAGE_PROBLEMS.has(error.graphCode) || error.status === 413 || (error.status >= 400 && error.status < 500)) {
      return { kind: 'recipient', code: error.graphCode, detail };
    }
    // 500 and the like after the request arrived: Graph may or may not have sent it.
    return { kind: 'uncertain', detail };
  }

  async close(): Promise<void> {}
}
