/**
 * A harness worker in its own OS process, so tests can SIGKILL it mid-run. It is the same
 * `createHarnessWorker` the CLI uses, with the test run's pre-built workflow bundle.
 * Env: HARNESS_WORKSPACE, TEMPORAL_ADDRESS, HARNESS_TASK_QUEUE, HARNESS_WORKFLOW_BUNDLE, and
 * HARNESS_LOG_LEVEL (default ERROR: the SDK's log, on stderr, for tests that read it).
 */
import type { LogLevel } from '@temporalio/common';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createHarnessWorker } from '../../src/worker/index.js';

Runtime.install({ logger: new DefaultLogger((process.env.HARNESS_LOG_LEVEL ?? 'ERROR') as LogLevel) });
const { worker, close } = await createHarnessWorker({
  workflowBundle: { codePath: process.env.HARNESS_WORKFLOW_BUNDLE! },
  // When this process is killed, its sticky queue holds the run's next workflow task until this
  // times out (10 s by default); a short one keeps crash tests quick without changing behaviour.
  workerOptions: { stickyQueueScheduleToStartTimeout: '1s' },
});
const running = worker.run();
console.log('worker ready');
await running;
await close();
