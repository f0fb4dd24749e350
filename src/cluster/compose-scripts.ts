/**
 * The two one-shot setup jobs of docker-compose.yml, as shell scripts generated from the same
 * data as the local cluster: the schema job (`temporal-sql-tool`, {@link schemaSetupArgs}) and
 * the namespace job (`temporal operator`, the harness search attributes). The compose file holds
 * their text; test/deploy/docker-compose.test.ts fails when it differs from what these return.
 */
import { HARNESS_SEARCH_ATTRIBUTES } from '../workflows/shared/search-attributes.js';
import { CLUSTER_DATABASES, schemaSetupArgs, type PostgresEndpoint } from './config.js';
import { NAMESPACE_RETENTION_SECONDS } from './namespace-setup.js';

/** How the compose stack names things. */
export const COMPOSE = {
  postgres: { host: 'postgresql', port: 5432, user: 'temporal', password: 'temporal' } satisfies PostgresEndpoint,
  frontendAddress: 'temporal-frontend:7233',
  namespace: 'default',
  /** Where the server containers find the dynamic-config file (mounted from the repo). */
  dynamicConfigPath: '/etc/temporal/config/dynamicconfig/harness.yaml',
  /** The repo file mounted there, rendered from CLUSTER_DYNAMIC_CONFIG. */
  dynamicConfigSource: './deploy/temporal/dynamicconfig.yaml',
} as const;

/** `temporal-sql-tool` as a shell word list. */
function sqlTool(args: string[]): string {
  return ['temporal-sql-tool', ...args].join(' ');
}

/**
 * Schema job: a database that `create-database` creates is new and gets `setup-schema`; every
 * database then gets `update-schema` (which also upgrades an existing one after an image bump).
 */
export function composeSchemaScript(pg: PostgresEndpoint = COMPOSE.postgres): string {
  const fresh = schemaSetupArgs(pg, { fresh: true });
  const lines = ['set -eu'];
  for (const { database } of Object.values(CLUSTER_DATABASES)) {
    const forDb = fresh.filter((args) => args[args.indexOf('--db') + 1] === database);
    const [create, setup, update] = forDb.map(sqlTool);
    lines.push(`if ${create}; then ${setup}; fi`, update!);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Namespace job: wait for the frontend, create the namespace unless it exists, register the
 * harness search attributes (the server accepts an existing attribute of the same type).
 */
export function composeNamespaceScript(address: string = COMPOSE.frontendAddress, namespace: string = COMPOSE.namespace): string {
  const attributes = HARNESS_SEARCH_ATTRIBUTES.map((key) => `--name ${key.name} --type ${cliType(key.type)}`).join(' ');
  return [
    'set -eu',
    `until temporal operator cluster health --address ${address}; do sleep 2; done`,
    `temporal operator namespace describe --address ${address} --namespace ${namespace} >/dev/null 2>&1 || temporal operator namespace create --address ${address} --namespace ${namespace} --retention ${NAMESPACE_RETENTION_SECONDS / 3600}h`,
    `temporal operator search-attribute create --address ${address} --namespace ${namespace} ${attributes}`,
    '',
  ].join('\n');
}

/** The CLI spells types `Keyword`, the SDK `KEYWORD`. */
function cliType(type: string): string {
  return type === 'KEYWORD_LIST' ? 'KeywordList' : type.charAt(0) + type.slice(1).toLowerCase();
}
