export { createHarnessWorker, type HarnessWorker, type HarnessWorkerOptions } from './create-worker.js';
export { bundleHarnessWorkflows, WORKFLOWS_PATH } from './bundle.js';
