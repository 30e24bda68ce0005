import { AsyncLocalStorage } from "node:async_hooks";

/** Who and which request a change comes from, for the audit trail. */
export interface RequestContext {
  readonly correlationId: string;
  /** `token:<id>` or `client:<id>`: the credential's id, never its value. */
  readonly credentialId?: string;
}

const current = new AsyncLocalStorage<RequestContext>();

export function withRequestContext<T>(context: RequestContext, work: () => Promise<T>): Promise<T> {
  return current.run(context, work);
}

export function requestContext(): RequestContext | undefined {
  return current.getStore();
}
