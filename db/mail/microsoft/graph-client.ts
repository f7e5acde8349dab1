import { MICROSOFT_GRAPH_BASE } from './endpoints';
import { MicrosoftAuthError, mapMicrosoftError, type MicrosoftErrorCode } from './errors';
import type { FetchLike } from './http';

export interface GraphClientOptions {
  /** Default `https://graph.microsoft.com/v1.0`; tests pass their stand-in's. */
  baseUrl?: string;
  /** Default: Node's global fetch. Tests pass one that trusts their CA. */
  fetch?: FetchLike;
  /**
   * A Graph access token (e.g. `auth.getAccessToken('graph')`); `forceRefresh` after Graph refused
   * the previous one. Throws MicrosoftAuthError when no token can be had.
   */
  getAccessToken: (options: { forceRefresh: boolean }) => Promise<string>;
  /** Per request (default 60 s). */
  timeoutMs?: number;
}

/** A Graph answer that is not a success, with Graph's error code (`ErrorAccessDenied`, …). */
export class GraphRequestError extends Error {
  constructor(
    readonly status: number,
    readonly graphCode: string,
    readonly graphMessage: string,
    /** From Retry-After, in milliseconds; null when absent. */
    readonly retryAfterMs: number | null,
  ) {
    super(`Graph ${status} ${graphCode}: ${graphMessage}`);
    this.name = 'GraphRequestError';
  }
}

/** Retry-After as seconds or as an HTTP date, in milliseconds from `now`. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

export async function graphError(response: Response): Promise<GraphRequestError> {
  let code = `http_${response.status}`;
  let message = response.statusText;
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string } };
    code = body.error?.code ?? code;
    message = body.error?.message ?? message;
  } catch {
    // Not JSON (a proxy's page): keep the status.
  }
  return new GraphRequestError(response.status, code, message, parseRetryAfter(response.headers.get('retry-after')));
}

/** The account-level meaning of a Graph refusal, or null when it concerns this request only. */
export function accountProblem(error: GraphRequestError): MicrosoftErrorCode | null {
  if (error.status === 401) return 'ms_sign_in_again';
  if (error.status === 403 && error.graphCode === 'ErrorAccessDenied') return 'ms_admin_consent';
  if (['MailboxNotEnabledForRESTAPI', 'MailboxNotSupportedForRESTAPI', 'ErrorInvalidUser', 'ErrorMailboxNotFound', 'ResourceNotFound'].includes(error.graphCode)) {
    return 'ms_no_mailbox';
  }
  return null;
}

/** Graph requests with a bearer token; a 401 gets one fresh token and one retry. */
export class GraphClient {
  readonly baseUrl: string;
  private readonly fetchFn: FetchLike;

  constructor(private readonly options: GraphClientOptions) {
    this.baseUrl = (options.baseUrl ?? MICROSOFT_GRAPH_BASE).replace(/\/+$/, '');
    this.fetchFn = options.fetch ?? ((url, init) => fetch(url, init));
  }

  /** Throws MicrosoftAuthError when no (working) token can be had; other answers are returned as they are. */
  async request(method: string, pathOrUrl: string, init: { body?: string; contentType?: string } = {}): Promise<Response> {
    const url = /^https:\/\//.test(pathOrUrl) ? pathOrUrl : `${this.baseUrl}${pathOrUrl}`;
    for (let attempt = 0; ; attempt++) {
      let token: string;
      try {
        token = await this.options.getAccessToken({ forceRefresh: attempt > 0 });
      } catch (error) {
        throw mapMicrosoftError(error);
      }
      const response = await this.fetchFn(url, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(init.contentType ? { 'content-type': init.contentType } : {}),
        },
        body: init.body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 60_000),
      });
      if (response.status !== 401 || attempt > 0) return response;
      await response.body?.cancel();
    }
  }

  /** JSON of a successful answer; a refusal is thrown as MicrosoftAuthError (account) or GraphRequestError. */
  async json<T>(method: string, pathOrUrl: string, body?: unknown): Promise<T> {
    const response = await this.request(method, pathOrUrl, body === undefined ? {} : { body: JSON.stringify(body), contentType: 'application/json' });
    if (!response.ok) throw await this.failure(response);
    return (await response.json()) as T;
  }

  async failure(response: Response): Promise<Error> {
    const error = await graphError(response);
    const account = accountProblem(error);
    return account ? new MicrosoftAuthError(account, `${error.status} ${error.graphCode}`, { cause: error }) : error;
  }
}
