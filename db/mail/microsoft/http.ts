import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';

/** The part of `fetch` the Microsoft modules use; tests pass one that trusts their own CA. */
export type FetchLike = (url: string, init?: RequestInit) => Promise<Response>;

/**
 * MSAL's network client over a given fetch. `onRequest` sees every URL MSAL asks for
 * (tests use it to prove nothing leaves 127.0.0.1).
 */
export function fetchNetworkModule(fetchFn: FetchLike, onRequest?: (method: string, url: string) => void): INetworkModule {
  async function send<T>(method: 'GET' | 'POST', url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> {
    onRequest?.(method, url);
    const signal = timeout ? AbortSignal.timeout(timeout) : undefined;
    const response = await fetchFn(url, {
      method,
      headers: options?.headers,
      body: method === 'POST' ? (options?.body ?? '') : undefined,
      signal,
    });
    const headers: Record<string, string> = {};
    response.headers.forEach((value, key) => (headers[key] = value));
    return { headers, body: (await response.json()) as T, status: response.status };
  }
  return {
    sendGetRequestAsync: (url, options, timeout) => send('GET', url, options, timeout),
    sendPostRequestAsync: (url, options) => send('POST', url, options),
  };
}
