/**
 * The `grant` of a decision payload: checked by hand (the workflow bundle has no zod), with
 * complaints that say what was expected. Shared by the update validator and the signal handler.
 */
import { GRANT_LIMITS, GRANT_SCOPES } from './contract.js';

const CONDITION_KEYS = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'notIn', 'exists'];
const PATH = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;
const EXPECTED =
  'Expected grant: { scope: "thread" | "agent", expiresInMs?: positive integer, match?: { <argument path>: { eq, ne, lt, lte, gt, gte, in, notIn, exists } } }';

/** What is wrong with a decision's `grant` value (empty = nothing). */
export function grantRequestIssues(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`grant: ${EXPECTED}`];
  const g = value as Record<string, unknown>;
  const issues: string[] = [];
  if (!(GRANT_SCOPES as readonly unknown[]).includes(g.scope)) issues.push('grant.scope: expected "thread" or "agent"');
  if (g.expiresInMs !== undefined) {
    const ms = g.expiresInMs;
    if (typeof ms !== 'number' || !Number.isInteger(ms) || ms <= 0 || ms > GRANT_LIMITS.maxDurationMs) {
      issues.push(`grant.expiresInMs: expected a positive integer of at most ${GRANT_LIMITS.maxDurationMs} (30 days)`);
    }
  }
  if (g.match !== undefined) issues.push(...matchIssues(g.match));
  const unknown = Object.keys(g).filter((k) => !['scope', 'expiresInMs', 'match'].includes(k));
  if (unknown.length) issues.push(`grant: unrecognized key${unknown.length > 1 ? 's' : ''} ${unknown.slice(0, 5).map((k) => `"${k.slice(0, 40)}"`).join(', ')}`);
  return issues;
}

function matchIssues(match: unknown): string[] {
  if (typeof match !== 'object' || match === null || Array.isArray(match)) return ['grant.match: expected an object of argument conditions'];
  const entries = Object.entries(match as Record<string, unknown>);
  if (entries.length > GRANT_LIMITS.matchConditions) return [`grant.match: at most ${GRANT_LIMITS.matchConditions} conditions`];
  const issues: string[] = [];
  for (const [path, condition] of entries) {
    const at = `grant.match.${path.slice(0, 40)}`;
    if (!PATH.test(path)) issues.push(`${at}: an argument path is dotted names, e.g. "amount"`);
    else if (typeof condition !== 'object' || condition === null || Array.isArray(condition)) issues.push(`${at}: expected a condition object, e.g. { "lte": 50 }`);
    else {
      const c = condition as Record<string, unknown>;
      const keys = Object.keys(c);
      if (keys.length === 0 || keys.some((k) => !CONDITION_KEYS.includes(k))) issues.push(`${at}: conditions are ${CONDITION_KEYS.join(', ')}`);
      for (const k of ['lt', 'lte', 'gt', 'gte']) if (c[k] !== undefined && typeof c[k] !== 'number') issues.push(`${at}.${k}: expected a number`);
      for (const k of ['in', 'notIn']) if (c[k] !== undefined && !(Array.isArray(c[k]) && (c[k] as unknown[]).every(isScalar))) issues.push(`${at}.${k}: expected a list of strings, numbers, booleans or null`);
      for (const k of ['eq', 'ne']) if (c[k] !== undefined && !isScalar(c[k])) issues.push(`${at}.${k}: expected a string, number, boolean or null`);
      if (c.exists !== undefined && typeof c.exists !== 'boolean') issues.push(`${at}.exists: expected true or false`);
    }
  }
  return issues;
}

function isScalar(v: unknown): boolean {
  return v === null || ['string', 'number', 'boolean'].includes(typeof v);
}
