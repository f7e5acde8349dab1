import { describe, expect, it } from 'vitest';
import { classifyStorageError } from '../../db/store/storage';

const fault = (code: string) => Object.assign(new Error(code), { code });

describe('storage faults', () => {
  it.each([
    ['ENOSPC', 'disk_full'],
    ['SQLITE_FULL', 'disk_full'],
    ['EACCES', 'not_writable'],
    ['EROFS', 'not_writable'],
    ['SQLITE_BUSY', 'database_busy'],
    ['SQLITE_NOTADB', 'not_schakel_database'],
    ['SQLITE_CORRUPT', 'database_damaged'],
    ['ENOTDIR', 'folder_unavailable'],
    ['EEXIST', 'folder_unavailable'],
  ])('%s is reported as %s, in Dutch and English', (code, expected) => {
    const error = classifyStorageError(fault(code), '/some/folder');
    expect(error?.code).toBe(expected);
    expect(error?.messages.nl).toBeTruthy();
    expect(error?.messages.en).toBeTruthy();
  });

  it('leaves other errors alone', () => {
    expect(classifyStorageError(new Error('something else'))).toBeNull();
    expect(classifyStorageError(fault('ERR_INVALID_ARG_TYPE'))).toBeNull();
  });
});
