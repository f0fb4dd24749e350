/**
 * The production-shaped cluster's configuration, as data: the one source that the local cluster
 * (`npm run cluster`, the cluster tests) and docker-compose.yml are checked against.
 *
 * Shaped like the server's own `config/development-postgres12.yaml` (v1.29.1): PostgreSQL for
 * persistence and for SQL visibility, a fixed number of history shards, the four services as
 * separate processes that find each other through the membership table in the database.
 */
import { stringify } from 'yaml';
import { HARNESS_SEARCH_ATTRIBUTES } from '../workflows/shared/search-attributes.js';
import { DEV_SERVER_DYNAMIC_CONFIG } from '../devserver/dynamic-config.js';

/** The Temporal server release the cluster runs (the one the pinned CLI embeds). */
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';

/** The four server roles, each run as its own process (the order is the start order). */
export const CLUSTER_SERVICES = ['history', 'matching', 'frontend', 'worker'] as const;
/** One of {@link CLUSTER_SERVICES}. */
export type ClusterService = (typeof CLUSTER_SERVICES)[number];

/**
 * History shards. Fixed for the life of a cluster (it cannot be changed without a new database),
 * so it is chosen up front: 4 spreads the per-shard task readers over a few cores and is what the
 * server's own PostgreSQL template uses; production clusters use 512 or more.
 */
export const CLUSTER_HISTORY_SHARDS = 4;

/** The server's SQL plugin for PostgreSQL 12+ (also what the docker images call `DB=postgres12`). */
export const POSTGRES_PLUGIN = 'postgres12';

/** The two databases, with the schema embedded in `temporal-sql-tool` that each one gets. */
export const CLUSTER_DATABASES = {
  persistence: { database: 'temporal', schemaName: 'postgresql/v12/temporal' },
  visibility: { database: 'temporal_visibility', schemaName: 'postgresql/v12/visibility' },
} as const;

/**
 * The transfer-queue reader's rate per history shard. The server's default (20/s per shard)
 * spaces task dispatch ~40 ms apart once the token bucket drains; see docs/production.md
 * ("The dispatch knob"). Taken from the dev server's list, so both servers agree.
 */
export const TRANSFER_PROCESSOR_MAX_POLL_RPS = DEV_SERVER_DYNAMIC_CONFIG['history.transferProcessorMaxPollRPS'] as number;

/** One dynamic-config entry: a value, optionally constrained (e.g. to a namespace). */
export interface DynamicConfigValue {
  value: unknown;
  constraints?: Record<string, string>;
}

/**
 * Dynamic config of the cluster, as the server's file-based client reads it (key → list of
 * constrained values). docker-compose.yml mounts the same file (`deploy/temporal/dynamicconfig.yaml`,
 * rendered by {@link renderDynamicConfig}; a unit test keeps the two equal).
 */
export const CLUSTER_DYNAMIC_CONFIG: Readonly<Record<string, readonly DynamicConfigValue[]>> = Object.fromEntries(
  // ONE list for every server the harness starts: the dev server's (src/devserver/dynamic-config.ts).
  Object.entries(DEV_SERVER_DYNAMIC_CONFIG).map(([key, value]) => [key, [{ value }]]),
);

/** The dynamic-config file's text (YAML with a header saying where it comes from). */
export function renderDynamicConfig(): string {
  const header =
    '# Dynamic config of the harness\'s production-shaped Temporal cluster.\n' +
    '# Generated from src/cluster/config.ts (CLUSTER_DYNAMIC_CONFIG) by `npm run cluster -- dynamic-config`;\n' +
    '# test/cluster/cluster-config.test.ts fails when this file and the code disagree.\n';
  return header + stringify(CLUSTER_DYNAMIC_CONFIG);
}

/** Where the cluster's PostgreSQL listens and who the server connects as. */
export interface PostgresEndpoint {
  host: string;
  port: number;
  user: string;
  password: string;
}

/** The ports of one service process. */
export interface ServicePorts {
  grpcPort: number;
  membershipPort: number;
  /** Frontend only: the HTTP API. */
  httpPort?: number;
}

/** Inputs of {@link serverConfig}. */
export interface ServerConfigInput {
  postgres: PostgresEndpoint;
  ports: Record<ClusterService, ServicePorts>;
  /** Address every service binds and announces to the others. */
  ip: string;
  /** Absolute path of the dynamic-config file. */
  dynamicConfigFile: string;
  /** Server log level. */
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

/**
 * Connection pool sizes per service process. Four processes share PostgreSQL's connection budget:
 * 4 × (20 + 10) = 120, so the cluster's PostgreSQL is started with `max_connections` above it.
 */
export const SQL_MAX_CONNS = { persistence: 20, visibility: 10 } as const;

function sqlStore(pg: PostgresEndpoint, database: string, maxConns: number): Record<string, unknown> {
  return {
    sql: {
      pluginName: POSTGRES_PLUGIN,
      databaseName: database,
      connectAddr: `${pg.host}:${pg.port}`,
      connectProtocol: 'tcp',
      user: pg.user,
      password: pg.password,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  };
}

/**
 * The server's static config for one cluster (all four services read the same file; each process
 * starts only its own role with `--service`).
 */
export function serverConfig(input: ServerConfigInput): Record<string, unknown> {
  const services: Record<string, unknown> = {};
  for (const name of CLUSTER_SERVICES) {
    const p = input.ports[name];
    services[name] = {
      rpc: {
        grpcPort: p.grpcPort,
        membershipPort: p.membershipPort,
        bindOnIP: input.ip,
        ...(p.httpPort !== undefined && { httpPort: p.httpPort }),
      },
    };
  }
  const frontend = input.ports.frontend;
  return {
    log: { stdout: true, level: input.logLevel },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: CLUSTER_HISTORY_SHARDS,
      datastores: {
        'postgres-default': sqlStore(input.postgres, CLUSTER_DATABASES.persistence.database, SQL_MAX_CONNS.persistence),
        'postgres-visibility': sqlStore(input.postgres, CLUSTER_DATABASES.visibility.database, SQL_MAX_CONNS.visibility),
      },
    },
    global: {
      // Every process of the cluster announces this address in the membership table.
      membership: { maxJoinDuration: '30s', broadcastAddress: input.ip },
    },
    services,
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: {
          enabled: true,
          initialFailoverVersion: 1,
          rpcName: 'frontend',
          rpcAddress: `${input.ip}:${frontend.grpcPort}`,
          ...(frontend.httpPort !== undefined && { httpAddress: `${input.ip}:${frontend.httpPort}` }),
        },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: { filepath: input.dynamicConfigFile, pollInterval: '10s' },
  };
}

/** {@link serverConfig} as the YAML file the server loads. */
export function renderServerConfig(input: ServerConfigInput): string {
  return `# Generated by src/cluster/config.ts; edit the code, not this file.\n${stringify(serverConfig(input))}`;
}

/**
 * The `temporal-sql-tool` argument lists that create both databases and bring their schemas to
 * the latest version of this server release, using the schemas embedded in the tool.
 * `create-database` and `setup-schema` are for a new cluster only; `update-schema` is what an
 * upgrade runs (and is a no-op when the schema is current).
 */
export function schemaSetupArgs(pg: PostgresEndpoint, o: { fresh: boolean }): string[][] {
  const steps: string[][] = [];
  for (const { database, schemaName } of Object.values(CLUSTER_DATABASES)) {
    const conn = ['--plugin', POSTGRES_PLUGIN, '--ep', pg.host, '--port', String(pg.port), '--user', pg.user, '--password', pg.password, '--db', database];
    if (o.fresh) {
      steps.push([...conn, 'create-database']);
      steps.push([...conn, 'setup-schema', '-v', '0.0']);
    }
    steps.push([...conn, 'update-schema', '--schema-name', schemaName]);
  }
  return steps;
}

/** The harness search attributes as `{ name: type }` (the operator API's shape). */
export function clusterSearchAttributes(): Record<string, string> {
  return Object.fromEntries(HARNESS_SEARCH_ATTRIBUTES.map((key) => [key.name, key.type]));
}
