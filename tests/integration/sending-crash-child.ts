// Started by sending-crash.test.ts: resumes the send job in the data folder with the background worker and is killed at random moments.
import { startCore } from '../../electron/core';

const [dataDir, port] = [process.argv[2]!, Number(process.argv[3])];
const core = await startCore({
  dataDir, backup: { auto: false },
  sending: {
    limits: null, retryDelaysMs: [10, 20, 40],
    target: { host: '127.0.0.1', port, security: 'none', user: '', password: null, connections: 2 },
    onProgress: (_job, e) => process.stdout.write(`sent ${e.sent}\n`),
  },
});
process.stdout.write('ready\n');
for (;;) {
  const job = await core.ctx.db.selectFrom('send_jobs').select('status').orderBy('id').executeTakeFirstOrThrow();
  if (job.status !== 'running') break;
  await new Promise((r) => setTimeout(r, 20));
}
await core.close();
process.stdout.write('finished\n');
process.exit(0);
