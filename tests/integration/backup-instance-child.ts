// Started by backup-storage.test.ts as a second Schakel process on the same data folder.
import { startCore } from '../../electron/core';

const dataDir = process.argv[2]!;
startCore({ dataDir, backup: { auto: false } }).then(
  (core) => {
    process.stdout.write(`ready ${process.pid}\n`);
    process.stdin.once('data', () => {
      void core.close().then(() => process.exit(0));
    });
  },
  (error: { code?: string; message: string }) => {
    process.stdout.write(`failed ${error.code ?? ''} ${error.message}\n`);
    process.exit(2);
  },
);
