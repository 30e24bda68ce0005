import type { DirectoryObject } from "../events/directoryEvent";
import type { StoredResource } from "../service/repository";

/** A user or group as the read API returns it: the event's shape plus when it was created and changed. */
export interface DirectoryRecord extends DirectoryObject {
  readonly createdAt: string;
  readonly updatedAt: string;
}

export function directoryRecord(object: "user" | "group", stored: StoredResource): DirectoryRecord {
  return {
    id: stored.id,
    object,
    attributes: stored.doc,
    createdAt: stored.created,
    updatedAt: stored.lastModified,
  };
}
