import { ScimError } from "../scim/errors";

/**
 * Deletes a resource, then sweeps its memberships; the sweep runs also when the resource is already
 * gone, so a DELETE that storage interrupted after the row went still removes them when retried.
 * Sweeping after the delete also catches a member add that raced it (an add needs the row).
 */
export async function deleteThenSweep(
  remove: () => Promise<void>,
  sweep: () => Promise<void>,
): Promise<void> {
  let missing: ScimError | undefined;
  try {
    await remove();
  } catch (error) {
    if (!(error instanceof ScimError && error.status === 404)) throw error;
    missing = error;
  }
  await sweep();
  if (missing) throw missing;
}
