/**
 * The replay as a library: what the connector's bench and tests use of it. Everything else in this
 * package is its own business; the command line is `cli.ts` (the package's bin).
 */
export { ScimClient } from "./client";
export { UsageError, runAsScript, runCli } from "./commandLine";
export { DIALECTS, patchBody } from "./dialect";
export { filterQuery } from "./encoding";
export { inParallel } from "./inParallel";
export { createGroupBody, createUserBody, generateGroup, generateUser } from "./population";
export { runReplay, type ReplayOptions } from "./replay";
export { Recorder, requestStats, type Report, type RequestStats } from "./report";
export { formatReport } from "./reportText";
export type { ReplayContext } from "./steps/context";
export { addMemberships, createGroups, createUsers, linkManagers } from "./steps/initialCycle";
export { ENTERPRISE_USER } from "./urns";
