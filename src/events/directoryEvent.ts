import type { AttributeChange } from "../scim/audit/diff";
import type { ResourceDoc } from "../scim/resource/types";
import type { EventType } from "./eventTypes";

/** A user or group as the application sees it: its id and the attributes Entra provisioned. */
export interface DirectoryObject {
  readonly id: string;
  readonly object: "user" | "group";
  /** The stored attributes (SCIM names, extension attributes under their URN); never a password. */
  readonly attributes: ResourceDoc;
}

/** One change of a tenant's directory, as the feed and the webhooks deliver it. */
export interface DirectoryEvent {
  /** Stable across every delivery, replay and feed read of this event: deduplicate on it. */
  readonly id: string;
  /** Position in the tenant's feed (commit order); strictly increasing, never reused. */
  readonly sequence: number;
  readonly tenantId: string;
  readonly type: EventType;
  /** When the change was made (ISO 8601). */
  readonly time: string;
  readonly resourceId: string;
  /**
   * The user or group right after the change (its last state for a delete); for member events the
   * group when the event was numbered (null if gone by then). Null when the resource was too large
   * to copy into the event (read it from the API).
   */
  readonly resource: DirectoryObject | null;
  /** The attributes the change touched, with their values before and after. */
  readonly changes: readonly AttributeChange[];
  /** Member events: the ids of the users or groups added to or removed from the group. */
  readonly members?: readonly string[];
}

export function objectKind(resourceType: string): "user" | "group" {
  return resourceType === "Group" ? "group" : "user";
}
