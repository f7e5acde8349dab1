import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * A program from the system a test file needs (an IMAP server, a browser, later PostgreSQL).
 * A test never skips because one is missing: a green count must not hide a suite that did not run.
 */
export interface SystemPackage {
  name: string;
  binary: string;
  /** The Debian/Ubuntu package that provides it. */
  aptPackage: string;
}

export const DOVECOT: SystemPackage = { name: 'dovecot', binary: process.env.SCHAKEL_DOVECOT ?? '/usr/sbin/dovecot', aptPackage: 'dovecot-imapd' };
export const DOVEADM: SystemPackage = { name: 'doveadm', binary: '/usr/bin/doveadm', aptPackage: 'dovecot-core' };
export const CHROMIUM: SystemPackage = { name: 'Chromium', binary: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', aptPackage: 'chromium' };
export const OPENSSL: SystemPackage = { name: 'OpenSSL', binary: '/usr/bin/openssl', aptPackage: 'openssl' };

export interface Situation {
  present: boolean;
  /** CI is set (and not "false" or "0"). */
  ci: boolean;
  root: boolean;
  /** apt-get is there. */
  apt: boolean;
}

export type Decision = { action: 'run' } | { action: 'install'; command: string[] } | { action: 'fail'; message: string };

export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = (env.CI ?? '').trim().toLowerCase();
  return v !== '' && v !== 'false' && v !== '0';
}

/** Run; install (as root, with apt, outside CI); or fail with the exact command to run. */
export function decide(pkg: SystemPackage, s: Situation): Decision {
  if (s.present) return { action: 'run' };
  if (!s.ci && s.root && s.apt) return { action: 'install', command: ['apt-get', 'install', '-y', pkg.aptPackage] };
  const command = s.apt ? `${s.root ? '' : 'sudo '}apt-get install -y ${pkg.aptPackage}` : null;
  const fix = command ? `Run: ${command}` : `Install the package that provides ${pkg.binary} (Debian: ${pkg.aptPackage}).`;
  const why = s.ci ? 'With CI set, a test that cannot run fails instead of being skipped.' : 'These tests do not skip.';
  return { action: 'fail', message: `${pkg.name} is missing (${pkg.binary}). ${why} ${fix}` };
}

export function currentSituation(pkg: SystemPackage): Situation {
  return {
    present: existsSync(pkg.binary),
    ci: isCi(),
    root: typeof process.getuid === 'function' && process.getuid() === 0,
    apt: existsSync('/usr/bin/apt-get'),
  };
}

/** Call at the top of a test file: returns when every package is there, installs it, or throws (the file fails). */
export function requireSystem(...pkgs: SystemPackage[]): void {
  for (const pkg of pkgs) {
    const decision = decide(pkg, currentSituation(pkg));
    if (decision.action === 'run') continue;
    if (decision.action === 'fail') throw new Error(decision.message);
    const [cmd, ...args] = decision.command;
    try {
      execFileSync(cmd!, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    } catch (error) {
      throw new Error(`${pkg.name} is missing (${pkg.binary}) and \`${decision.command.join(' ')}\` failed: ${(error as Error).message}`, { cause: error });
    }
    if (!existsSync(pkg.binary)) throw new Error(`${pkg.name} is still missing (${pkg.binary}) after \`${decision.command.join(' ')}\`.`);
  }
}
