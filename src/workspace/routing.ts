/**
 * Picking the agent for a run: by the workspace's routing rules, or by asking a router model.
 * Pure functions (no I/O, clock or randomness): the model call itself belongs to an activity,
 * these only build its prompt and read its answer, so a recorded answer always routes the same.
 */
import { compileInputRegex, type RoutingRule } from './routing-schema.js';

/** Which agent a run goes to, and why (shown to the caller and kept in history). */
export interface RouteDecision {
  agentId: string;
  reason: string;
}

/** An agent the router may choose, as the router model sees it. */
export interface RouterCandidate {
  id: string;
  description: string;
}

/**
 * Returns the agent of the first rule that matches the input, or `undefined` when none does.
 * `match` is a case-insensitive regex; `keywords` match case-insensitively as whole words, so
 * "bill" does not match "billing". Rules are numbered from 1 in the reason.
 * @example
 * routeByRules([{ match: 'refund|return', agent: 'support' }], 'I want a REFUND');
 * // → { agentId: 'support', reason: 'routing rule 1 (match "refund|return")' }
 */
export function routeByRules(rules: readonly RoutingRule[], input: string): RouteDecision | undefined {
  for (const [i, rule] of rules.entries()) {
    const n = i + 1;
    if (rule.match !== undefined) {
      if (compileInputRegex(rule.match).test(input)) {
        return { agentId: rule.agent, reason: `routing rule ${n} (match ${JSON.stringify(rule.match)})` };
      }
      continue;
    }
    const hit = rule.keywords?.find((k) => keywordRegex(k).test(input));
    if (hit !== undefined) return { agentId: rule.agent, reason: `routing rule ${n} (keyword ${JSON.stringify(hit)})` };
  }
  return undefined;
}

// `\b` is ASCII-only in JavaScript ("café" has no boundary before "é"), so word edges are defined
// with Unicode letters/digits instead. Inner whitespace matches any whitespace run, so the
// keyword "credit card" also matches "credit\n card".
function keywordRegex(keyword: string): RegExp {
  const body = keyword
    .trim()
    .split(/\s+/)
    .map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('\\s+');
  return new RegExp(`(?<![\\p{L}\\p{N}_])${body}(?![\\p{L}\\p{N}_])`, 'iu');
}

/**
 * The router model's system prompt: the candidates (in the order given) and the one answer format
 * {@link parseRouterAnswer} reads. The user's message goes in a separate user message.
 * @example
 * buildRouterPrompt([{ id: 'support', description: 'Orders and refunds.' }]);
 */
export function buildRouterPrompt(candidates: readonly RouterCandidate[]): string {
  const list = candidates.map((c) => `- ${c.id}: ${c.description.replace(/\s+/g, ' ').trim() || '(no description)'}`);
  return [
    'You route a user message to the one agent best suited to handle it.',
    '',
    'Agents:',
    ...list,
    '',
    'Answer with only a JSON object, no other text:',
    '{"agent": "<id>", "reason": "<short reason>"}',
    `"agent" must be exactly one of: ${candidates.map((c) => c.id).join(', ')}.`,
  ].join('\n');
}

/**
 * Reads the router model's answer. Tolerates code fences and text around the JSON object, and an
 * agent id that differs only in case. The returned `reason` is the model's own (or a placeholder).
 * @returns the decision, or `{ error }` saying what was wrong and which ids are valid.
 * @example
 * parseRouterAnswer('```json\n{"agent": "billing", "reason": "invoice question"}\n```', ['support', 'billing']);
 * // → { agentId: 'billing', reason: 'invoice question' }
 */
export function parseRouterAnswer(text: string, candidateIds: readonly string[]): RouteDecision | { error: string } {
  const known = candidateIds.length ? candidateIds.join(', ') : '(none)';
  const answer = jsonObjects(text).find((o) => Object.hasOwn(o, 'agent'));
  if (!answer) {
    return {
      error: `the router did not answer with a JSON object like {"agent": "<id>", "reason": "..."}; it said: ${JSON.stringify(clip(text))}`,
    };
  }
  if (typeof answer.agent !== 'string') {
    return { error: `the router's "agent" is not a string: ${JSON.stringify(answer.agent)}; candidates: ${known}` };
  }
  const picked = answer.agent.trim();
  const agentId = candidateIds.includes(picked) ? picked : uniqueCaseInsensitive(candidateIds, picked);
  if (agentId === undefined) return { error: `the router picked unknown agent "${picked}"; candidates: ${known}` };
  const reason = typeof answer.reason === 'string' && answer.reason.trim() ? answer.reason.trim() : 'no reason given';
  return { agentId, reason };
}

function uniqueCaseInsensitive(ids: readonly string[], picked: string): string | undefined {
  const same = ids.filter((id) => id.toLowerCase() === picked.toLowerCase());
  return same.length === 1 ? same[0] : undefined;
}

// Every top-level `{…}` in the text that parses as a JSON object, in order. Braces are balanced
// with JSON strings skipped, so fences, prose and braces inside string values do not confuse it.
// Only the first 20k characters are scanned: a router answer is a line, and the scan is quadratic
// on pathological text full of unbalanced braces.
function jsonObjects(fullText: string): Record<string, unknown>[] {
  const text = fullText.slice(0, 20_000);
  const found: Record<string, unknown>[] = [];
  let i = text.indexOf('{');
  while (i !== -1) {
    const end = closingBrace(text, i);
    if (end === -1) {
      i = text.indexOf('{', i + 1);
      continue;
    }
    try {
      const value: unknown = JSON.parse(text.slice(i, end + 1));
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        found.push(value as Record<string, unknown>);
        i = text.indexOf('{', end + 1);
        continue;
      }
    } catch {
      // Not JSON (e.g. prose in braces): try the next brace inside it.
    }
    i = text.indexOf('{', i + 1);
  }
  return found;
}

function closingBrace(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return i;
  }
  return -1;
}

function clip(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
