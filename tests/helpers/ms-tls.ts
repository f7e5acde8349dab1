import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Agent } from 'undici';
import type { FetchLike } from '../../db/mail/microsoft/http';
import { OPENSSL, requireSystem } from './system';

/** A throwaway certificate authority and one server certificate for 127.0.0.1/localhost, made with openssl. */
export interface TestCa {
  dir: string;
  /** PEM of the CA certificate (what clients must trust). */
  caPem: string;
  caFile: string;
  keyPem: string;
  certPem: string;
  /** SHA-256 of the server certificate's public key (base64), for Chromium's --ignore-certificate-errors-spki-list. */
  serverSpki: string;
  /** Global fetch that trusts this CA (and only for its own requests; nothing global is changed). */
  fetch: FetchLike;
  close(): Promise<void>;
}

export function createTestCa(): TestCa {
  requireSystem(OPENSSL);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'schakel-ca-'));
  const f = (name: string) => path.join(dir, name);
  const run = (args: string[]) => execFileSync('/usr/bin/openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '2',
    '-subj', '/CN=Schakel test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=127.0.0.1']);
  writeFileSync(f('ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
  run(['x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial',
    '-out', f('server.pem'), '-days', '2', '-extfile', f('ext.cnf')]);
  // dovecot's auth process (another user) reads the CA certificate; the keys stay private.
  chmodSync(dir, 0o755);
  for (const k of ['ca.key', 'server.key']) chmodSync(f(k), 0o600);
  chmodSync(f('ca.pem'), 0o644);
  const caPem = readFileSync(f('ca.pem'), 'utf8');
  const dispatcher = new Agent({ connect: { ca: caPem } });
  const caFetch: FetchLike = (url, init) =>
    fetch(url, { ...init, dispatcher } as unknown as RequestInit);
  return {
    dir, caPem, caFile: f('ca.pem'), keyPem: readFileSync(f('server.key'), 'utf8'), certPem: readFileSync(f('server.pem'), 'utf8'),
    serverSpki: createHash('sha256').update(new X509Certificate(readFileSync(f('server.pem'))).publicKey.export({ type: 'spki', format: 'der' })).digest('base64'),
    fetch: caFetch,
    async close() {
      await dispatcher.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
