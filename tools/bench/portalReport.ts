import { PORTAL_VIEW_TARGET_MS, type PortalBenchResult } from "./portal";
import type { TargetCheck } from "./report";

type Table = (
  header: readonly string[],
  rows: readonly (readonly string[])[],
  right: readonly boolean[],
) => string;

/** Each view within its time target on the large tenant, and none failing. */
export function portalChecks(portal: PortalBenchResult | undefined): TargetCheck[] {
  if (portal === undefined) return [];
  const slowest = portal.views.reduce((worst, view) => (view.p50Ms > worst.p50Ms ? view : worst));
  const errors = portal.views.reduce((sum, view) => sum + view.errors, 0);
  return [
    {
      name: `portal: slowest view p50 on ${portal.users} users`,
      target: `< ${PORTAL_VIEW_TARGET_MS} ms`,
      actual: `${slowest.view} ${slowest.p50Ms.toFixed(1)} ms`,
      met: slowest.p50Ms < PORTAL_VIEW_TARGET_MS,
      kind: "time",
    },
    {
      name: "portal: failed view requests",
      target: "0",
      actual: String(errors),
      met: errors === 0,
      kind: "errors",
    },
  ];
}

export function formatPortal(portal: PortalBenchResult, table: Table): string[] {
  return [
    "",
    `Portal: each view's API request on a tenant of ${portal.users} users (seeded in ${portal.seedSeconds} s) ` +
      `and on an empty one, ${portal.requests} each, alternating`,
    "",
    table(
      ["view", "p50 ms", "p95 ms", "empty p50 ms", "large/empty", "errors"],
      portal.views.map((view) => [
        view.view,
        view.p50Ms.toFixed(1),
        view.p95Ms.toFixed(1),
        view.emptyP50Ms.toFixed(1),
        view.ratio.toFixed(2),
        String(view.errors),
      ]),
      [false, true, true, true, true, true],
    ),
  ];
}
