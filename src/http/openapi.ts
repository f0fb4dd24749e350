/**
 * The OpenAPI 3.1 description of the HTTP API. Request bodies and query parameters are generated
 * from the zod schemas the handlers validate with, so the two cannot drift; responses are
 * described in ./openapi-schemas.ts.
 */
import { z } from 'zod';
import { componentSchemas, type JsonSchema } from './openapi-schemas.js';
import { agUiBody } from './ag-ui/ag-ui-request.js';
import { chatBody } from './chat/chat-request.js';
import { linkBody } from './link-routes.js';
import { answerBody, toolResultBody, cancelBody, createRunBody, decisionBody, forkBody, eventsQuery, listRunsQuery, resultQuery, transcriptQuery } from './schemas.js';

/** An OpenAPI 3.1 document (plain JSON). */
export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  paths: Record<string, Record<string, JsonSchema>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, JsonSchema> };
  security: Record<string, string[]>[];
}

function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

const json = (schema: JsonSchema) => ({ 'application/json': { schema } });
const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const ok = (description: string, schema: string) => ({ description, content: json(ref(schema)) });
const error = (description: string) => ({ description, content: json(ref('Error')) });
const body = (schema: z.ZodType, required = true) => ({ required, content: json(jsonSchemaOf(schema)) });

function queryParameters(schema: z.ZodObject): JsonSchema[] {
  return Object.entries(schema.shape).map(([name, field]) => {
    const { description, ...fieldSchema } = jsonSchemaOf(field as z.ZodType);
    return { name, in: 'query', required: !(field as z.ZodType).safeParse(undefined).success, description, schema: fieldSchema };
  });
}

const pathParam = (name: string, description: string) => ({ name, in: 'path', required: true, description, schema: { type: 'string' } });
const runId = pathParam('id', 'The run id.');
const common = {
  400: error('Invalid request (`INVALID_REQUEST` with the path of each problem, or `INVALID_JSON`).'),
  401: error('`UNAUTHENTICATED`: the server needs credentials (`Authorization: Bearer <token>`) and none or wrong ones were sent.'),
  403: error('`HOST_NOT_ALLOWED` (a host name the server does not answer for) or `ORIGIN_NOT_ALLOWED` (a page of another origin).'),
  503: error('`TEMPORAL_UNAVAILABLE`: the Temporal server cannot be reached; retry once it is back.'),
  504: error('`QUERY_TIMEOUT` or `UPDATE_TIMEOUT`: no worker answered for the run.'),
};
/** State-changing routes: JSON only, bounded. */
const changing = {
  ...common,
  413: error('`PAYLOAD_TOO_LARGE`: the body is over the server\'s limit.'),
  415: error('`UNSUPPORTED_MEDIA_TYPE`: the request is not `Content-Type: application/json` (required even with an empty body).'),
};

/**
 * The document served at `GET /openapi.json`.
 * @example
 * const doc = openApiDocument();
 * Object.keys(doc.paths); // ['/healthz', '/openapi.json', '/runs', …]
 */
export function openApiDocument(): OpenApiDocument {
  return {
    openapi: '3.1.0',
    info: {
      title: 'temporal-harness HTTP API',
      version: '0.1.0',
      description:
        'Start agent runs, read their status and results, decide their approvals, cancel them, and follow their ' +
        'events as Server-Sent Events. Errors are `{ error: { code, message, issues? } }` with stable codes.',
    },
    paths: {
      '/healthz': { get: { operationId: 'health', summary: 'Liveness', security: [], responses: { 200: ok('Serving.', 'Health') } } },
      '/openapi.json': {
        get: { operationId: 'openApi', summary: 'This document', security: [], responses: { 200: { description: 'OpenAPI 3.1 document.', content: json({ type: 'object' }) } } },
      },
      '/runs': {
        post: {
          operationId: 'createRun',
          summary: 'Start a run (or send a message to a thread with threadId)',
          requestBody: body(createRunBody),
          responses: {
            201: { ...ok('Started (or queued in its thread); `Location` names the run.', 'CreatedRun'), headers: { Location: { schema: { type: 'string' } } } },
            ...changing,
            409: error('`RUN_ALREADY_EXISTS`, or `THREAD_BUSY` for a thread that refuses messages while busy.'),
          },
        },
        get: {
          operationId: 'listRuns',
          summary: 'List runs, newest first (Temporal visibility: eventually consistent)',
          parameters: queryParameters(listRunsQuery),
          responses: { 200: ok('The runs.', 'RunList'), ...common },
        },
      },
      '/runs/{id}': {
        get: {
          operationId: 'getRun',
          summary: "The run's status: state, pending approvals, decisions, usage, output or error",
          parameters: [runId],
          responses: { 200: ok('The status.', 'RunStatus'), 404: error('`RUN_NOT_FOUND`.'), ...common },
        },
      },
      '/runs/{id}/result': {
        get: {
          operationId: 'getRunResult',
          summary: "The run's result; waits for the run to finish unless wait=false",
          parameters: [runId, ...queryParameters(resultQuery)],
          responses: {
            200: ok('The completed run.', 'RunResult'),
            202: ok('wait=false and the run is not finished yet.', 'RunPending'),
            404: error('`RUN_NOT_FOUND`.'),
            409: error("`RUN_FAILED` or `RUN_CANCELLED`, with the run's own error message."),
            ...common,
            503: error('`SHUTTING_DOWN`: the server stopped waiting; `TEMPORAL_UNAVAILABLE`: the Temporal server cannot be reached.'),
          },
        },
      },
      '/runs/{id}/transcript': {
        get: {
          operationId: 'getRunTranscript',
          summary: "A page of the run's conversation (big contents as references); follow nextOffset for the rest",
          parameters: [runId, ...queryParameters(transcriptQuery)],
          responses: { 200: ok('At most `limit` messages and about 256 KiB.', 'TranscriptPage'), 404: error('`RUN_NOT_FOUND`.'), ...common },
        },
      },
      '/runs/{id}/blobs/{blobId}': {
        get: {
          operationId: 'getRunBlob',
          summary: 'The full text of a content the run keeps by reference (a contentRef or outputRef of this run)',
          description:
            'Only blobs this run references are served (its transcript, final answer and inline files). The body is the text, ' +
            '`Content-Type` the reference\'s media type, `X-Content-SHA256` its SHA-256 (checked before sending).',
          parameters: [runId, pathParam('blobId', 'The blobId of a ContentRef of this run.')],
          responses: {
            200: { description: 'The full text.', content: { 'text/plain': { schema: { type: 'string' } } } },
            404: error('`RUN_NOT_FOUND`, or `CONTENT_NOT_FOUND`: the run references no such blob.'),
            ...common,
          },
        },
      },
      '/approvals': {
        get: {
          operationId: 'listPendingApprovals',
          summary: 'Every approval waiting for a decision, across the runs of this task queue, oldest first (the inbox)',
          responses: { 200: ok('The pending approvals, each with its run.', 'PendingApprovalList'), ...common },
        },
      },
      '/runs/{id}/approvals/{approvalId}': {
        post: {
          operationId: 'decideApproval',
          summary: 'Approve, reject or edit a pending tool call (by update: the answer is the recorded decision)',
          parameters: [runId, pathParam('approvalId', 'The approval id (= the tool call id, see pendingApprovals). A sub-agent\'s approval is `<toolCallId>/<id>`: URL-encode the `/` (%2F).')],
          requestBody: body(decisionBody),
          responses: {
            200: {
              description:
                'The decision as the run recorded it; or, for an approval that needs several approvers and is still short of them, its progress (`status: "pending"`).',
              content: json({ oneOf: [ref('ApprovalRecord'), ref('ApprovalProgress')] }),
            },
            404: error('`RUN_NOT_FOUND`.'),
            409: error(
              'Refused by the run: `UNKNOWN_APPROVAL`, `APPROVAL_ALREADY_DECIDED`, `INVALID_EDIT_INPUT`, `APPROVER_NOT_ALLOWED`, `APPROVER_ALREADY_VOTED`, `RUN_NOT_ACTIVE`.',
            ),
            ...changing,
            413: error('`PAYLOAD_TOO_LARGE` (the body is over the server\'s limit) or `DECISION_TOO_LARGE` (the decision is over 64 KiB as JSON, an edit\'s `input` included).'),
            403: error(
              '`APPROVER_MISMATCH`: an authenticated caller decides as itself; the body named another approver or a role it does not hold. ' +
                'Also `HOST_NOT_ALLOWED`, `ORIGIN_NOT_ALLOWED`.',
            ),
          },
        },
      },
      '/questions': {
        get: {
          operationId: 'listPendingQuestions',
          summary: 'Every `ask_human` question waiting for an answer, across the runs of this task queue, oldest first',
          responses: { 200: ok('The pending questions, each with its run.', 'PendingQuestionList'), ...common },
        },
      },
      '/tool-calls': {
        get: {
          operationId: 'listPendingToolCalls',
          summary: 'Every client tool call waiting for its result, across the runs of this task queue, oldest first',
          responses: { 200: ok('The pending client tool calls, each with its run (and the output schema a result must match).', 'PendingToolCallList'), ...common },
        },
      },
      '/runs/{id}/questions/{questionId}': {
        post: {
          operationId: 'answerQuestion',
          summary: "Answer the agent's pending `ask_human` question (by update: the answer becomes the tool result)",
          parameters: [runId, pathParam('questionId', 'The question id (= the ask_human tool call id, see pendingQuestions).')],
          requestBody: body(answerBody),
          responses: {
            200: ok('The answer as the run recorded it (with authentication, `answeredBy` is the principal).', 'QuestionRecord'),
            404: error('`RUN_NOT_FOUND`.'),
            409: error('Refused by the run: `UNKNOWN_QUESTION`, `QUESTION_ALREADY_ANSWERED`, `QUESTION_CLOSED`, `RUN_NOT_ACTIVE` (the run has ended; its question was closed).'),
            ...changing,
            403: error('`APPROVER_MISMATCH`: an authenticated caller answers as itself; the body named someone else. Also `HOST_NOT_ALLOWED`, `ORIGIN_NOT_ALLOWED`.'),
          },
        },
      },
      '/runs/{id}/tool-calls/{toolCallId}': {
        post: {
          operationId: 'supplyToolResult',
          summary: "Supply the result of a pending client tool call (by update: the result becomes the tool's)",
          parameters: [runId, pathParam('toolCallId', 'The tool call id (see pendingToolCalls).')],
          requestBody: body(toolResultBody),
          responses: {
            200: { description: 'The result as the run recorded it (with authentication, `suppliedBy` is the principal).', content: json({ type: 'object' }) },
            404: error('`RUN_NOT_FOUND`.'),
            409: error('Refused by the run: `UNKNOWN_TOOL_CALL`, `TOOL_RESULT_ALREADY_SUPPLIED`, `TOOL_CALL_CLOSED`, `RUN_NOT_ACTIVE` (the run has ended; the call was closed).'),
            ...changing,
            413: error('`PAYLOAD_TOO_LARGE`, or `TOOL_RESULT_TOO_LARGE` (the result is over 64 KiB as JSON).'),
          },
        },
      },
      '/agents/{agentId}/grants': {
        get: {
          operationId: 'listGrants',
          summary: "An agent's standing approvals (grants people gave while approving), unexpired",
          parameters: [pathParam('agentId', 'The agent id.')],
          responses: { 200: ok('The grants.', 'GrantList'), ...common },
        },
      },
      '/agents/{agentId}/grants/{grantId}/revoke': {
        post: {
          operationId: 'revokeGrant',
          summary: 'Revoke a grant: the calls it covered are asked again',
          parameters: [pathParam('agentId', 'The agent id.'), pathParam('grantId', 'The grant id (`<run id>/<approval id>`): URL-encode the `/` (%2F).')],
          requestBody: body(cancelBody, false),
          responses: { 200: ok('The revoked grant.', 'ApprovalGrant'), 404: error('`GRANT_NOT_FOUND`.'), ...changing },
        },
      },
      '/runs/{id}/approvals/{approvalId}/links': {
        post: {
          operationId: 'createDecisionLink',
          summary: 'Mint a signed, expiring, single-use decision link (approve or reject) for a pending approval',
          description:
            'Needs the server to have `HARNESS_LINK_SECRET`. With authentication a caller mints links for itself (like decisions). ' +
            'Answers `{ url, token, expiresAt, runId, approvalId, approver, decision }`; `url` is `/links/decide/{token}` on this server.',
          parameters: [runId, pathParam('approvalId', 'The pending approval the link decides.')],
          requestBody: body(linkBody),
          responses: {
            201: { description: 'The link.', content: json({ type: 'object' }) },
            404: error('`RUN_NOT_FOUND`.'),
            409: error('`UNKNOWN_APPROVAL` (not pending), `NO_PENDING_APPROVAL`.'),
            501: error('`LINK_SECRET_MISSING`: the server has no `HARNESS_LINK_SECRET`.'),
            ...changing,
          },
        },
      },
      '/links/decide/{token}': {
        get: {
          operationId: 'openDecisionLink',
          summary: 'The confirmation page of a decision link (HTML); decides nothing, so link previewers are harmless',
          parameters: [pathParam('token', 'The link token.')],
          security: [{}],
          responses: {
            200: { description: 'The page, with a form that POSTs to the same URL.', content: { 'text/html': { schema: { type: 'string' } } } },
            400: { description: '`LINK_MALFORMED` (HTML page with the code).' },
            403: { description: '`LINK_TAMPERED`, `HOST_NOT_ALLOWED`.' },
            409: { description: '`APPROVAL_ALREADY_DECIDED` (the link was used, or the approval decided otherwise), `RUN_NOT_ACTIVE`.' },
            410: { description: '`LINK_EXPIRED`.' },
            501: { description: '`LINK_SECRET_MISSING`.' },
          },
        },
        post: {
          operationId: 'useDecisionLink',
          summary: "Decide with the link (the page's form): the validated decideApproval update, as the link's approver, once",
          description:
            'The one state-changing route that takes a form body (`application/x-www-form-urlencoded`, ignored): the signed token is the credential, ' +
            'so no bearer token is needed; the Host and Origin guards still apply. A second use is refused by the run itself (its history), on any server.',
          parameters: [pathParam('token', 'The link token.')],
          security: [{}],
          responses: {
            200: { description: 'Decided (HTML page).', content: { 'text/html': { schema: { type: 'string' } } } },
            400: { description: '`LINK_MALFORMED`.' },
            403: { description: '`LINK_TAMPERED`, `HOST_NOT_ALLOWED`, `ORIGIN_NOT_ALLOWED`.' },
            409: { description: '`APPROVAL_ALREADY_DECIDED` / `APPROVER_ALREADY_VOTED` (a used link), `APPROVER_NOT_ALLOWED`, `RUN_NOT_ACTIVE`.' },
            410: { description: '`LINK_EXPIRED`.' },
            501: { description: '`LINK_SECRET_MISSING`.' },
          },
        },
      },
      '/slack/actions': {
        post: {
          operationId: 'slackAction',
          summary: "A Slack app's Interactivity Request URL: Approve / Reject button clicks on approval messages decide as the Slack user's mapped name",
          description:
            'Slack posts a signed `application/x-www-form-urlencoded` body with one `payload` field (a `block_actions` interaction). ' +
            'Refused unless `X-Slack-Signature` matches the app signing secret (`HARNESS_SLACK_SIGNING_SECRET`) and `X-Slack-Request-Timestamp` is within 5 minutes. ' +
            'The clicking Slack user must be mapped in `HARNESS_SLACK_USERS` (`name[:roles]=<Slack user id>`); the decision is the validated `decideApproval` update under that name. ' +
            'Answers 200 with `{ ok, code?, text, final?, ignored? }` and posts the outcome to the payload\'s `response_url`.',
          security: [{}],
          responses: {
            200: { description: 'The outcome (a refused decision is `ok: false` with its `code`).', content: json({ type: 'object' }) },
            400: error('`INVALID_REQUEST`: no `payload` JSON.'),
            401: error('`SLACK_SIGNATURE_INVALID`, `SLACK_REQUEST_STALE`.'),
            413: error('`PAYLOAD_TOO_LARGE`.'),
            415: error('`UNSUPPORTED_MEDIA_TYPE`.'),
            501: error('`SLACK_NOT_CONFIGURED`: the server has no `HARNESS_SLACK_SIGNING_SECRET`.'),
          },
        },
      },
      '/runs/{id}/fork': {
        post: {
          operationId: 'forkRun',
          summary: 'Start a new run from a step of this run, with edited tool inputs or other decisions (the run itself is not changed)',
          description:
            "The fork begins with the step's model message, its tool calls changed as `toolCalls` says, reads the messages before it " +
            'from this run (not copied) and goes on as a run of its own. Its status has `forkOf`; the search attribute `HarnessForkOf` ' +
            'names this run. A call needing approval without a `decision` is asked again. With authentication the principal decides.',
          parameters: [runId],
          requestBody: body(forkBody),
          responses: {
            201: { ...ok('The fork started; `Location` names it.', 'CreatedFork'), headers: { Location: { schema: { type: 'string' } } } },
            ...changing,
            400: error(
              '`STEP_OUT_OF_RANGE`, `STEP_WITHOUT_TOOL_CALLS`, `STEP_IN_ORIGINAL`, `UNKNOWN_TOOL_CALL`, `INVALID_FORK_INPUT` (an input failing the tool schema), `DECISION_NOT_NEEDED`, `FORK_NOT_SUPPORTED`, `INVALID_REQUEST`.',
            ),
            404: error('`RUN_NOT_FOUND`: no run with this id.'),
            409: error('`RUN_ALREADY_EXISTS` (the fork\'s runId is taken), `STEP_IN_PROGRESS` (the step is still calling the model).'),
            413: error('`FORK_TOO_LARGE` or `PAYLOAD_TOO_LARGE`.'),
          },
        },
      },
      '/runs/{id}/cancel': {
        post: {
          operationId: 'cancelRun',
          summary: 'Request cancellation; the run ends `cancelled`',
          parameters: [runId],
          requestBody: body(cancelBody, false),
          responses: {
            202: ok('Cancellation requested.', 'CancelRequested'),
            404: error('`RUN_NOT_FOUND`.'),
            409: error('`RUN_NOT_ACTIVE`: the run has already finished.'),
            ...changing,
          },
        },
      },
      '/api/chat': {
        post: {
          operationId: 'chat',
          summary: 'Vercel AI SDK UI message stream (useChat default transport): a new message, or approval responses',
          description:
            'Body: `{ id, messages, trigger?, agentId?, edits? }` as `useChat` sends it; `id` is the harness thread id. Only the last ' +
            'message is read: a user message starts a run on the thread (agent `agentId`, else routed); an assistant message with ' +
            'approval responses (`addToolApprovalResponse`) decides them on the thread\'s active run (`edits[approvalId]`: approve ' +
            'with this tool input instead). The answer is SSE of UI message chunks (`x-vercel-ai-ui-message-stream: v1`), ending ' +
            'with `data: [DONE]` when the run parks on approvals or finishes; refused decisions arrive as `error` chunks.',
          requestBody: body(chatBody),
          responses: {
            200: { description: 'The UI message stream.', content: { 'text/event-stream': { schema: { type: 'string' } } } },
            ...changing,
            404: error('`THREAD_NOT_FOUND`: approval responses for a chat that never had a message.'),
            409: error('`RUN_NOT_ACTIVE`: approval responses but no active run; `THREAD_BUSY`.'),
          },
        },
      },
      '/api/chat/{id}/stream': {
        get: {
          operationId: 'resumeChat',
          summary: "Resume: the active run's message from its start, as a UI message stream",
          parameters: [pathParam('id', 'The chat (thread) id.')],
          responses: {
            200: { description: 'The UI message stream.', content: { 'text/event-stream': { schema: { type: 'string' } } } },
            204: { description: 'No run of this chat is active.' },
            ...common,
          },
        },
      },
      '/ag-ui': {
        post: {
          operationId: 'agUi',
          summary: 'AG-UI 1.0 (RunAgentInput → event stream): a new message, or resume entries answering interrupts',
          description:
            'Body: AG-UI `RunAgentInput` as `@ag-ui/client` HttpAgent sends it; `threadId` is the harness thread id, ' +
            '`forwardedProps.agentId` the agent (else routed). Without `resume`, the last message must be the user\'s: it starts a ' +
            'run on the thread. The answer is SSE (`data: <AG-UI event JSON>`): RUN_STARTED (`metadata.harnessRunId`), ' +
            'TEXT_MESSAGE_*, TOOL_CALL_* and TOOL_CALL_RESULT, STATE_SNAPSHOT, then RUN_FINISHED with outcome `interrupt` ' +
            '(one interrupt per pending approval: id = approval id, `responseSchema` of the answer), `success` or `cancelled`, ' +
            'or RUN_ERROR. `resume: [{ interruptId, status, payload }]` decides them: payload `{ decision: approve | reject | edit, ' +
            'input?, reason? }`, status `cancelled` rejects; refused decisions end with RUN_ERROR (or arrive as CUSTOM ' +
            '`harness.decision_refused` events when others were accepted).',
          requestBody: body(agUiBody),
          responses: {
            200: { description: 'The AG-UI event stream.', content: { 'text/event-stream': { schema: { type: 'string' } } } },
            ...changing,
            400: error('`INVALID_REQUEST` (the body is not a RunAgentInput) or `INVALID_AG_UI_REQUEST` (no new user message, or a resume payload that is not a decision).'),
            409: error('`RUN_NOT_ACTIVE`: resume entries but no active run on the thread; `THREAD_BUSY`.'),
          },
        },
      },
      '/runs/{id}/events': {
        get: {
          operationId: 'streamRunEvents',
          summary: "Follow the run's events as Server-Sent Events until its final event",
          description:
            'Each message has `id: <offset>`, `event: <type>` (none with `named=false`, so `EventSource.onmessage` gets ' +
            'them all) and `data: <HarnessEvent JSON>`. After run.completed, run.failed or run.cancelled comes ' +
            '`event: end` (`data: {"lastOffset": n}`), then the stream closes (finished runs replay their events). Reconnect with ' +
            '`Last-Event-ID: <last offset seen>` (sent by EventSource by itself) or `?from=<offset>` to get exactly ' +
            'the rest (with `live=true`, deltas streamed by a worker in the server\'s own process come at once and without `id`, ' +
            'ahead of the log; a reconnect resumes after the last `id` and may repeat such text); past the end of a finished run the answer is 204, which stops EventSource reconnecting. ' +
            '`: heartbeat` comments every 15 s. A failure mid-stream is sent as `event: error` with an Error body.',
          parameters: [
            runId,
            ...queryParameters(eventsQuery),
            { name: 'Last-Event-ID', in: 'header', required: false, description: 'Offset of the last event seen.', schema: { type: 'string', pattern: '^\\d{1,15}$' } },
          ],
          responses: {
            200: {
              description: 'The event stream.',
              // `x-event-schema`: the `data` of each message (OpenAPI 3.1 has no field for stream items).
              content: { 'text/event-stream': { schema: { type: 'string' }, 'x-event-schema': ref('HarnessEvent') } },
            },
            204: { description: 'The run is finished and no event is left after the offset asked for.' },
            404: error('`RUN_NOT_FOUND`.'),
            ...common,
          },
        },
      },
    },
    components: {
      schemas: componentSchemas,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A token from HARNESS_API_TOKENS, when the server has any.' } },
    },
    // Optional (`{}`): a server without tokens needs none. `/healthz` and `/openapi.json` never do.
    security: [{ bearer: [] }, {}],
  };
}
