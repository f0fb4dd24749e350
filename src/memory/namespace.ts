/** Resolves a namespace template such as `user:{{context.userId}}` against a run. */
import { MemoryError } from './errors.js';

export interface NamespaceScope {
  agentId: string;
  context: Record<string, unknown>;
}

/**
 * Fills `{{context.<path>}}` and `{{agentId}}`. A missing or non-scalar value is an error rather
 * than an empty string: `user:` would put every user without an id into one shared namespace.
 * @throws {MemoryError} `MEMORY_NAMESPACE_UNRESOLVED`
 */
export function resolveNamespace(template: string, scope: NamespaceScope): string {
  return template.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (_match, expr: string) => {
    if (expr === 'agentId') return scope.agentId;
    const path = expr.split('.').slice(1);
    let value: unknown = scope.context;
    for (const key of path) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    if ((typeof value === 'string' && value !== '') || typeof value === 'number' || typeof value === 'boolean') return String(value);
    const keys = Object.keys(scope.context);
    throw new MemoryError(
      'MEMORY_NAMESPACE_UNRESOLVED',
      `Memory is not available to this run: the namespace "${template}" needs ${expr}, which the run's context ${
        value === undefined || value === '' ? 'does not have' : 'holds as a non-scalar value'
      } (context keys: ${keys.length ? keys.join(', ') : 'none'}). Start the run with context { ${path.join('.')}: "..." }.`,
    );
  });
}
