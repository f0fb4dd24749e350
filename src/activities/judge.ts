/**
 * The `judgeToolCall` activity: a tool's model judge looks at one call before a person is asked.
 * The model is the workspace's own (through its provider client, like an agent's); its answer is
 * read here (`judge-answer.ts`) and comes back bounded as `{decision, reason}`. Model errors are
 * classified like an agent's, so Temporal retries what is worth retrying; the workflow escalates
 * whatever is left.
 */
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { chatModelCache } from '../models/create-chat-model.js';
import { classifyModelError } from '../models/model-errors.js';
import { credentialEnvVars } from '../models/providers/credentials.js';
import type { JudgeAnswer, JudgeCallInput } from '../workflows/run/judge-verdict.js';
import type { Workspace } from '../workspace/load.js';
import { judgeSystemPrompt, judgeUserPrompt, parseJudgeAnswer } from './judge-answer.js';
import { throwIfCancelled } from './current-run.js';

export function createJudgeActivities(workspace: Workspace) {
  const modelFor = chatModelCache(workspace.config.models);

  return {
    async judgeToolCall(input: JudgeCallInput): Promise<JudgeAnswer> {
      const rule = workspace.agents.get(input.agentId)?.requireApproval.find((r) => r.tool === input.toolName);
      const judge = rule && 'judge' in rule ? rule.judge : undefined;
      if (!judge || judge.model !== input.model) {
        // A worker on another workspace file than the run's: say so instead of judging with other instructions.
        throw ApplicationFailure.create({
          type: 'JUDGE_NOT_CONFIGURED',
          nonRetryable: true,
          message: `This worker's workspace (${workspace.file}) has no judge with model "${input.model}" for tool "${input.toolName}" of agent "${input.agentId}".`,
        });
      }
      try {
        const model = await modelFor(judge.model);
        const answer = await model.invoke([new SystemMessage(judgeSystemPrompt(judge.instructions)), new HumanMessage(judgeUserPrompt(input))], {
          signal: Context.current().cancellationSignal,
        });
        const usage = answer.usage_metadata;
        return {
          ...parseJudgeAnswer(typeof answer.content === 'string' ? answer.content : answer.text),
          ...(usage && { usage: { inputTokens: usage.input_tokens, outputTokens: usage.output_tokens, totalTokens: usage.total_tokens } }),
        };
      } catch (err) {
        throwIfCancelled();
        const c = classifyModelError(judge.model, err, credentialEnvVars(workspace.config.models[judge.model]));
        throw ApplicationFailure.create({ type: c.type, message: `Judge: ${c.message}`, nonRetryable: !c.retryable, cause: err as Error });
      }
    },
  };
}
