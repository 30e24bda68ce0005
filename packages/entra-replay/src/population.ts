import { randomUUID } from "node:crypto";
import { prop, typed } from "./json";
import { AD_SCIM_GROUP, CORE_GROUP, CORE_USER, ENTERPRISE_USER } from "./urns";

/** What Entra believes a user looks like in the target, per the Teamgo attribute mapping. */
export interface UserState {
  userName: string;
  active: boolean;
  displayName: string;
  title: string;
  workEmail: string;
  givenName: string;
  familyName: string;
  streetAddress: string;
  locality: string;
  region: string;
  mobile: string;
  externalId: string;
  department: string;
  employeeNumber: string;
  /** Not in the Teamgo table; an incremental update adds it to a user that had none. */
  nickName?: string;
  /** Filled later, so the element `phoneNumbers[type eq "work"]` does not exist when it is added. */
  workPhone?: string;
  /**
   * Attributes last written by a path-less replace (aadOptscim062020): a value that does not come
   * back shows that problem rather than a storage fault.
   */
  writtenPathless?: readonly (keyof UserState)[];
}

export interface MappedAttribute {
  /** The target attribute as Entra's mapping names it, and as the default dialect's PATCH path. */
  readonly target: string;
  readonly key: keyof UserState;
  /** How to find the value in a returned resource. */
  read(resource: unknown): unknown;
}

const workAddress = (resource: unknown) => typed(prop(resource, "addresses"), "work");
const enterprise = (resource: unknown) => prop(resource, ENTERPRISE_USER);

/** The Teamgo tutorial's Step 5 mapping (seed), plus employeeNumber and nickName. */
export const USER_MAPPING: readonly MappedAttribute[] = [
  { target: "userName", key: "userName", read: (r) => prop(r, "userName") },
  { target: "active", key: "active", read: (r) => prop(r, "active") },
  { target: "displayName", key: "displayName", read: (r) => prop(r, "displayName") },
  { target: "title", key: "title", read: (r) => prop(r, "title") },
  {
    target: 'emails[type eq "work"].value',
    key: "workEmail",
    read: (r) => prop(typed(prop(r, "emails"), "work"), "value"),
  },
  { target: "name.givenName", key: "givenName", read: (r) => prop(prop(r, "name"), "givenName") },
  { target: "name.familyName", key: "familyName", read: (r) => prop(prop(r, "name"), "familyName") },
  {
    target: 'addresses[type eq "work"].streetAddress',
    key: "streetAddress",
    read: (r) => prop(workAddress(r), "streetAddress"),
  },
  {
    target: 'addresses[type eq "work"].locality',
    key: "locality",
    read: (r) => prop(workAddress(r), "locality"),
  },
  { target: 'addresses[type eq "work"].region', key: "region", read: (r) => prop(workAddress(r), "region") },
  {
    target: 'phoneNumbers[type eq "mobile"].value',
    key: "mobile",
    read: (r) => prop(typed(prop(r, "phoneNumbers"), "mobile"), "value"),
  },
  { target: "externalId", key: "externalId", read: (r) => prop(r, "externalId") },
  {
    target: `${ENTERPRISE_USER}:department`,
    key: "department",
    read: (r) => prop(enterprise(r), "department"),
  },
  {
    target: `${ENTERPRISE_USER}:employeeNumber`,
    key: "employeeNumber",
    read: (r) => prop(enterprise(r), "employeeNumber"),
  },
  { target: "nickName", key: "nickName", read: (r) => prop(r, "nickName") },
  {
    target: 'phoneNumbers[type eq "work"].value',
    key: "workPhone",
    read: (r) => prop(typed(prop(r, "phoneNumbers"), "work"), "value"),
  },
];

const GIVEN = ["Zoë", "Adele", "Björn", "Chidi", "Mei", "Ōta", "Renée", "Søren", "Ana María", "Kwame"];
const FAMILY = [
  "Vance",
  "O'Neil",
  "Núñez",
  "Müller",
  "Nakamura",
  "Dąbrowski",
  "Okafor",
  "Ström",
  "Li",
  "Haddad",
];
const CITIES: readonly (readonly [string, string])[] = [
  ["Redmond", "WA"],
  ["Zürich", "ZH"],
  ["São Paulo", "SP"],
  ["Kraków", "Małopolskie"],
];

function pick<T>(items: readonly T[], index: number): T {
  const item = items[index % items.length];
  if (item === undefined) throw new Error("empty list");
  return item;
}

/**
 * A user as Entra would hold it. Values keep their odd formatting on purpose (a phone number with
 * spaces and brackets, accents, an apostrophe): the target must return them byte for byte.
 */
export function generateUser(run: string, index: number): UserState {
  const given = pick(GIVEN, index);
  const family = pick(FAMILY, index + 3);
  const [locality, region] = pick(CITIES, index);
  const userName = `replay.${run}.${index}@contoso.example`;
  return {
    userName,
    active: true,
    displayName: `${given} ${family}`,
    title: index % 2 === 0 ? "Senior Engineer" : "Product Manager II",
    workEmail: `${given.toLowerCase().replace(/[^a-z]/g, "")}.${index}.${run}@Contoso.example`,
    givenName: given,
    familyName: family,
    streetAddress: `${100 + index} Main St., Suite ${index}`,
    locality,
    region,
    mobile: `+1 (425) 555-${String(1000 + index).padStart(4, "0")}`,
    externalId: `${run}-${index}-${randomUUID().slice(0, 8)}`,
    department: pick(["Research & Development", "Sales", "Finance"], index),
    employeeNumber: String(700000 + index),
  };
}

/** `POST /Users` exactly as Entra sends it (docs/entra-behaviour.md#one-provisioning-cycle). */
export function createUserBody(user: UserState): Record<string, unknown> {
  return {
    schemas: [CORE_USER, ENTERPRISE_USER],
    externalId: user.externalId,
    userName: user.userName,
    active: user.active,
    displayName: user.displayName,
    title: user.title,
    emails: [{ primary: true, type: "work", value: user.workEmail }],
    meta: { resourceType: "User" },
    name: { familyName: user.familyName, givenName: user.givenName },
    addresses: [
      { type: "work", streetAddress: user.streetAddress, locality: user.locality, region: user.region },
    ],
    phoneNumbers: [
      { type: "mobile", value: user.mobile },
      ...(user.workPhone === undefined ? [] : [{ type: "work", value: user.workPhone }]),
    ],
    roles: [],
    [ENTERPRISE_USER]: { department: user.department, employeeNumber: user.employeeNumber },
    ...(user.nickName === undefined ? {} : { nickName: user.nickName }),
  };
}

export interface GroupState {
  displayName: string;
  externalId: string;
  /** SCIM ids of the members Entra has added. */
  members: Set<string>;
}

export function generateGroup(run: string, index: number): GroupState {
  return {
    displayName: `Replay ${run} Team ${index}`,
    externalId: randomUUID(),
    members: new Set(),
  };
}

/** `POST /Groups` with the Microsoft ADSCIM URN (docs/entra-behaviour.md#groups-created-with-microsofts-schema-urn). */
export function createGroupBody(group: GroupState): Record<string, unknown> {
  return {
    schemas: [CORE_GROUP, AD_SCIM_GROUP],
    externalId: group.externalId,
    displayName: group.displayName,
    meta: { resourceType: "Group" },
  };
}
