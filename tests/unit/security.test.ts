import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  APP_ENTRY_URL,
  APP_ORIGIN,
  DESKTOP_CONTENT_SECURITY_POLICY,
  appAssetPath,
  contentTypeFor,
  decideNavigation,
  isAppUrl,
  isPermissionAllowed,
  isPlainEmailAddress,
  isSafeExternalUrl,
  isTrustedSender,
  startupErrorMessage,
  windowOptions,
  withContentSecurityPolicy,
} from '../../electron/security';

describe('isSafeExternalUrl', () => {
  it.each([
    'https://example.org',
    'https://example.org/',
    'https://www.jeugdenveiligheid.nl/agenda?maand=3#week-2',
    'http://example.org/pad/naar/pagina.html',
    'HTTPS://EXAMPLE.ORG/Hoofdletters',
    'https://example.org:8443/poort',
    'https://bücher.example/',
    'https://10.0.0.5/intranet',
    'mailto:secretariaat@example.org',
    'MAILTO:Secretariaat@Example.org',
    'mailto:a.b+c@sub.example.org?subject=Vraag%20over%20de%20nieuwsbrief',
    'mailto:a@example.org?subject=Hoi&body=Regel%201%0D%0ARegel%202',
    'mailto:a@example.org?SUBJECT=Hoi',
    'mailto:a@example.org?',
    'mailto:info@xn--bcher-kva.example',
  ])('allows %s', (url) => {
    expect(isSafeExternalUrl(url)).toBe(true);
  });

  it.each([
    // script and local schemes
    'javascript:alert(1)',
    'JAVASCRIPT:alert(1)',
    'JaVaScRiPt:alert(document.cookie)',
    'java\tscript:alert(1)',
    ' javascript:alert(1)',
    '\u0000javascript:alert(1)',
    'vbscript:msgbox(1)',
    'data:text/html,<script>alert(1)</script>',
    'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
    'file:///etc/passwd',
    'file://C:/Windows/System32/calc.exe',
    'FILE:///etc/passwd',
    'blob:https://example.org/0b5e',
    'app://schakel/index.html',
    'about:blank',
    'ftp://example.org/file',
    'smb://server/share',
    'ms-msdt:/id PCWDiagnostic',
    'search-ms:query=x',
    'tel:+31612345678',
    // credentials and confusing authorities
    'http://user:pass@example.org/',
    'https://user@example.org/',
    'https://@example.org/',
    'https://example.org@evil.example/',
    'https://example.org%40evil.example@evil.example/',
    // malformed or oddly written
    '',
    'example.org',
    '//example.org/',
    'https://',
    'https:///path',
    'http:example.org',
    'https:\\\\evil.example',
    'https://exa mple.org/',
    'https://example.org/a b',
    'https://example.org/\n',
    'https://ex\u200bample.org/',
    'https://example.org/\u202Egnp.exe',
    'https://[::1',
    // loopback and unspecified hosts
    'http://localhost:3000/',
    'http://LOCALHOST/',
    'http://app.localhost/',
    'http://127.0.0.1:8080/?token=x',
    'http://127.1/',
    'http://2130706433/',
    'http://0x7f000001/',
    'http://0.0.0.0/',
    'http://0/',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://localhost./',
  ])('refuses %j', (url) => {
    expect(isSafeExternalUrl(url)).toBe(false);
  });

  it('refuses very long URLs', () => {
    expect(isSafeExternalUrl(`https://example.org/${'a'.repeat(5000)}`)).toBe(false);
  });

  it('refuses non-strings without throwing', () => {
    expect(isSafeExternalUrl(undefined as unknown as string)).toBe(false);
    expect(isSafeExternalUrl(42 as unknown as string)).toBe(false);
  });

  describe('mailto policy: one plain recipient, only subject and body', () => {
    it.each([
      'mailto:a@example.org?bcc=x@evil.example',
      'mailto:a@example.org?cc=x@evil.example',
      'mailto:a@example.org?BCC=x@evil.example',
      'mailto:a@example.org?to=x@evil.example',
      'mailto:a@example.org?from=x@evil.example',
      'mailto:a@example.org?reply-to=x@evil.example',
      'mailto:a@example.org?attach=/etc/passwd',
      'mailto:a@example.org?attachment=C:%5Cgeheim.docx',
      'mailto:a@example.org?in-reply-to=%3Cid%3E',
      'mailto:a@example.org?X-Mailer=evil',
      'mailto:a@example.org?subject=Hoi&bcc=x@evil.example',
      'mailto:a@example.org?subject=Hoi%0D%0ABcc:%20x@evil.example',
      'mailto:a@example.org?subject=Hoi%0ABcc:x@evil.example',
      'mailto:a@example.org?subject=a&subject=b',
      'mailto:a@example.org?body=%00',
      'mailto:a@example.org?subject',
      'mailto:a@example.org?=x',
      'mailto:a@example.org?subject=%E0%A4%A',
      'mailto:a@example.org#fragment',
      'mailto:a@example.org,b@example.org',
      'mailto:a@example.org;b@example.org',
      'mailto:a@example.org%0ABcc:x@evil.example',
      'mailto:a%40b@example.org',
      'mailto:?to=a@example.org',
      'mailto:',
      'mailto:@example.org',
      'mailto:a@',
      'mailto:a@localhost',
      'mailto:a@[127.0.0.1]',
      'mailto:"a b"@example.org',
      'mailto:Naam <a@example.org>',
      'mailto:.a@example.org',
      'mailto:a..b@example.org',
      'mailto://a@example.org',
      'mailto:a@-example.org',
      'mailto:a@example.123',
    ])('refuses %j', (url) => {
      expect(isSafeExternalUrl(url)).toBe(false);
    });

    it('allows line breaks in the body but not in the subject', () => {
      expect(isSafeExternalUrl('mailto:a@example.org?body=a%0Ab%09c')).toBe(true);
      expect(isSafeExternalUrl('mailto:a@example.org?subject=a%09b')).toBe(false);
    });
  });
});

describe('isPlainEmailAddress', () => {
  it('accepts ordinary addresses and refuses the rest', () => {
    expect(isPlainEmailAddress('jan.jansen@gemeente.example.nl')).toBe(true);
    expect(isPlainEmailAddress(`${'a'.repeat(64)}@example.org`)).toBe(true);
    expect(isPlainEmailAddress(`${'a'.repeat(65)}@example.org`)).toBe(false);
    expect(isPlainEmailAddress('a@b@example.org')).toBe(false);
    expect(isPlainEmailAddress('a.@example.org')).toBe(false);
    expect(isPlainEmailAddress('a@example')).toBe(false);
    expect(isPlainEmailAddress('a@exa_mple.org')).toBe(false);
  });
});

describe('isAppUrl', () => {
  it.each([APP_ENTRY_URL, APP_ORIGIN, `${APP_ORIGIN}/`, 'app://schakel/contacts?tab=2#x', 'APP://SCHAKEL/index.html'])(
    'accepts %s',
    (url) => expect(isAppUrl(url)).toBe(true),
  );

  it.each([
    'app://other/index.html',
    'app://schakel.evil.example/',
    'app://schakel./',
    'app://evil@schakel/',
    'app://schakel@evil/',
    'app://user:pw@schakel/',
    'app://schakel:8080/',
    'app:schakel/index.html',
    'app:/schakel/index.html',
    'app:///schakel/index.html',
    ' app://schakel/',
    'app://schakel/\n',
    'https://schakel/',
    'http://127.0.0.1:5173/',
    'file:///work/main/dist/renderer/index.html',
    'about:blank',
    'about:srcdoc',
    'data:text/html,x',
    'blob:app://schakel/123',
    'not a url',
    '',
  ])('refuses %j', (url) => expect(isAppUrl(url)).toBe(false));
});

describe('isTrustedSender', () => {
  it('trusts only frames of our own renderer', () => {
    expect(isTrustedSender('app://schakel/index.html')).toBe(true);
    expect(isTrustedSender('app://schakel/contacts/12')).toBe(true);
  });

  it.each([
    undefined,
    '',
    'https://evil.example/',
    'http://127.0.0.1:5173/',
    'http://localhost/index.html',
    'file:///work/main/dist/renderer/index.html',
    'file:///C:/Program%20Files/Schakel/resources/app.asar/dist/renderer/index.html',
    'file://schakel/index.html',
    'about:blank',
    'about:srcdoc',
    'data:text/html,<script>1</script>',
    'blob:app://schakel/1234',
    'app://schakel.evil.example/',
    'app://other/',
    'chrome-extension://abc/index.html',
    'devtools://devtools/bundled/inspector.html',
  ])('does not trust %j', (url) => {
    expect(isTrustedSender(url)).toBe(false);
  });
});

describe('decideNavigation', () => {
  it('keeps the main frame on the app and sends safe links outside', () => {
    expect(decideNavigation('app://schakel/contacts', true)).toBe('allow');
    expect(decideNavigation('https://example.org/', true)).toBe('open-external');
    expect(decideNavigation('mailto:a@example.org', true)).toBe('open-external');
    expect(decideNavigation('javascript:alert(1)', true)).toBe('block');
    expect(decideNavigation('file:///etc/passwd', true)).toBe('block');
    expect(decideNavigation('data:text/html,x', true)).toBe('block');
    expect(decideNavigation('about:blank', true)).toBe('block');
    expect(decideNavigation('http://127.0.0.1:1234/', true)).toBe('block');
  });

  it('lets a preview frame show its own documents, not the web', () => {
    expect(decideNavigation('about:srcdoc', false)).toBe('allow');
    expect(decideNavigation('about:blank', false)).toBe('allow');
    expect(decideNavigation('blob:app://schakel/5f1c', false)).toBe('allow');
    expect(decideNavigation('data:text/html,<p>x</p>', false)).toBe('allow');
    expect(decideNavigation('https://example.org/', false)).toBe('open-external');
    expect(decideNavigation('blob:https://evil.example/5f1c', false)).toBe('block');
    expect(decideNavigation('file:///etc/passwd', false)).toBe('block');
    expect(decideNavigation('javascript:alert(1)', false)).toBe('block');
  });
});

describe('isPermissionAllowed', () => {
  it('denies everything except clipboard writes from the app', () => {
    expect(isPermissionAllowed('clipboard-sanitized-write', 'app://schakel')).toBe(true);
    expect(isPermissionAllowed('clipboard-sanitized-write', 'https://evil.example')).toBe(false);
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fileSystem', 'hid', 'unknown']) {
      expect(isPermissionAllowed(permission, 'app://schakel')).toBe(false);
    }
  });
});

describe('windowOptions', () => {
  const preload = path.resolve('/opt/schakel/dist/electron/preload.cjs');
  const options = windowOptions(preload, { packaged: true });
  const web = options.webPreferences!;

  it('isolates and sandboxes the renderer', () => {
    expect(web.preload).toBe(preload);
    expect(web.contextIsolation).toBe(true);
    expect(web.sandbox).toBe(true);
    expect(web.nodeIntegration).toBe(false);
    expect(web.nodeIntegrationInWorker).toBe(false);
    expect(web.nodeIntegrationInSubFrames).toBe(false);
    expect(web.webSecurity).toBe(true);
    expect(web.allowRunningInsecureContent).toBe(false);
    expect(web.webviewTag).toBe(false);
    expect(web.experimentalFeatures).toBe(false);
    expect(web.navigateOnDragDrop).toBe(false);
    expect(web).not.toHaveProperty('enableBlinkFeatures');
    expect(web).not.toHaveProperty('additionalArguments');
  });

  it('shows the window only when ready', () => {
    expect(options.show).toBe(false);
    expect(options.title).toBe('Schakel');
  });

  it('allows DevTools only when the app is not packaged', () => {
    expect(web.devTools).toBe(false);
    expect(windowOptions(preload, { packaged: false }).webPreferences!.devTools).toBe(true);
  });

  it('requires an absolute preload path', () => {
    expect(() => windowOptions('preload.cjs', { packaged: true })).toThrow();
    expect(() => windowOptions('./dist/electron/preload.cjs', { packaged: false })).toThrow();
  });
});

describe('content security policy', () => {
  const directives = new Map(
    DESKTOP_CONTENT_SECURITY_POLICY.split(';').map((part) => {
      const [name, ...values] = part.trim().split(/\s+/);
      return [name!, values] as const;
    }),
  );

  it('allows scripts only from the app itself', () => {
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(DESKTOP_CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
    expect(DESKTOP_CONTENT_SECURITY_POLICY).not.toContain('wasm-unsafe-eval');
    expect(directives.get('script-src')).not.toContain("'unsafe-inline'");
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
  });

  it('replaces any CSP header already present, whatever its casing', () => {
    const headers = withContentSecurityPolicy({
      'content-security-policy': ["script-src 'unsafe-eval'"],
      'CONTENT-SECURITY-POLICY': 'default-src *',
      'Content-Type': 'text/html',
    });
    const cspKeys = Object.keys(headers).filter((k) => k.toLowerCase() === 'content-security-policy');
    expect(cspKeys).toEqual(['Content-Security-Policy']);
    expect(headers['Content-Security-Policy']).toEqual([DESKTOP_CONTENT_SECURITY_POLICY]);
    expect(headers['Content-Type']).toEqual(['text/html']);
    expect(withContentSecurityPolicy(undefined)).toEqual({ 'Content-Security-Policy': [DESKTOP_CONTENT_SECURITY_POLICY] });
  });
});

describe('appAssetPath', () => {
  const root = path.resolve('/opt/schakel/dist/renderer');

  it('maps app URLs to files under the renderer folder', () => {
    expect(appAssetPath('app://schakel/index.html', root)).toBe(path.join(root, 'index.html'));
    expect(appAssetPath('app://schakel/assets/index-abc.js', root)).toBe(path.join(root, 'assets', 'index-abc.js'));
    expect(appAssetPath('app://schakel/assets/a%20b.css?v=1#x', root)).toBe(path.join(root, 'assets', 'a b.css'));
  });

  it('serves index.html for the root and client-side routes', () => {
    expect(appAssetPath('app://schakel/', root)).toBe(path.join(root, 'index.html'));
    expect(appAssetPath('app://schakel', root)).toBe(path.join(root, 'index.html'));
    expect(appAssetPath('app://schakel/contacts/12', root)).toBe(path.join(root, 'index.html'));
  });

  it.each([
    'app://schakel/..%2F..%2F..%2Fetc%2Fpasswd.txt',
    'app://schakel/%2e%2e%2f%2e%2e%2fsecret.db',
    'app://schakel/..%5C..%5Csecret.db',
    'app://schakel/a%00.js',
    'app://schakel/%E0%A4%A.js',
    'app://other/index.html',
    'https://schakel/index.html',
    'file:///etc/passwd',
  ])('refuses %j', (url) => {
    expect(appAssetPath(url, root)).toBeNull();
  });

  it('never leaves the root for dot segments', () => {
    const file = appAssetPath('app://schakel/../../etc/passwd.txt', root);
    expect(file === null || file.startsWith(root + path.sep)).toBe(true);
  });

  it('knows the content types of a Vite build', () => {
    expect(contentTypeFor('/x/index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeFor('/x/a.JS')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeFor('/x/a.css')).toBe('text/css; charset=utf-8');
    expect(contentTypeFor('/x/a.woff2')).toBe('font/woff2');
    expect(contentTypeFor('/x/a.unknown')).toBe('application/octet-stream');
  });
});

describe('startupErrorMessage', () => {
  it('explains a better-sqlite3 build for the wrong runtime', () => {
    const message = startupErrorMessage(
      new Error("The module 'better_sqlite3.node' was compiled against a different Node.js version using NODE_MODULE_VERSION 115."),
    );
    expect(message).toContain('SCHAKEL_SQLITE_BINDING');
    expect(message).toContain('NODE_MODULE_VERSION 115');
  });

  it('passes other errors on in Dutch', () => {
    expect(startupErrorMessage(new Error('schijf vol'))).toMatch(/^Schakel kon niet starten\.[\s\S]*schijf vol$/);
    expect(startupErrorMessage('kapot')).toContain('kapot');
  });
});
