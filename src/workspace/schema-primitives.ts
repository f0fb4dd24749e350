/** Value schemas shared by every section of the workspace file. */
import { msToNumber } from '@temporalio/common';
import { z } from 'zod';

/** "30s", "2m", "1h" or a number of milliseconds → milliseconds. */
export const duration = z
  .union([z.number().int().positive(), z.string()])
  .transform((value, ctx) => {
    try {
      const ms = msToNumber(value as never);
      if (!(ms > 0)) throw new Error('not positive');
      return ms;
    } catch {
      ctx.addIssue({
        code: 'custom',
        message: `expected a duration such as "30s", "2m", "1h" or a number of milliseconds, got ${JSON.stringify(value)}`,
      });
      return z.NEVER;
    }
  });

/** Ids of agents, models and policies. */
export const id = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'expected an id of letters, digits, "_", "-" or "." (e.g. "support-agent")');
