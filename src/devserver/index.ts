/**
 * Temporal dev server support: finding/building the `temporal` CLI and running its dev server.
 */
export {
  TEMPORAL_CLI_VERSION,
  TEMPORAL_CLI_PACKAGE,
  MIN_GO_VERSION,
  harnessCacheDir,
  cachedTemporalBinaryPath,
  findTemporalBinary,
  ensureTemporalBinary,
  type EnsureTemporalBinaryOptions,
} from './temporal-binary.js';
export {
  devServerArgs,
  startDevServer,
  type DevServer,
  type DevServerLogLevel,
  type DevServerOptions,
} from './dev-server.js';
export {
  DEV_SERVER_BLOB_SIZE_LIMIT,
  DEV_SERVER_DYNAMIC_CONFIG,
  describeDynamicConfig,
  dynamicConfigArgs,
  type DynamicConfigValue,
} from './dynamic-config.js';
export { DevServerStartError, TemporalBinaryNotFoundError, type DevServerStartErrorOptions } from './errors.js';
