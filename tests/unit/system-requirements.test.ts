import { describe, expect, it } from 'vitest';
import { decide, isCi, type SystemPackage } from '../helpers/system';

const DOVECOT: SystemPackage = { name: 'dovecot', binary: '/usr/sbin/dovecot', aptPackage: 'dovecot-imapd' };
const base = { present: false, ci: false, root: false, apt: true };

describe('what a test file does when a system package it needs is missing', () => {
  it('runs when the package is there, whatever the situation', () => {
    for (const ci of [true, false]) for (const root of [true, false]) {
      expect(decide(DOVECOT, { ...base, present: true, ci, root })).toEqual({ action: 'run' });
    }
  });

  it('fails under CI instead of skipping, even as root, and names the command', () => {
    const d = decide(DOVECOT, { ...base, ci: true, root: true });
    expect(d.action).toBe('fail');
    expect(d).toMatchObject({ message: expect.stringContaining('apt-get install -y dovecot-imapd') });
    expect(d).toMatchObject({ message: expect.stringContaining('/usr/sbin/dovecot') });
    expect(decide(DOVECOT, { ...base, ci: true })).toMatchObject({ action: 'fail', message: expect.stringContaining('sudo apt-get install -y dovecot-imapd') });
  });

  it('installs it with apt-get outside CI when running as root', () => {
    expect(decide(DOVECOT, { ...base, root: true })).toEqual({ action: 'install', command: ['apt-get', 'install', '-y', 'dovecot-imapd'] });
  });

  it('stops at once outside CI when not root, with the exact command to run', () => {
    expect(decide(DOVECOT, base)).toEqual({
      action: 'fail', message: expect.stringMatching(/dovecot is missing \(\/usr\/sbin\/dovecot\)\..*Run: sudo apt-get install -y dovecot-imapd$/),
    });
  });

  it('without apt, says which package provides the program', () => {
    expect(decide(DOVECOT, { ...base, root: true, apt: false })).toMatchObject({ action: 'fail', message: expect.stringContaining('Debian: dovecot-imapd') });
  });

  it('reads CI=true and CI=1 as CI, an empty CI, "false" and "0" not', () => {
    expect([isCi({ CI: 'true' }), isCi({ CI: '1' }), isCi({}), isCi({ CI: '' }), isCi({ CI: 'false' }), isCi({ CI: '0' })]).toEqual([true, true, false, false, false, false]);
  });
});
