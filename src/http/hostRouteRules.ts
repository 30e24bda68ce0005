/**
 * The checks the Azure Functions host applies to HTTP functions when it indexes them. A function that
 * fails one is skipped in Azure with only a log line ("The specified route conflicts with one or more
 * built in routes."), so the app deploys green and the endpoint answers 404. The local host and the
 * Functions registration run these checks on the route table, so such a route fails at once everywhere.
 *
 * The host's rules: a function name is a letter then up to 127 letters, digits, `_` or `-`, and not
 * `host`; names are unique; a route, trimmed of `/` and lower-cased, must not start with `admin` or
 * `runtime` (the host's own endpoints live there, and it is a prefix test: `administration/…` is refused
 * too); two functions may not share a route (compared trimmed and ignoring case) with a method in common.
 * The route template itself must parse: parameters are `{name}`, `{name?}` or `{*name}`, named once;
 * an optional or catch-all parameter only as the last segment.
 */

export interface HostRoute {
  readonly name: string;
  readonly route: string;
  readonly methods: readonly string[];
}

/** Route prefixes the Functions host keeps for its own endpoints (`/admin/host/status`, `/runtime/webhooks/…`). */
export const RESERVED_ROUTE_PREFIXES = ["admin", "runtime"] as const;

const FUNCTION_NAME = /^[a-z][a-z0-9_-]{0,127}$/i;
const PARAMETER = /^\{(\*?)([A-Za-z_]\w*)(\??)\}$/;

function templateProblems(route: string): string[] {
  const segments = route.replace(/^\/+|\/+$/g, "").split("/");
  const problems: string[] = [];
  const names = new Set<string>();
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    if (segment === "") problems.push("has an empty segment");
    if (!segment.includes("{") && !segment.includes("}")) return;
    const parameter = PARAMETER.exec(segment);
    if (!parameter) {
      problems.push(`segment '${segment}' is not one {parameter}`);
      return;
    }
    const [, catchAll, name = "", optional] = parameter;
    if (catchAll && optional) problems.push(`'${segment}' is both catch-all and optional`);
    if ((catchAll || optional) && !last) problems.push(`'${segment}' is optional or catch-all but not last`);
    if (names.has(name.toLowerCase())) problems.push(`parameter '${name}' appears twice`);
    names.add(name.toLowerCase());
  });
  return problems;
}

function sameRoute(a: HostRoute, b: HostRoute): boolean {
  const normal = (route: string) => route.replace(/^\/+|\/+$/g, "").toLowerCase();
  if (normal(a.route) !== normal(b.route)) return false;
  if (a.methods.length === 0 || b.methods.length === 0) return true;
  return a.methods.some((method) => b.methods.some((other) => other.toUpperCase() === method.toUpperCase()));
}

/** Why the Functions host would refuse each function of the table; empty when it takes them all. */
export function hostRouteProblems(table: readonly HostRoute[]): string[] {
  const problems: string[] = [];
  table.forEach((definition, index) => {
    const { name } = definition;
    // The host uses the function name when no route is given.
    const route = definition.route.trim() === "" ? name : definition.route;
    const say = (problem: string) => problems.push(`${name} (${route}): ${problem}`);
    if (!FUNCTION_NAME.test(name) || name.toLowerCase() === "host") say("is not a valid function name");
    const normalized = route.replace(/^\/+|\/+$/g, "").toLowerCase();
    const reserved = RESERVED_ROUTE_PREFIXES.find((prefix) => normalized.startsWith(prefix));
    if (reserved !== undefined) {
      say(`starts with '${reserved}', which the Functions host reserves for its own endpoints`);
    }
    for (const problem of templateProblems(route)) say(problem);
    for (const earlier of table.slice(0, index)) {
      if (earlier.name.toLowerCase() === name.toLowerCase())
        say(`repeats the function name '${earlier.name}'`);
      if (sameRoute(earlier, { ...definition, route })) say(`has the same route as '${earlier.name}'`);
    }
  });
  return problems;
}

/** Throws, naming every problem, when the Functions host would refuse part of the table. */
export function assertHostAcceptsRoutes(table: readonly HostRoute[]): void {
  const problems = hostRouteProblems(table);
  if (problems.length > 0) {
    throw new Error(`The Azure Functions host would refuse these routes:\n  ${problems.join("\n  ")}`);
  }
}
