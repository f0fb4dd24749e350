/**
 * JSON Schemas (OpenAPI 3.1 = JSON Schema 2020-12) of the HTTP API's responses, written from the
 * client's types (src/workflows/run/contract.ts, run/events.ts). Request schemas are generated from zod.
 */
import type { HarnessEventType } from '../client/index.js';
import { DECISIONS, RUN_STATES } from '../workflows/run/contract.js';

/** A JSON Schema object. */
export type JsonSchema = { [key: string]: unknown };

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const str: JsonSchema = { type: 'string' };
const int: JsonSchema = { type: 'integer', minimum: 0 };
const dateTime: JsonSchema = { type: 'string', format: 'date-time' };
const jsonObject: JsonSchema = { type: 'object', additionalProperties: true };
const obj = (properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema => ({
  type: 'object',
  properties,
  required,
});

/** Every event type (checked at compile time against `HarnessEventType`). */
export const EVENT_TYPES = [
  'run.created',
  'run.routed',
  'run.queued',
  'run.dequeued',
  'run.state.changed',
  'step.started',
  'step.completed',
  'output.delta',
  'reasoning.delta',
  'output.reset',
  'tool.started',
  'tool.result',
  'graph.node',
  'graph.custom',
  'subagent.started',
  'approval.requested',
  'approval.resolved',
  'approval.voted',
  'grant.recorded',
  'grant.failed',
  'notification.sent',
  'notification.failed',
  'question.asked',
  'question.answered',
  'client_tool.requested',
  'client_tool.supplied',
  'question.closed',
  'client_tool.closed',
  'run.resumed',
  'run.completed',
  'run.failed',
  'run.cancelled',
] as const satisfies readonly HarnessEventType[];
// Fails to compile when an event type is added to the client but not listed above.
const allListed: Exclude<HarnessEventType, (typeof EVENT_TYPES)[number]> extends never ? true : never = true;
void allListed;

const tokenUsage = obj(
  { inputTokens: int, outputTokens: int, totalTokens: int, costUsd: { type: 'number', description: 'US dollars, when the model is priced.' } },
  ['inputTokens', 'outputTokens', 'totalTokens'],
);

const decision: JsonSchema = { type: 'string', enum: [...DECISIONS] };

/** Fields of an approval raised by a sub-agent (its id is `<toolCallId>/<id in the sub-agent>`). */
const delegated: Record<string, JsonSchema> = {
  path: { type: 'array', items: str, description: 'Agents from the top-level run to the sub-agent that raised it.' },
  origin: { ...obj({ runId: str, approvalId: str }, ['runId', 'approvalId']), description: 'The sub-agent run where it waits, and its id there.' },
};

/** Fields of a question asked in a sub-agent (its id is `<toolCallId>/<id in the sub-agent>`). */
const questionOrigin: Record<string, JsonSchema> = {
  path: { type: 'array', items: str, description: 'Agents from the top-level run to the sub-agent that asked it.' },
  origin: { ...obj({ runId: str, questionId: str }, ['runId', 'questionId']), description: 'The sub-agent run where it waits, and its id there.' },
};

/** `components.schemas` of the document. */
export const componentSchemas: Record<string, JsonSchema> = {
  Error: obj(
    {
      error: obj(
        {
          code: { ...str, description: 'Stable code, e.g. RUN_NOT_FOUND, UNKNOWN_APPROVAL, INVALID_REQUEST.' },
          message: str,
          issues: {
            type: 'array',
            description: 'With INVALID_REQUEST: every problem, with where it is.',
            items: obj(
              {
                in: { type: 'string', enum: ['body', 'query', 'header', 'path'] },
                path: { type: 'array', items: { type: ['string', 'integer'] } },
                message: str,
              },
              ['in', 'path', 'message'],
            ),
          },
        },
        ['code', 'message'],
      ),
    },
    ['error'],
  ),
  RunState: { type: 'string', enum: [...RUN_STATES] },
  TokenUsage: tokenUsage,
  CreatedRun: obj(
    {
      runId: str,
      threadId: str,
      queued: { type: 'boolean', description: 'Thread messages: whether the run waits behind another run of the thread.' },
      position: { ...int, description: 'Thread messages: place in the queue, 1 = next; 0 when not queued.' },
    },
    ['runId'],
  ),
  CreatedFork: obj(
    { runId: str, forkOf: obj({ runId: str, step: int }, ['runId', 'step']) },
    ['runId', 'forkOf'],
  ),
  RunSummary: obj({ runId: str, agentId: str, threadId: str, state: ref('RunState'), startTime: dateTime, closeTime: dateTime }, ['runId', 'startTime']),
  RunList: obj({ runs: { type: 'array', items: ref('RunSummary') } }, ['runs']),
  PendingApproval: obj(
    {
      approvalId: str,
      toolName: str,
      input: jsonObject,
      requestedAt: dateTime,
      step: int,
      quorum: ref('ApprovalQuorum'),
      judge: { ...ref('JudgeVerdict'), description: "The tool's model judge escalated the call: its reason, for the people who decide." },
      approvers: {
        type: 'array',
        items: str,
        description: 'Who may decide: names and `role:<role>` entries (absent = anyone).',
      },
      deadline: obj(
        { at: dateTime, onTimeout: { type: 'string', enum: ['reject', 'approve', 'fail'] } },
        ['at', 'onTimeout'],
      ),
      ...delegated,
    },
    ['approvalId', 'toolName', 'input', 'requestedAt', 'step'],
  ),
  PendingQuestion: obj({ questionId: str, question: str, step: int, askedAt: dateTime, ...questionOrigin }, ['questionId', 'question', 'step', 'askedAt']),
  QuestionRecord: obj(
    { questionId: str, question: str, step: int, askedAt: dateTime, ...questionOrigin, answer: str, answeredBy: str, answeredAt: dateTime },
    ['questionId', 'question', 'step', 'askedAt', 'answer', 'answeredAt'],
  ),
  PendingToolCall: obj(
    { toolCallId: str, toolName: str, input: jsonObject, outputSchema: { ...jsonObject, description: 'JSON Schema the result must match.' }, step: int, requestedAt: dateTime },
    ['toolCallId', 'toolName', 'input', 'step', 'requestedAt'],
  ),
  PendingToolCallList: obj(
    { toolCalls: { type: 'array', items: obj({ runId: str, agentId: str, threadId: str, call: ref('PendingToolCall') }, ['runId', 'agentId', 'call']) } },
    ['toolCalls'],
  ),
  PendingQuestionList: obj(
    { questions: { type: 'array', items: obj({ runId: str, agentId: str, threadId: str, question: ref('PendingQuestion') }, ['runId', 'agentId', 'question']) } },
    ['questions'],
  ),
  PendingApprovalList: obj(
    {
      approvals: {
        type: 'array',
        items: obj(
          { runId: str, agentId: str, threadId: str, forkOf: obj({ workflowId: str, runId: str, step: int }, ['workflowId', 'step']), approval: ref('PendingApproval') },
          ['runId', 'agentId', 'approval'],
        ),
      },
    },
    ['approvals'],
  ),
  ApprovalRecord: obj(
    {
      approvalId: str,
      toolName: str,
      decision,
      requestedInput: jsonObject,
      input: { ...jsonObject, description: 'The input the tool runs with (differs from requestedInput after an edit).' },
      approver: str,
      approverRoles: { type: 'array', items: str },
      reason: str,
      decidedAt: dateTime,
      via: { type: 'string', enum: ['signal', 'update', 'timeout', 'cancel', 'policy', 'grant', 'judge'] },
      rule: { ...str, description: 'The approval rule that decided (via policy) or asked for the approvers.' },
      votes: { type: 'array', items: ref('ApprovalVote'), description: 'Every approval given, when several approvers were needed.' },
      grant: { ...ref('ApprovalGrant'), description: 'via grant: the grant that covered the call; otherwise the grant this decision gave.' },
      judge: { ...ref('JudgeVerdict'), description: "via judge: the model judge's approval; otherwise its escalation, decided by people after." },
      ...delegated,
    },
    ['approvalId', 'toolName', 'decision', 'requestedInput', 'input', 'decidedAt', 'via'],
  ),
  ApprovalGrant: obj(
    {
      grantId: str,
      agentId: str,
      toolName: str,
      scope: { type: 'string', enum: ['thread', 'agent'] },
      threadId: str,
      match: jsonObject,
      grantedBy: str,
      grantedByRoles: { type: 'array', items: str },
      grantedAt: dateTime,
      expiresAt: dateTime,
      runId: str,
      approvalId: str,
      reason: str,
    },
    ['grantId', 'agentId', 'toolName', 'scope', 'grantedBy', 'grantedAt', 'runId', 'approvalId'],
  ),
  GrantList: obj({ grants: { type: 'array', items: ref('ApprovalGrant') } }, ['grants']),
  JudgeVerdict: {
    ...obj(
      {
        decision: { type: 'string', enum: ['approve', 'escalate'] },
        reason: str,
        model: str,
        fallback: { type: 'string', enum: ['reject_answer', 'invalid_answer', 'failed'] },
      },
      ['decision', 'reason', 'model'],
    ),
    description: 'What a tool\'s model judge made of a call: approve, or escalate to people (`fallback`: why an answer that was not approve/escalate, or a failure, escalated).',
  },
  ApprovalVote: obj(
    { approver: str, approverRoles: { type: 'array', items: str }, reason: str, at: dateTime, via: { type: 'string', enum: ['signal', 'update'] } },
    ['approver', 'at', 'via'],
  ),
  ApprovalQuorum: {
    ...obj(
      { rule: str, needed: int, approvers: { type: 'array', items: str }, votes: { type: 'array', items: ref('ApprovalVote') } },
      ['rule', 'needed', 'votes'],
    ),
    description: 'An approval rule asked for `needed` distinct approvers; it stays pending until that many approved (any rejection ends it).',
  },
  ApprovalProgress: {
    ...obj({ status: { type: 'string', enum: ['pending'] }, approvalId: str, toolName: str, quorum: ref('ApprovalQuorum') }, ['status', 'approvalId', 'toolName', 'quorum']),
    description: 'A partial approval: counted, the approval still waits for more approvers.',
  },
  RunStatus: obj(
    {
      runId: str,
      agentId: str,
      routing: obj(
        { requestedAgentId: str, selectedAgentId: str, via: { type: 'string', enum: ['explicit', 'rule', 'router', 'default'] }, reason: str },
        ['requestedAgentId', 'selectedAgentId', 'via', 'reason'],
      ),
      policy: obj({ allowed: { type: 'boolean' }, reasons: { type: 'array', items: str }, matchedPolicies: { type: 'array', items: str } }, [
        'allowed',
        'reasons',
        'matchedPolicies',
      ]),
      threadId: str,
      forkOf: {
        ...obj({ workflowId: str, runId: str, step: int }, ['workflowId', 'step']),
        description: 'Set on a fork: the run it was forked from (and its Temporal run id) and the step.',
      },
      state: ref('RunState'),
      step: { ...int, description: 'Model calls made so far.' },
      pendingApprovals: { type: 'array', items: ref('PendingApproval') },
      pendingQuestions: { type: 'array', items: ref('PendingQuestion'), description: 'Questions the agent asked a person (`ask_human`), unanswered.' },
      questions: { type: 'array', items: ref('QuestionRecord'), description: 'Answered `ask_human` questions.' },
      pendingToolCalls: { type: 'array', items: ref('PendingToolCall'), description: 'Client tool calls waiting for their results.' },
      toolResults: { type: 'array', items: jsonObject, description: 'Client tool results supplied so far.' },
      closedQuestions: {
        type: 'array',
        items: jsonObject,
        description: 'Questions the run closed unanswered when it ended (`closedAt`, `reason`, `timedOut`).',
      },
      closedToolCalls: { type: 'array', items: jsonObject, description: 'Client tool calls the run closed without a result when it ended.' },
      approvals: { type: 'array', items: ref('ApprovalRecord') },
      ignoredDecisions: {
        type: 'array',
        description: 'The latest refused decision signals (at most 20), each with a digest of its payload, never the payload.',
        items: obj(
          {
            receivedAt: dateTime,
            code: str,
            reason: str,
            payload: obj({ bytes: int, sha256: str, head: str, truncated: { type: 'boolean' } }, ['bytes', 'sha256', 'head', 'truncated']),
          },
          ['receivedAt', 'code', 'reason', 'payload'],
        ),
      },
      ignoredDecisionCount: { ...int, description: 'How many decision signals the run refused in all.' },
      usage: ref('TokenUsage'),
      agentState: jsonObject,
      output: str,
      error: str,
      parent: {
        ...obj({ workflowId: str, toolCallId: str, path: { type: 'array', items: str }, depth: int }, ['workflowId', 'toolCallId', 'path', 'depth']),
        description: 'Set on a sub-agent run: the run that called it.',
      },
      traceId: { ...str, description: "The run's OpenTelemetry trace id, when the worker traces (docs/observability.md)." },
    },
    ['runId', 'agentId', 'state', 'step', 'pendingApprovals', 'approvals', 'ignoredDecisions', 'ignoredDecisionCount', 'usage', 'agentState'],
  ),
  ContentRef: obj(
    {
      blobId: { ...str, description: 'Download with GET /runs/{id}/blobs/{blobId}.' },
      size: { ...int, description: 'Size of the full text in UTF-8 bytes.' },
      sha256: { ...str, description: 'SHA-256 (hex) of the full text.' },
      mediaType: str,
    },
    ['blobId', 'size', 'sha256', 'mediaType'],
  ),
  TranscriptMessage: {
    type: 'object',
    properties: { role: { type: 'string', enum: ['user', 'assistant', 'tool'] }, content: str, contentRef: ref('ContentRef') },
    required: ['role', 'content'],
    description:
      'assistant messages also have toolCalls [{id, name, args}]; tool messages toolCallId, toolName, isError. With contentRef, ' +
      'content is a preview and the full text is downloaded by reference.',
  },
  TranscriptPage: obj(
    {
      messages: { type: 'array', items: ref('TranscriptMessage') },
      offset: int,
      nextOffset: { ...int, description: 'Where the next page starts; absent on the last page.' },
      total: int,
    },
    ['messages', 'offset', 'total'],
  ),
  RunResult: obj(
    {
      runId: str,
      agentId: str,
      output: { ...str, description: 'A preview when the answer is kept by reference (outputRef).' },
      outputRef: ref('ContentRef'),
      messages: { type: 'array', items: ref('TranscriptMessage') },
      steps: int,
      approvals: { type: 'array', items: ref('ApprovalRecord') },
      usage: ref('TokenUsage'),
      agentState: jsonObject,
    },
    ['runId', 'agentId', 'output', 'messages', 'steps', 'approvals', 'usage', 'agentState'],
  ),
  RunPending: obj({ runId: str, state: ref('RunState') }, ['runId', 'state']),
  CancelRequested: obj({ runId: str, cancelRequested: { const: true } }, ['runId', 'cancelRequested']),
  HarnessEvent: {
    type: 'object',
    description:
      'One run event (the `data` of an SSE message). Besides the envelope, each type has its own fields, ' +
      'e.g. output.delta {step, attempt, messageId, text}, approval.requested {approval}, run.completed {output, usage}.',
    properties: { type: { type: 'string', enum: [...EVENT_TYPES] }, runId: str, agentId: str, at: dateTime },
    required: ['type', 'runId', 'agentId', 'at'],
    additionalProperties: true,
  },
  Health: obj({ status: { const: 'ok' }, namespace: str, taskQueue: str }, ['status', 'namespace', 'taskQueue']),
};
