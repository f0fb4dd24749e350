/** Token and cost accounting, shared by runs (per step, per run) and threads (per thread). */

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  /** In US dollars, when the model's `pricing` is set in the workspace. */
  costUsd?: number;
}

/** A model's prices, from the workspace, for cost accounting. */
export interface ModelPricing {
  inputPerMillionTokens: number;
  outputPerMillionTokens: number;
}

/** No tokens yet. */
export function zeroUsage(): TokenUsage {
  return { inputTokens: 0, outputTokens: 0, totalTokens: 0 };
}

/** What `usage` cost at `pricing`, in US dollars. */
export function costOf(usage: TokenUsage, pricing: ModelPricing): number {
  return (usage.inputTokens * pricing.inputPerMillionTokens + usage.outputTokens * pricing.outputPerMillionTokens) / 1_000_000;
}

/** Adds `usage` into `total` in place (cost only when either side has one). */
export function addInto(total: TokenUsage, usage: TokenUsage): void {
  total.inputTokens += usage.inputTokens;
  total.outputTokens += usage.outputTokens;
  total.totalTokens += usage.totalTokens;
  if (usage.costUsd !== undefined) total.costUsd = (total.costUsd ?? 0) + usage.costUsd;
}
