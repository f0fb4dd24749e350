/**
 * Who a decision sent over HTTP is recorded as. With authentication the principal decides: its
 * name and roles replace the body's `approver` and `approverRoles`, so the workspace's `approvers`
 * rules are checked against who really called. A body naming someone else, or a role the principal
 * does not hold, is refused rather than silently rewritten: the caller meant to act as another
 * person (a proxy acting for its users, a copy-pasted payload), and recording the decision under
 * a name it did not ask for would hide that mistake.
 */
import type { Principal } from './auth.js';
import { HttpError } from './errors.js';
import type { DecisionBody } from './schemas.js';

/**
 * The decision to send: the body as is without a principal; otherwise the body with the
 * principal's name and roles.
 * @throws {HttpError} 403 `APPROVER_MISMATCH` when the body claims another approver or a role the principal lacks.
 */
export function decisionAs(principal: Principal | undefined, body: DecisionBody): DecisionBody {
  if (!principal) return body;
  if (body.approver !== undefined && body.approver !== principal.name) {
    throw new HttpError(
      403,
      'APPROVER_MISMATCH',
      `You are authenticated as "${principal.name}" and decide as yourself: leave approver out (it comes from your credentials) or set it to "${principal.name}".`,
    );
  }
  const foreign = (body.approverRoles ?? []).filter((role) => !principal.roles.includes(role));
  if (foreign.length > 0) {
    throw new HttpError(
      403,
      'APPROVER_MISMATCH',
      `You are authenticated as "${principal.name}", who does not hold role ${foreign.map((r) => `"${r}"`).join(', ')}; ` +
        `leave approverRoles out (your roles come from your credentials: ${principal.roles.join(', ') || 'none'}).`,
    );
  }
  const { approverRoles: _claimed, ...rest } = body;
  return { ...rest, approver: principal.name, ...(principal.roles.length > 0 && { approverRoles: [...principal.roles] }) };
}

/**
 * Who an answer sent over HTTP is recorded as: the principal with authentication, else the body's `answeredBy`.
 * @throws {HttpError} 403 `APPROVER_MISMATCH` when the body names someone other than the principal.
 */
export function answererOf(principal: Principal | undefined, claimed: string | undefined): string | undefined {
  if (!principal) return claimed;
  if (claimed !== undefined && claimed !== principal.name) {
    throw new HttpError(403, 'APPROVER_MISMATCH', `You are authenticated as "${principal.name}" and answer as yourself: leave answeredBy out (it comes from your credentials).`);
  }
  return principal.name;
}
