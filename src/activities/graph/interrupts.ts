/**
 * Between LangGraph interrupts and harness approvals: each `interrupt()` becomes an approval, and a
 * `humanInTheLoopMiddleware` interrupt (one per model turn) becomes one approval per tool call it
 * asks about. The decisions come back as the value each interrupt resumes with.
 */
import type { Decision } from '../../workflows/run/contract.js';
import type { GraphApprovalRequest, GraphResume } from './types.js';

/** An interrupt as `getState()` lists it, with the node that raised it. */
export interface RaisedInterrupt {
  id: string;
  value: unknown;
  node: string;
}

interface HitlRequest {
  actionRequests: { name: string; args: Record<string, unknown>; description?: string }[];
  reviewConfigs?: { actionName: string; allowedDecisions?: string[]; argsSchema?: Record<string, unknown> }[];
}

const ALL_DECISIONS: Decision[] = ['approve', 'edit', 'reject'];

function isHitlRequest(value: unknown): value is HitlRequest {
  const v = value as HitlRequest | undefined;
  return (
    !!v &&
    Array.isArray(v.actionRequests) &&
    v.actionRequests.every((a) => a && typeof a.name === 'string' && typeof a.args === 'object')
  );
}

/** The approvals one interrupt asks for. */
export function approvalsFor(raised: RaisedInterrupt): GraphApprovalRequest[] {
  if (isHitlRequest(raised.value)) {
    const request: HitlRequest = raised.value;
    const actions = request.actionRequests;
    return actions.map((action, i) => {
      const review = request.reviewConfigs?.find((r) => r.actionName === action.name);
      const allowed = (review?.allowedDecisions ?? ALL_DECISIONS).filter((d): d is Decision => ALL_DECISIONS.includes(d as Decision));
      return {
        approvalId: actions.length === 1 ? raised.id : `${raised.id}.${i}`,
        interruptId: raised.id,
        kind: 'hitl',
        actionIndex: i,
        node: raised.node,
        toolName: action.name,
        input: action.args ?? {},
        ...(action.description !== undefined && { description: action.description }),
        ...(review?.argsSchema && { inputSchema: review.argsSchema }),
        allowedDecisions: allowed.length ? allowed : ALL_DECISIONS,
      };
    });
  }
  return [
    {
      approvalId: raised.id,
      interruptId: raised.id,
      kind: 'interrupt',
      node: raised.node,
      toolName: raised.node,
      // Always wrapped, so an edit is `{ value: <new value> }` whatever the interrupt's value is.
      input: { value: raised.value ?? null },
      ...(typeof (raised.value as { description?: unknown })?.description === 'string' && {
        description: (raised.value as { description: string }).description,
      }),
      inputSchema: { type: 'object', required: ['value'], properties: { value: {} } },
      allowedDecisions: ALL_DECISIONS,
    },
  ];
}

/**
 * The value a plain `interrupt()` returns once decided. Documented for graph authors:
 * `{ type: 'approve' | 'reject' | 'edit', value?, approver?, reason? }`.
 */
export interface InterruptAnswer {
  type: Decision;
  /** With `edit`: the value the person put in place of the interrupt's value. */
  value?: unknown;
  approver?: string;
  reason?: string;
}

/** The `Command({ resume })` map: interrupt id → the value its `interrupt()` call returns. */
export function resumeMap(resume: GraphResume[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const r of resume) {
    if (r.kind === 'hitl') {
      const ordered = [...r.decisions].sort((a, b) => (a.actionIndex ?? 0) - (b.actionIndex ?? 0));
      out[r.interruptId] = { decisions: ordered.map(hitlDecision) };
    } else {
      const d = r.decisions[0]!;
      const answer: InterruptAnswer = {
        type: d.decision,
        ...(d.decision === 'edit' && { value: d.input?.value }),
        ...(d.approver !== undefined && { approver: d.approver }),
        ...(d.reason !== undefined && { reason: d.reason }),
      };
      out[r.interruptId] = answer;
    }
  }
  return out;
}

function hitlDecision(d: GraphResume['decisions'][number]): unknown {
  if (d.decision === 'approve') return { type: 'approve' };
  if (d.decision === 'edit') return { type: 'edit', editedAction: { name: d.toolName, args: d.input ?? {} } };
  const who = d.approver ? ` by ${d.approver}` : '';
  const why = d.reason ? `: ${d.reason}` : '';
  // The middleware hands this to the model as the tool call's result.
  return { type: 'reject', message: `Tool call rejected${who}${why}. The tool did not run.` };
}
