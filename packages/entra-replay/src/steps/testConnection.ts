import { randomUUID } from "node:crypto";
import { expectMatch } from "../checks";
import { entraQuery, eqFilter, filterQuery } from "../encoding";
import type { ReplayContext } from "./context";

/**
 * Test Connection (docs/entra-behaviour.md#matching-queries-and-test-connection): a user that cannot exist, by the
 * matching attribute, then the group probe; both must answer 200 with an empty ListResponse.
 */
export async function testConnection(context: ReplayContext): Promise<void> {
  const step = context.recorder.step("Test Connection (user and group probes)");
  const users = await context.client.get(`/Users?${filterQuery("userName", randomUUID())}`, "probe");
  expectMatch(step, users, undefined, "probe userName");
  const query = entraQuery([
    ["excludedAttributes", "members"],
    ["filter", eqFilter("displayName", randomUUID())],
  ]);
  const groups = await context.client.get(`/Groups?${query}`, "probe");
  expectMatch(step, groups, undefined, "probe group displayName");
}
