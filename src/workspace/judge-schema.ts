/**
 * A tool's model judge in the workspace file (`requireApproval[].judge`): a model that looks at a
 * call no approval rule decided and no grant covers, before a person is asked, and may approve it
 * or escalate it to the people, never reject it. Its model is one of the workspace's `models`
 * (checked in `load.ts`).
 */
import { z } from 'zod';
import { duration, id } from './schema-primitives.js';

/** Longest judge instructions, in characters (they go to the model with every judged call). */
export const JUDGE_INSTRUCTIONS_CHARS = 8000;

const SAY_WHAT = 'give `instructions`: what the judge may approve and what it must leave to a person, e.g. "Approve refunds for late deliveries; escalate anything else."';

export const judgeSchema = z.strictObject(
  {
    /** The workspace model that judges (a name under `models`). */
    model: id,
    /** What the judge approves and what it leaves to people, in words. */
    instructions: z
      .string({ error: SAY_WHAT })
      .trim()
      .min(1, SAY_WHAT)
      .max(JUDGE_INSTRUCTIONS_CHARS),
    /** The whole judging, all attempts included; past it a person is asked. @default 30s */
    timeout: duration.default(30_000),
    /** Attempts at a judge call that fails (model error, timeout) before a person is asked. @default 3 */
    maxAttempts: z.number().int().min(1).max(10).default(3),
    /** Show the judge the run's latest user message (cut to 2,000 characters) besides the call. @default true */
    includeUserMessage: z.boolean().default(true),
  },
  {
    error: (issue) =>
      issue.code === 'invalid_type'
        ? 'expected { model: <a model under `models`>, instructions: "…", timeout?, maxAttempts?, includeUserMessage? }'
        : undefined,
  },
);

export type JudgeConfig = z.output<typeof judgeSchema>;
