/** Where the Temporal server is, from the environment (Temporal's own variable names). */

export interface ConnectionSettings {
  /** host:port of the Temporal frontend. @default `TEMPORAL_ADDRESS` or `localhost:7233` */
  address: string;
  /** @default `TEMPORAL_NAMESPACE` or `default` */
  namespace: string;
  /** @default `HARNESS_TASK_QUEUE` or `harness` */
  taskQueue: string;
}

export function connectionSettingsFromEnv(
  overrides: Partial<ConnectionSettings> = {},
  env: NodeJS.ProcessEnv = process.env,
): ConnectionSettings {
  return {
    address: overrides.address ?? env.TEMPORAL_ADDRESS ?? 'localhost:7233',
    namespace: overrides.namespace ?? env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue: overrides.taskQueue ?? env.HARNESS_TASK_QUEUE ?? 'harness',
  };
}
