import type { CommandName, InputOf, InvokeResult, OutputOf, UiLanguage } from '../../../electron/commands/contract';
import type { SchakelBridge } from '../../../electron/bridge';
import { translate } from './i18n';

/** A failed command: the message is already in the UI language. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly issues: { path: string; message: string }[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

declare global {
  interface Window {
    schakel?: SchakelBridge;
  }
}

const TOKEN_KEY = 'schakel.token';
let token: string | null = null;
let language: UiLanguage = 'nl';

/**
 * Browser mode: the page opened with a one-time code carries the token in a meta tag; keep it for
 * this tab only, drop the tag, and take the spent code out of the address bar (and history).
 */
export function initToken(): void {
  try {
    const meta = document.querySelector<HTMLMetaElement>('meta[name="schakel-token"]');
    const fromPage = meta?.content || null;
    meta?.remove();
    if (fromPage) sessionStorage.setItem(TOKEN_KEY, fromPage);
    const url = new URL(window.location.href);
    if (url.searchParams.has('code')) {
      url.searchParams.delete('code');
      const rest = url.searchParams.toString();
      window.history.replaceState(window.history.state, '', url.pathname + (rest ? `?${rest}` : '') + url.hash);
    }
    token = fromPage ?? sessionStorage.getItem(TOKEN_KEY);
  } catch {
    token = null;
  }
}

export function setApiLanguage(lang: UiLanguage): void {
  language = lang;
}

async function transport(name: string, input: unknown): Promise<InvokeResult> {
  const bridge = window.schakel;
  if (bridge && typeof bridge.invoke === 'function') return bridge.invoke(name, input, language);

  let response: Response;
  try {
    response = await fetch('/api/invoke', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Schakel-Token': token ?? '' },
      body: JSON.stringify({ name, input, lang: language }),
    });
  } catch {
    throw new ApiError('offline', translate(language, 'error.offline'));
  }
  if (response.status === 401) throw new ApiError('unauthorized', translate(language, 'error.unauthorized'));
  if (response.status === 413) throw new ApiError('too_large', translate(language, 'error.tooLarge'));
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new ApiError(`http_${response.status}`, translate(language, 'error.generic'));
  }
  if (!body || typeof body !== 'object' || !('ok' in body)) {
    throw new ApiError(`http_${response.status}`, translate(language, 'error.generic'));
  }
  return body as InvokeResult;
}

/** Calls one command of the contract; throws ApiError when it fails. */
export async function invoke<N extends CommandName>(name: N, input: InputOf<N>): Promise<OutputOf<N>> {
  const result = await transport(name, input);
  if (!result.ok) {
    throw new ApiError(result.error.code, result.error.message, result.error.issues ?? []);
  }
  return result.value as OutputOf<N>;
}

/** A readable message for anything thrown. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return translate(language, 'error.generic');
}
