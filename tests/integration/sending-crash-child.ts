// Started by sending-crash.test.ts: resumes the send job in the data folder and is killed at random moments.
import { startCore } from '../../electron/core';
import { sendingRuntime } from '../../electron/handlers/sending';

const [dataDir, port] = [process.argv[2]!, Number(process.argv[3])];
const core = await startCore({
  dataDir, backup: { auto: false },
  sending: {
    worker: false, limits: null, retryDelaysMs: [10, 20, 40], batchSize: 16,
    target: { host: '127.0.0.1', port, security: 'none', user: '', password: null, connections: 2 },
    onProgress: (_job, e) => process.stdout.write(`sent ${e.sent}\n`),
  },
});
const job = await core.ctx.db.selectFrom('send_jobs').select('id').orderBy('id').executeTakeFirstOrThrow();
process.stdout.write('ready\n');
const status = await sendingRuntime(core.ctx).worker.runToEnd(job.id);
await core.close();
process.stdout.write(`finished ${status}\n`);
process.exit(0);
