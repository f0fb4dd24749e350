/**
 * One chaos worker in its own OS process, so the chaos run can SIGKILL it. The same
 * `createHarnessWorker` the CLI uses, with a pre-built workflow bundle and a known identity (so
 * the chaos run can tell which process runs which activity).
 * Env: HARNESS_WORKSPACE, TEMPORAL_ADDRESS, HARNESS_TASK_QUEUE, HARNESS_WORKFLOW_BUNDLE,
 * HARNESS_CHAOS_IDENTITY, HARNESS_LEDGER.
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createHarnessWorker } from '../../src/worker/index.js';

Runtime.install({ logger: new DefaultLogger('ERROR') });
const { worker, close } = await createHarnessWorker({
  workflowBundle: { codePath: process.env.HARNESS_WORKFLOW_BUNDLE! },
  workerOptions: {
    identity: process.env.HARNESS_CHAOS_IDENTITY!,
    // A killed worker's sticky queue holds its runs' next workflow task until this times out.
    stickyQueueScheduleToStartTimeout: '1s',
  },
});
const running = worker.run();
console.log('worker ready');
await running;
await close();
