/** Value schemas shared by every section of the workspace file. */
import { z } from 'zod';
import { parseDuration } from '../common/durations.js';
import { InvalidDurationError } from '../common/errors.js';

/** "30s", "2m", "1h", "7d" or a number of milliseconds → milliseconds (at least 1 ms), read by the one duration parser. */
export const duration = z.union([z.number(), z.string()]).transform((value, ctx) => {
  try {
    return parseDuration(value, { min: 1 });
  } catch (e) {
    if (!(e instanceof InvalidDurationError)) throw e;
    ctx.addIssue({ code: 'custom', message: e.message });
    return z.NEVER;
  }
});

/** Ids of agents, models and policies. */
export const id = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'expected an id of letters, digits, "_", "-" or "." (e.g. "support-agent")');
