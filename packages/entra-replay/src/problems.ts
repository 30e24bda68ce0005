/**
 * What a failed check means for a customer's admin: the distinct problem behind it, what a real
 * Entra provisioning job would do because of it, and how to fix it (server side or in Entra).
 */

export interface ProblemDefinition {
  readonly title: string;
  /** What a real Entra job does because of it. */
  readonly consequence: string;
  /** Server change, or an Entra-side setting (the dialect flag, a mapping change). */
  readonly fix: string;
}

export const PROBLEMS = {
  stringBoolean: {
    title: 'A boolean sent as the string "True"/"False" (the default dialect\'s active) is refused',
    consequence:
      "Users who are unassigned, disabled or deleted in Entra stay active in the app, and re-enabled users stay disabled: every such update fails in the provisioning log.",
    fix: 'Accept "True"/"False" (any case) for boolean attributes. Entra side: add ?aadOptscim062020 to the Tenant URL, which makes Entra send JSON booleans.',
  },
  pathlessDottedKeys: {
    title:
      "A path-less replace with dotted keys (name.givenName, urn:…:User:department) is refused, or stored under the literal key",
    consequence:
      "With ?aadOptscim062020 in the Tenant URL, Entra combines attribute changes into one such replace: the changes fail, or land under a literal key and never show up.",
    fix: "Treat each key of a path-less replace as an attribute path: expand `name.givenName` into name.givenName and `urn:…:User:department` into the extension object.",
  },
  addMissingElement: {
    title:
      'An Add on a filtered path whose element does not exist yet (phoneNumbers[type eq "work"].value) is refused',
    consequence:
      "The first time an attribute such as a work phone is filled in Entra, the update fails, and fails again every cycle: the value never arrives.",
    fix: 'Let add (and replace) on attr[type eq "x"].sub create the element {"type":"x","sub":value} when none matches, instead of answering noTarget.',
  },
  userNameCaseUniqueness: {
    title:
      "userName uniqueness is case-sensitive: a userName differing only in case creates a second account",
    consequence:
      "Two accounts can hold the same userName in different case; Entra's match (case-insensitive) then finds both and fails that user with DuplicateTargetEntries every cycle.",
    fix: "Enforce userName uniqueness case-insensitively (userName is caseExact false in RFC 7643) and answer 409 uniqueness.",
  },
  legacyManagerCheck: {
    title: 'The reference check `id eq "X" and manager eq "Y"` finds nothing although the manager is set',
    consequence:
      "Entra's manager check believes the link is missing and sends the manager update again on every cycle.",
    fix: 'Support `manager eq "<id>"` in filters (the enterprise extension\'s manager value), also inside `and`.',
  },
  memberDuplicated: {
    title: "Adding a member who is already in the group lists that member twice",
    consequence:
      "Entra re-sends memberships (retries, restarts, re-assignment): the member is listed twice, and a later removal can leave one copy, so the user keeps the group's access.",
    fix: "Adding a value that is already present must change nothing (RFC 7644 §3.5.2.1).",
  },
  deletedMemberLeft: {
    title: "A deleted user is still listed in a group's members",
    consequence:
      "After Entra deletes a user, the group still names it: access granted through the group may survive, and group reads return members that no longer exist.",
    fix: "Remove a user's memberships when the user is deleted.",
  },
  managerForm: {
    title:
      "A manager sent in one of Entra's forms (bare id, [{value,$ref}], {value}) is refused or returned in another shape",
    consequence:
      "Managers never link, or Entra cannot read them back: each attempt is a failed reference update, repeated every cycle.",
    fix: 'Accept the manager as a bare id, as {"value":…} and as [{"value":…,"$ref":…}]; always return {"value":"<id>"}.',
  },
  memberRemoval: {
    title: "Removing one group member does not remove exactly that member",
    consequence:
      'A user removed from a group in Entra keeps the access, or every other member loses it (a Remove of "members" with a value list emptying the group).',
    fix: 'Remove only the listed members for {"op":"Remove","path":"members","value":[…]} and for members[value eq "…"].',
  },
  groupNameUniqueness: {
    title: "A second group with the same displayName is created instead of answering 409",
    consequence:
      "A retried or repeated group create leaves two groups with one name; Entra's match by displayName then finds both and fails the group with DuplicateTargetEntries.",
    fix: "Keep group displayNames unique (Entra requires it, the RFC does not) and answer 409 uniqueness.",
  },
  matchMissing: {
    title: "The matching query does not find an account Entra created",
    consequence:
      "Entra believes the account does not exist and creates it again: a 409 every cycle, or a duplicate account.",
    fix: 'Answer GET /Users?filter=userName eq "…" (and externalId, case-insensitively for userName) with the account, active or not.',
  },
  matchDuplicates: {
    title: "The matching query returns more than one resource",
    consequence: "Entra fails the user with DuplicateTargetEntries on every cycle.",
    fix: "A match on userName, externalId or a group's displayName must return at most one resource.",
  },
  roundTrip: {
    title: "A value comes back different from what Entra sent",
    consequence:
      "Entra sees a difference on every cycle and sends the same update again; what the app shows differs from Entra.",
    fix: "Store and return mapped values exactly as sent (case, spaces, accents).",
  },
  excludedMembers: {
    title: "excludedAttributes=members is not honoured on group reads",
    consequence:
      "Large groups are sent in full on every match; Entra can log MultipleEntriesInResponse and time out on big groups.",
    fix: "Leave members out of group responses when excludedAttributes=members is asked for.",
  },
} as const satisfies Record<string, ProblemDefinition>;

export type ProblemId = keyof typeof PROBLEMS;

/** A problem for a failed check with no entry in the catalogue: worded from the check itself. */
export function genericProblem(checkName: string, loud: boolean): ProblemDefinition {
  return {
    title: checkName,
    consequence: loud
      ? "Entra logs each such request as a failed event (counted toward quarantine) and retries it on later cycles."
      : "No error in Entra's log, but the result differs from what Entra expects.",
    fix: "See the evidence below; docs/entra-behaviour.md describes what Entra sends and expects.",
  };
}
