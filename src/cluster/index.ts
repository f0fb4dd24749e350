/**
 * A production-shaped Temporal cluster on one machine (PostgreSQL, 4 history shards, each service
 * its own process): what `npm run cluster` and the cluster tests run, and the configuration
 * docker-compose.yml is checked against.
 */
export { startCluster, type ClusterOptions, type LocalCluster } from './cluster.js';
export {
  CLUSTER_DATABASES,
  CLUSTER_DYNAMIC_CONFIG,
  CLUSTER_HISTORY_SHARDS,
  CLUSTER_SERVICES,
  POSTGRES_PLUGIN,
  TEMPORAL_SERVER_VERSION,
  TRANSFER_PROCESSOR_MAX_POLL_RPS,
  clusterSearchAttributes,
  renderDynamicConfig,
  renderServerConfig,
  schemaSetupArgs,
  serverConfig,
  type ClusterService,
  type DynamicConfigValue,
  type PostgresEndpoint,
  type ServerConfigInput,
  type ServicePorts,
} from './config.js';
export { ClusterStartError, isClusterStartError, type ClusterErrorCode } from './errors.js';
export { cachedServerBinaryPath, ensureServerBinaries, type ServerBinaries } from './server-binaries.js';
export { ServiceProcess } from './service-process.js';
