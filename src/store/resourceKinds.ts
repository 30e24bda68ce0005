import { ENTERPRISE_USER_SCHEMA } from "../scim/schema/urns";
import { isPlainObject, type ResourceDoc } from "../scim/resource/types";

/** A secondary index kept as rows in the tenant's partition, written in the same transaction. */
export interface IndexDefinition {
  readonly name: string;
  /** Unique indexes hold one row per value and turn a duplicate create into 409 uniqueness. */
  readonly unique: boolean;
  /** The values to index, already normalised (lower-cased where the attribute is caseExact false). */
  values(doc: ResourceDoc): string[];
}

export interface ResourceKind {
  readonly name: "User" | "Group";
  readonly rowPrefix: string;
  readonly indexes: readonly IndexDefinition[];
}

function stringValue(value: unknown): string[] {
  return typeof value === "string" && value !== "" ? [value] : [];
}

export const userNameIndex: IndexDefinition = {
  name: "userName",
  unique: true,
  values: (doc) => stringValue(doc.userName).map((value) => value.toLowerCase()),
};

const userExternalIdIndex: IndexDefinition = {
  name: "externalId",
  unique: false,
  values: (doc) => stringValue(doc.externalId),
};

const emailIndex: IndexDefinition = {
  name: "email",
  unique: false,
  values: (doc) => {
    const emails = Array.isArray(doc.emails) ? doc.emails : [];
    const values = emails.flatMap((email) => (isPlainObject(email) ? stringValue(email.value) : []));
    return [...new Set(values.map((value) => value.toLowerCase()))];
  },
};

/** Manager ids, so a manager's deletion or the legacy `manager eq` check need no scan. */
const managerIndex: IndexDefinition = {
  name: "manager",
  unique: false,
  values: (doc) => {
    const extension = doc[ENTERPRISE_USER_SCHEMA];
    const manager = isPlainObject(extension) ? extension.manager : undefined;
    return isPlainObject(manager) ? stringValue(manager.value) : [];
  },
};

export const userKind: ResourceKind = {
  name: "User",
  rowPrefix: "u",
  indexes: [userNameIndex, userExternalIdIndex, emailIndex, managerIndex],
};

const groupDisplayNameIndex: IndexDefinition = {
  name: "displayName",
  unique: true,
  values: (doc) => stringValue(doc.displayName).map((value) => value.toLowerCase()),
};

const groupExternalIdIndex: IndexDefinition = {
  name: "externalId",
  unique: false,
  values: (doc) => stringValue(doc.externalId),
};

export const groupKind: ResourceKind = {
  name: "Group",
  rowPrefix: "g",
  indexes: [groupDisplayNameIndex, groupExternalIdIndex],
};
