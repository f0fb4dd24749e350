/**
 * Reading docker-compose.yml and the Dockerfile the way Docker would (for the parts we use), and
 * translating the worker image's paths to this checkout, so tests can run its command on the host.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

type Compose = { services: Record<string, Record<string, unknown>> };

export function readCompose(): Compose {
  // `merge`: Compose resolves YAML merge keys (`<<: *anchor`), which YAML 1.2 leaves alone by default.
  return parse(readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as Compose;
}

export function composeService(compose: Compose, name: string): Record<string, unknown> {
  const service = compose.services[name];
  if (!service) throw new Error(`docker-compose.yml has no service "${name}"`);
  return service;
}

/**
 * The worker service's environment with `${VAR:-default}` interpolated from `shell` as Compose
 * does (an unset variable with no default becomes empty).
 */
export function workerEnvironment(compose: Compose, shell: NodeJS.ProcessEnv): Record<string, string> {
  const raw = (composeService(compose, 'worker').environment ?? {}) as Record<string, unknown>;
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    env[name] = String(value ?? '').replace(/\$\{(\w+)(?::?-([^}]*))?\}/g, (_m, v: string, dflt?: string) => shell[v] || dflt || '');
  }
  return env;
}

export interface Dockerfile {
  workdir: string;
  /** Sources of every COPY (relative to the build context). */
  copied: string[];
  run: string[];
  env: Record<string, string>;
  /** The CMD in exec form. */
  cmd: string[];
}

export function dockerfile(): Dockerfile {
  const lines = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.trim().startsWith('#'));
  const result: Dockerfile = { workdir: '/', copied: [], run: [], env: {}, cmd: [] };
  for (const line of lines) {
    const [, instruction = '', rest = ''] = /^\s*(\w+)\s+(.*)$/.exec(line) ?? [];
    switch (instruction.toUpperCase()) {
      case 'WORKDIR':
        result.workdir = rest.trim();
        break;
      case 'COPY': {
        const parts = rest.trim().split(/\s+/).filter((p) => !p.startsWith('--'));
        result.copied.push(...parts.slice(0, -1));
        break;
      }
      case 'RUN':
        result.run.push(rest);
        break;
      case 'ENV':
        for (const m of rest.matchAll(/(\w+)=(\S+)/g)) result.env[m[1]!] = m[2]!;
        break;
      case 'ENTRYPOINT':
        throw new Error('The Dockerfile has an ENTRYPOINT: teach test/deploy/deploy-files.ts to combine it with CMD.');
      case 'CMD':
        result.cmd = JSON.parse(rest) as string[];
        break;
    }
  }
  return result;
}

/** A path inside the image (under its WORKDIR) as the same file in this checkout. */
export function imagePath(path: string, workdir = dockerfile().workdir): string {
  const prefix = workdir.endsWith('/') ? workdir : `${workdir}/`;
  return path.startsWith(prefix) ? join(REPO_ROOT, path.slice(prefix.length)) : path;
}
