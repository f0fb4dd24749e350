/**
 * What a tool returns when it wants to change the run's agent state as well as answer the model.
 * Import it in a tools module:
 * @example
 * return toolResult(`Added ${item} to the cart`, { state: { cart: [...cart, item] } });
 */
const MARK = 'temporal-harness/tool-result';

export interface HarnessToolResult {
  [MARK]: true;
  content: string;
  state?: Record<string, unknown>;
}

/** A tool answer plus keys to set in the run's agent state (shallow merge, applied in call order). */
export function toolResult(content: string, options: { state?: Record<string, unknown> } = {}): HarnessToolResult {
  return { [MARK]: true, content, ...(options.state && { state: options.state }) };
}

export function isHarnessToolResult(value: unknown): value is HarnessToolResult {
  return typeof value === 'object' && value !== null && (value as Record<string, unknown>)[MARK] === true;
}
