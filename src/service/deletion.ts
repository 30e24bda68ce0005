import { ScimError } from "../scim/errors";
import { UnknownMemberError, type MembershipRepository } from "./membershipRepository";

/**
 * Deletes a resource, then sweeps its memberships unless `remove` knows it never had any. The sweep
 * runs also when the resource is already gone, so a DELETE that storage interrupted after the row went still removes them when retried, but
 * only when the id names nothing else: DELETE /Groups/{a user's id} must not strip that user's
 * memberships. Sweeping after the delete also catches a member add that raced it (an add needs the row).
 */
export async function deleteThenSweep(
  remove: () => Promise<boolean>,
  sweep: () => Promise<void>,
  namesNothing: () => Promise<boolean>,
): Promise<void> {
  let mayHaveMemberships: boolean;
  try {
    mayHaveMemberships = await remove();
  } catch (error) {
    if (!(error instanceof ScimError && error.status === 404)) throw error;
    if (await namesNothing()) await sweep();
    throw error;
  }
  if (mayHaveMemberships) await sweep();
}

/** Whether `id` is neither a user nor a group of the tenant. */
export async function namesNothing(
  memberships: MembershipRepository,
  tenantId: string,
  id: string,
): Promise<boolean> {
  try {
    await memberships.verifyMembers(tenantId, [id]);
    return false;
  } catch (error) {
    if (error instanceof UnknownMemberError) return true;
    throw error;
  }
}
