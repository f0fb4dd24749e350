/** The Slack message text of a question or client tool call notice (see `wait-notices.ts`). */
import type { QuestionNotice, ToolCallNotice } from '../workflows/run/notifications.js';

/** The headline and the detail lines of the Slack message for `notice`. */
export function waitSlackText(notice: QuestionNotice | ToolCallNotice): { text: string; fields: string[] } {
  const where = `in run \`${notice.runId}\` (agent ${notice.agentId})`;
  if ('questionId' in notice) {
    const text =
      notice.event === 'question.asked'
        ? `Question for you ${where}`
        : notice.event === 'question.answered'
          ? `Question answered${notice.answeredBy ? ` by ${notice.answeredBy}` : ''} ${where}`
          : `Question timed out unanswered ${where}`;
    return {
      text,
      fields: [`*Question id:* \`${notice.questionId}\``, `*Question:* ${notice.question}`, ...(notice.answer !== undefined ? [`*Answer:* ${notice.answer}`] : [])],
    };
  }
  const what = `\`${notice.toolName}\` ${where}`;
  const text =
    notice.event === 'client_tool.requested'
      ? `Client tool result needed: ${what}`
      : notice.event === 'client_tool.supplied'
        ? `Client tool result supplied${notice.suppliedBy ? ` by ${notice.suppliedBy}` : ''}${notice.isError ? ' (as an error)' : ''}: ${what}`
        : `Client tool call timed out without a result: ${what}`;
  return {
    text,
    fields: [`*Tool call id:* \`${notice.toolCallId}\``, `*Input:* \`${notice.input}\``, ...(notice.result !== undefined ? [`*Result:* \`${notice.result}\``] : [])],
  };
}
