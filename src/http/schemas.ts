/**
 * The zod schemas of every request body and query of the HTTP API, and the helpers that parse a
 * request with them. The OpenAPI document is generated from these same schemas.
 */
import type { Context } from 'hono';
import { GRANT_LIMITS } from '../workflows/grants/contract.js';
import { z } from 'zod';
import { THREAD_ID_PATTERN } from '../client/index.js';
import {
  DECISION_LIMITS,
  QUESTION_LIMITS,
  DECISIONS,
  RUN_STATES,
  decisionInputProblem,
  type Decision,
  type RunState,
} from '../workflows/run/contract.js';
import { FORK_LIMITS } from '../workflows/run/fork.js';
import { HttpError, invalidRequest, issuesFrom, type IssueLocation } from './errors.js';

const jsonObject = z.record(z.string(), z.unknown());
const safeId = (what: string) =>
  z.string().regex(THREAD_ID_PATTERN, `${what} must be 1-128 characters: letters, digits and _ . : - (starting with a letter or digit)`);

/** Longest `input` of `POST /runs`, in characters (UTF-16 code units). */
export const MAX_INPUT_CHARS = 1_000_000;

/**
 * The default request body limit: the largest valid `POST /runs` input at 3 UTF-8 bytes per
 * character, plus 1 MiB for the rest of the body (context, state). 3,000,000 + 1,048,576 bytes.
 */
export const DEFAULT_MAX_BODY_BYTES = 3 * MAX_INPUT_CHARS + 1024 * 1024;

/** Body of `POST /runs`. With `threadId` the run is a new message of that thread. */
export const createRunBody = z
  .object({
    agentId: z.string().min(1).max(200).optional().describe('Agent id; omitted or `auto` = routed by the workspace.'),
    input: z.string().max(MAX_INPUT_CHARS).regex(/\S/, 'input must be a non-empty string').describe("The user's message."),
    context: jsonObject.optional().describe('Free-form caller context (tenant, user, role…), seen by policies and tools.'),
    state: jsonObject.optional().describe('Initial agent state (not with threadId).'),
    threadId: safeId('threadId').optional().describe("Send the message to this thread (created on first use); the run sees the thread's earlier messages."),
    runId: safeId('runId').optional().describe('The run id. Default: `run-<uuid>`.'),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.threadId !== undefined && body.state !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['state'], message: 'state is not supported for thread messages; omit threadId or state' });
    }
  });
export type CreateRunBody = z.infer<typeof createRunBody>;

/** Body of `POST /runs/{id}/approvals/{approvalId}`: the same rules as the `decideApproval` update. */
export const decisionBody = z
  .object({
    decision: z.enum(DECISIONS as [Decision, ...Decision[]]),
    input: jsonObject.optional().describe('Replacement tool input: required with `edit`, refused otherwise.'),
    approver: z.string().max(DECISION_LIMITS.approverChars).optional().describe('Who decides (recorded; told to the model on reject).'),
    approverRoles: z
      .array(z.string().min(1, 'a role must be a non-empty string').max(DECISION_LIMITS.roleChars))
      .max(DECISION_LIMITS.approverRoles)
      .optional()
      .describe("Roles the approver holds, matched against a tool's `role:<role>` approvers."),
    reason: z.string().max(DECISION_LIMITS.reasonChars).optional().describe('Why (recorded; on reject the model is told).'),
    grant: z
      .object({
        scope: z.enum(['thread', 'agent']),
        expiresInMs: z.number().int().positive().max(GRANT_LIMITS.maxDurationMs).optional(),
        match: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
      })
      .strict()
      .optional()
      .describe("With approve: also approve later calls of this tool in this thread or agent (the tool's approval rule must allow the scope); the run checks `match` in full."),
  })
  .strict()
  .superRefine((body, ctx) => {
    const problem = decisionInputProblem(body.decision, body.input !== undefined);
    if (problem) ctx.addIssue({ code: 'custom', path: ['input'], message: problem });
  });
export type DecisionBody = z.infer<typeof decisionBody>;

/** Body of `POST /runs/{id}/questions/{questionId}`: the answer to an `ask_human` question. */
export const answerBody = z
  .object({
    answer: z.string().trim().min(1, 'the answer must not be empty').max(QUESTION_LIMITS.answerChars).describe('The answer the model gets.'),
    answeredBy: z.string().max(QUESTION_LIMITS.answeredByChars).optional().describe('Who answers; with authentication, the principal.'),
  })
  .strict();

/** Body of `POST /runs/{id}/tool-calls/{toolCallId}`: a client tool's result. */
export const toolResultBody = z
  .object({
    result: z.unknown().refine((v) => v !== undefined, 'the result is required: any JSON value').describe("The tool's result (checked against its output schema)."),
    isError: z.boolean().optional().describe('The tool failed: the model is told so.'),
  })
  .strict();

/** Body of `POST /runs/{id}/fork`: the step to fork from and the changes to its tool calls (`ForkRequest`). */
export const forkBody = z
  .object({
    fromStep: z.number().int().min(1).describe('The step of the run to start from (1 = the first model call), as `step` in its status counts them.'),
    toolCalls: z
      .array(
        z
          .object({
            id: z.string().min(1).max(DECISION_LIMITS.approvalIdChars).describe("The tool call's id (see the run's transcript)."),
            input: jsonObject.optional().describe("The call's new input (checked against the tool's schema)."),
            decision: z.enum(['approve', 'reject']).optional().describe('For a call that needs approval: decide it at once instead of asking.'),
            reason: z.string().max(DECISION_LIMITS.reasonChars).optional().describe('Why (recorded with the decision; on reject the model is told).'),
          })
          .strict(),
      )
      .max(FORK_LIMITS.toolCalls)
      .optional()
      .describe('Changes to the tool calls of that step; none = the calls as the model made them, their approvals asked again.'),
    approver: z.string().max(DECISION_LIMITS.approverChars).optional().describe('Who decides (recorded with every decision); with authentication, the principal.'),
    approverRoles: z
      .array(z.string().min(1, 'a role must be a non-empty string').max(DECISION_LIMITS.roleChars))
      .max(DECISION_LIMITS.approverRoles)
      .optional()
      .describe("Roles the approver holds, matched against a tool's `role:<role>` approvers."),
    runId: safeId('runId').optional().describe("The fork's run id. Default: `run-<uuid>`."),
  })
  .strict();
export type ForkBody = z.infer<typeof forkBody>;

/** Body of `POST /runs/{id}/cancel`: nothing, or an empty object. */
export const cancelBody = z.object({}).strict();

const booleanString = z.enum(['true', 'false']);

/** Query of `GET /runs`. */
export const listRunsQuery = z
  .object({
    state: z.enum(RUN_STATES as [RunState, ...RunState[]]).optional().describe('Only runs in this state.'),
    agentId: z.string().min(1).max(200).optional().describe('Only runs of this agent.'),
    limit: z.coerce.number().int().min(1).max(1000).default(50).describe('At most this many runs.'),
  })
  .strict();

/** Query of `GET /runs/{id}/result`. */
export const resultQuery = z
  .object({
    wait: booleanString.default('true').describe('`false`: answer 202 at once while the run is not finished.'),
  })
  .strict();

/** Query of `GET /runs/{id}/transcript`. */
export const transcriptQuery = z
  .object({
    offset: z.coerce.number().int().min(0).default(0).describe('Index of the first message wanted.'),
    limit: z.coerce.number().int().min(1).max(500).default(50).describe('At most this many messages (a page also stops at about 256 KiB).'),
  })
  .strict();

/** A blob id path parameter: what `ContentRef.blobId` looks like. */
export const blobIdParam = z.string().regex(/^(?:sha256|hmac-[A-Za-z0-9][A-Za-z0-9_.-]{0,99})-[0-9a-f]{64}$/, 'not a blob id (a ContentRef blobId, e.g. sha256-<64 hex>)');

/** Query of `GET /runs/{id}/events`. */
export const eventsQuery = z
  .object({
    from: z.coerce.number().int().min(0).optional().describe('Offset of the first event wanted. `Last-Event-ID` (last seen) wins over it.'),
    named: booleanString
      .default('true')
      .describe('`false`: events carry no `event:` name, so a browser\'s `EventSource.onmessage` receives every one (the type is in the JSON).'),
    live: booleanString
      .default('false')
      .describe(
        '`true`: deltas a model call streams in this server\'s process come at once, without `id`, ahead of the log (whose copies of text already sent are trimmed or skipped). `false`: the durable log alone, every event with its `id`.',
      ),
  })
  .strict();

/** The `Last-Event-ID` header: the offset of the last event a reconnecting client saw. */
export const lastEventIdHeader = z.string().regex(/^\d{1,15}$/, 'Last-Event-ID must be the offset (a non-negative integer) of the last event seen');

/** Path parameters that name a run or an approval. */
export const idParam = z.string().min(1).max(512);

/**
 * Parses `value` with `schema`, or throws a 400 `INVALID_REQUEST` listing every problem with its
 * path in the given part of the request.
 */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, location: IssueLocation): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalidRequest(issuesFrom(parsed.error, location));
  return parsed.data;
}

/**
 * The JSON body of a request, validated. An empty body counts as `{}` only when `optional`.
 * @throws {HttpError} 400 `INVALID_JSON` or `INVALID_REQUEST`.
 */
export async function parseJsonBody<S extends z.ZodType>(c: Context, schema: S, { optional = false } = {}): Promise<z.output<S>> {
  const text = await c.req.text();
  if (text.trim() === '') {
    if (optional) return parseWith(schema, {}, 'body');
    throw new HttpError(400, 'INVALID_JSON', 'The request body is empty; send a JSON object (Content-Type: application/json).');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new HttpError(400, 'INVALID_JSON', `The request body is not valid JSON: ${(e as Error).message}`);
  }
  return parseWith(schema, value, 'body');
}

/** The query string, validated (a repeated parameter keeps its last value). */
export function parseQuery<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  return parseWith(schema, c.req.query(), 'query');
}
