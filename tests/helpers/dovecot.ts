import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DOVECOT, requireSystem } from './system';

export const DOVECOT_BINARY = DOVECOT.binary;
/** Debian/Ubuntu package that provides the binary and the IMAP service. */
export const DOVECOT_PACKAGE = DOVECOT.aptPackage;

/** Never a reason to skip any more: installs dovecot or throws (see system.ts). Use requireSystem(DOVECOT). */
export function dovecotMissingReason(): string | null {
  requireSystem(DOVECOT);
  return null;
}

export interface Dovecot {
  host: string;
  port: number;
  user: string;
  password: string;
  dir: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function greeting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (d) => done(d.toString().startsWith('* OK')));
  });
}

export interface DovecotOAuth2 {
  /** RFC 7662 introspection URL (the identity stand-in's). */
  introspectionUrl: string;
  /** CA file dovecot trusts for that URL. */
  caFile: string;
  /** Scope the token must carry. */
  scope?: string;
}

export interface DovecotOptions {
  /** Log in with an OAuth2 bearer token (XOAUTH2/OAUTHBEARER) checked by introspection, instead of a password. */
  oauth2?: DovecotOAuth2;
  user?: string;
}

/** A real dovecot on 127.0.0.1 in a temp folder, with one user (plain password, maildir; or OAuth2 tokens). */
export async function startDovecot(options: DovecotOptions = {}): Promise<Dovecot> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'schakel-dovecot-'));
  const port = await freePort();
  const user = options.user ?? 'secretariaat';
  const password = 'geheim-test-wachtwoord';
  const root = process.getuid?.() === 0;
  // Dovecot refuses uid 0 for mail users: as root the mail processes run as nobody/nogroup.
  const uid = root ? 65534 : process.getuid!();
  const gid = root ? 65534 : process.getgid!();
  const me = os.userInfo().username;
  for (const d of ['run', 'state', 'mail', 'home']) mkdirSync(path.join(dir, d), { recursive: true });
  for (const d of ['mail', 'home']) chownSync(path.join(dir, d), uid, gid);
  // The auth process (dovecot's own user) must reach the users file: a throwaway test password.
  chmodSync(dir, 0o755);
  writeFileSync(path.join(dir, 'users'), `${user}:{PLAIN}${password}:${uid}:${gid}::${path.join(dir, 'home', user)}::\n`);
  const oauth2 = options.oauth2;
  if (oauth2) {
    writeFileSync(path.join(dir, 'oauth2.conf.ext'), [
      'introspection_mode = post',
      `introspection_url = ${oauth2.introspectionUrl}`,
      'force_introspection = yes',
      'username_attribute = username',
      'active_attribute = active',
      'active_value = true',
      oauth2.scope ? `scope = ${oauth2.scope}` : '',
      `tls_ca_cert_file = ${oauth2.caFile}`,
      'timeout_msecs = 5000',
      '',
    ].join('\n'));
  }
  const passdb = oauth2
    ? `passdb {\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n  args = ${dir}/oauth2.conf.ext\n}`
    : `passdb {\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u ${dir}/users\n}`;
  const conf = path.join(dir, 'dovecot.conf');
  writeFileSync(conf, `
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = ${oauth2 ? 'xoauth2 oauthbearer' : 'plain login'}
auth_failure_delay = 0
first_valid_uid = 1
first_valid_gid = 1
mail_location = maildir:${dir}/mail/%u
${root ? '' : `default_login_user = ${me}\ndefault_internal_user = ${me}\n`}
${passdb}
userdb {
  driver = passwd-file
  args = username_format=%u ${dir}/users
}
namespace inbox {
  inbox = yes
  separator = /
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
${oauth2 ? '# No auth penalty (a growing delay per refused login from one IP) between the tokens a test refuses.\nservice anvil {\n  unix_listener anvil-auth-penalty {\n    mode = 0\n  }\n}\n' : ''}service stats {
  inet_listener http {
    port = 0
  }
}
`);
  const child: ChildProcess = spawn(DOVECOT_BINARY, ['-F', '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  let exited = false;
  child.once('exit', () => (exited = true));
  const deadline = Date.now() + 15_000;
  while (!(await greeting(port))) {
    if (exited || Date.now() > deadline) {
      const log = existsSync(path.join(dir, 'dovecot.log')) ? readFileSync(path.join(dir, 'dovecot.log'), 'utf8') : '';
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`dovecot did not start: ${output}\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    host: '127.0.0.1', port, user, password, dir,
    async stop() {
      if (!exited) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
        if (!exited) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
