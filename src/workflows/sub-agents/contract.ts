/**
 * The contract between a run and the sub-agent runs it started. A workflow can signal another
 * workflow but cannot send it an update or a query, so both directions are signals:
 *
 * - up (`subAgentReport`): the child tells its parent about each approval or `ask_human` question
 *   that became pending in it (its own, or one its own sub-agents reported), each one resolved or
 *   answered, and each forwarded decision or answer it refused. The parent shows them as its own
 *   pending approvals and questions and relays them up.
 * - down (`delegatedDecision`, `delegatedAnswer`): a decision or answer a person sent to the
 *   parent, forwarded to the child that holds the approval or question. The child validates it
 *   again (it is the authority) and answers with a `resolved` / `question.answered` or `refused`
 *   report carrying the same `requestId`, so an update on the parent can return the record the
 *   child really applied.
 */
import { defineSignal } from '@temporalio/workflow';
import type { AnswerQuestionInput, ApprovalDecisionInput, ApprovalRecord, PendingApproval, PendingQuestion, QuestionRecord } from '../run/contract.js';
import type { DecisionErrorCode } from '../run/decision-rules.js';
import type { AnswerProblem } from '../run/questions.js';

/** What a parent needs to validate decisions on a sub-agent's approval like its own. */
export interface DelegatedToolInfo {
  inputSchema: Record<string, unknown>;
  approvers?: string[];
}

/** Why a forwarded decision or answer was refused: its problem, or the run that held it has ended. */
export interface DelegatedProblem {
  code: DecisionErrorCode | AnswerProblem['code'] | 'RUN_NOT_ACTIVE';
  message: string;
}

export type SubAgentReport =
  | {
      kind: 'requested';
      /** The parent's tool call that started the reporting child. */
      toolCallId: string;
      /** In the child's id space, with `path` and `origin` set. */
      approval: PendingApproval;
      tool: DelegatedToolInfo;
    }
  | {
      kind: 'resolved';
      toolCallId: string;
      /** In the child's id space. */
      record: ApprovalRecord;
      /** Set when the decision was one the parent forwarded: it answers that request. */
      requestId?: string;
    }
  | { kind: 'refused'; toolCallId: string; requestId: string; problem: DelegatedProblem }
  | {
      kind: 'question.asked';
      toolCallId: string;
      /** In the child's id space, with `path` and `origin` set. */
      question: PendingQuestion;
    }
  | {
      kind: 'question.answered';
      toolCallId: string;
      /** In the child's id space. */
      record: QuestionRecord;
      /** Set when the answer was one the parent forwarded: it answers that request. */
      requestId?: string;
    };

export interface DelegatedDecisionInput {
  /** Echoed in the child's answer. */
  requestId: string;
  /** In the child's id space. */
  decision: ApprovalDecisionInput;
  /** How the decision reached the top: the child records it so. */
  via: 'signal' | 'update';
}

export interface DelegatedAnswerInput {
  /** Echoed in the child's answer (`question.answered` or `refused`). */
  requestId: string;
  /** In the child's id space. */
  answer: AnswerQuestionInput;
}

export const subAgentReportSignal = defineSignal<[SubAgentReport]>('subAgentReport');
export const delegatedDecisionSignal = defineSignal<[DelegatedDecisionInput]>('delegatedDecision');
export const delegatedAnswerSignal = defineSignal<[DelegatedAnswerInput]>('delegatedAnswer');

/** What the sub-agent protocol's signals carry, shown by the Web UI's "Send a Signal" dialog. */
export const SUB_AGENT_HANDLER_DESCRIPTIONS = {
  subAgentReport:
    'Internal (sent by a sub-agent run to its caller): an approval of the sub-agent requested, resolved or a forwarded decision refused. ' +
    'People decide sub-agent approvals with approvalDecision / decideApproval on the top-level run instead.',
  delegatedDecision:
    'Internal (sent by the calling run to a sub-agent run): a decision forwarded down the chain, {"requestId", "decision", "via"}. ' +
    'People use approvalDecision / decideApproval instead.',
  delegatedAnswer:
    'Internal (sent by the calling run to a sub-agent run): an answer to an ask_human question forwarded down the chain, {"requestId", "answer"}. ' +
    'People use answerQuestion on the top-level run instead.',
} as const;

/** A sub-agent run's id: derived from its parent's and the tool call's, so a replay or retry never starts a second one. */
export function subAgentRunId(parentRunId: string, toolCallId: string): string {
  return `${parentRunId}.${toolCallId}`;
}
