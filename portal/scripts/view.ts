import type { PortalApi, Session } from "./api";

/** What every view is given: the API client and the session it was opened with. */
export interface ViewContext {
  readonly api: PortalApi;
  readonly session: Session;
}
