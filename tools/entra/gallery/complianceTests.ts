import type { Exchange } from "../client";
import { expectListResponse, expectStatus } from "../checks";
import { MANAGER_PATH, patchBody } from "../dialect";
import { entraQuery } from "../encoding";
import { isObject, prop, type JsonObject } from "../json";
import { USER_MAPPING } from "../population";
import type { StepRecorder } from "../report";
import type { ReplayContext } from "../steps/context";
import { createGalleryGroup, createGalleryUser, isEmptyValue, readPath, readResource } from "./fixtures";
import { flattenSchemas, hasSchema, schemaPath, type SchemaAttribute } from "./schemaAttributes";

/** Microsoft's direct SCIM compliance tests (SCIMTests_Workflow): plain calls, lowercase ops. */

type GalleryStep = (context: ReplayContext, step: StepRecorder, schemas: Exchange) => Promise<void>;

/** What Entra's default mapping sends: the replay's mapping plus the manager and group attributes. */
const MAPPED_USER = [...USER_MAPPING.map((attribute) => attribute.target), MANAGER_PATH];
const MAPPED_GROUP = ["displayName", "externalId", "members"];
/** RFC 7643 §3.1: every resource has these; schemas need not list them. */
const COMMON_ATTRIBUTES = ["id", "externalid", "meta"];

export const schemaDiscoverability: GalleryStep = (_context, step, schemas) => {
  checkDiscoverable(step, schemas);
  return Promise.resolve();
};

function checkDiscoverable(step: StepRecorder, schemas: Exchange): void {
  if (!expectStatus(step, schemas, [200], "/Schemas")) return;
  expectListResponse(step, schemas, "/Schemas");
  const groupSchema = hasSchema(schemas.json, "urn:ietf:params:scim:schemas:core:2.0:Group");
  step.check("/Schemas returns the Group schema (group provisioning is mandatory)", groupSchema, {
    exchange: schemas,
  });
  for (const [resource, mapped] of [
    ["User", MAPPED_USER],
    ["Group", MAPPED_GROUP],
  ] as const) {
    const offered = new Set([
      ...COMMON_ATTRIBUTES,
      ...flattenSchemas(schemas.json, resource).map((a) => a.path.toLowerCase()),
    ]);
    const missing = mapped.filter((target) => !offered.has(schemaPath(target).toLowerCase()));
    step.check(`every mapped ${resource} attribute is discoverable in /Schemas`, missing.length === 0, {
      exchange: schemas,
      detail: `missing: ${missing.join(", ")}`,
    });
  }
}

/** Optional attributes emptied with "" and then with null: they read back empty. */
export const nullUpdate: GalleryStep = async (context, step) => {
  const user = await createGalleryUser(context, step);
  if (user === undefined) return;
  const path = `/Users/${encodeURIComponent(user.id)}`;
  const targets = ["title", "nickName", 'addresses[type eq "work"].locality', `${ENTERPRISE}:department`];
  const nick = await context.client.patch(path, patchBody([{ op: "add", path: "nickName", value: "Nick" }]));
  expectStatus(step, nick, [200, 204], user.state.userName);
  for (const [phase, value] of [
    ["empty strings", ""],
    ["nulls", null],
  ] as const) {
    const patch = await context.client.patch(
      path,
      patchBody(targets.map((target) => ({ op: "replace", path: target, value }))),
    );
    if (!expectStatus(step, patch, [200, 204], `${user.state.userName} (${phase})`)) return;
    const resource = await readResource(context, step, path, user.state.userName);
    if (resource === undefined) return;
    for (const target of targets) {
      const remaining = readTarget(resource, target);
      step.check(`${target} reads back empty after a PATCH with ${phase}`, isEmptyValue(remaining), {
        subject: user.state.userName,
        exchange: patch,
        detail: `returned ${JSON.stringify(remaining)}`,
      });
    }
  }
};

const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

/** Reads a mapping target, value paths included (`addresses[type eq "work"].locality`). */
function readTarget(resource: JsonObject, target: string): unknown {
  const valuePath = /^(\w+)\[type eq "([^"]+)"\]\.(\w+)$/.exec(target);
  if (valuePath === null) return readPath(resource, target);
  const [, attribute = "", type = "", sub = ""] = valuePath;
  const values = prop(resource, attribute);
  const element: unknown = Array.isArray(values) ? values.find((v) => prop(v, "type") === type) : undefined;
  return prop(element, sub);
}

export const userCreate: GalleryStep = async (context, step) => {
  const user = await createGalleryUser(context, step);
  if (user === undefined) return;
  const resource = await readResource(
    context,
    step,
    `/Users/${encodeURIComponent(user.id)}`,
    user.state.userName,
  );
  step.check("returned userName matches the one sent", prop(resource, "userName") === user.state.userName, {
    subject: user.state.userName,
    detail: `returned ${JSON.stringify(prop(resource, "userName"))}`,
  });
};

export const groupCreate: GalleryStep = async (context, step) => {
  const group = await createGalleryGroup(context, step);
  if (group === undefined) return;
  const path = `/Groups/${encodeURIComponent(group.id)}`;
  const resource = await readResource(context, step, path, group.state.displayName);
  step.check(
    "returned displayName matches the one sent",
    prop(resource, "displayName") === group.state.displayName,
    {
      subject: group.state.displayName,
      detail: `returned ${JSON.stringify(prop(resource, "displayName"))}`,
    },
  );
};

const NOT_UPDATED = new Set(["id", "schemas", "meta", "active", "groups", "roles", "password", "members"]);

/** Single-valued, non-reference, writable simple attributes (the test's "eligible attributes"). */
function eligible(attributes: readonly SchemaAttribute[]): SchemaAttribute[] {
  return attributes.filter(
    (a) =>
      !a.multiValued &&
      !a.reference &&
      a.mutability === "readWrite" &&
      ["string", "integer", "dateTime", "boolean"].includes(a.type) &&
      !NOT_UPDATED.has((a.path.split(".")[0] ?? "").split(":").at(-1) ?? ""),
  );
}

function generated(attribute: SchemaAttribute, run: string, index: number): unknown {
  if (attribute.canonicalValues.length > 0) return attribute.canonicalValues[0];
  switch (attribute.type) {
    case "integer":
      return 1000 + index;
    case "boolean":
      return true;
    case "dateTime":
      return `2026-0${1 + (index % 9)}-15T10:20:30Z`;
    default:
      return `Upd ${run} ${index}`;
  }
}

function same(sent: unknown, returned: unknown, type: string): boolean {
  if (type === "dateTime" && typeof sent === "string" && typeof returned === "string")
    return Date.parse(sent) === Date.parse(returned);
  return sent === returned;
}

/** PATCH every eligible attribute with a generated value, then GET: every value matches. */
async function updateEligible(
  context: ReplayContext,
  step: StepRecorder,
  path: string,
  subject: string,
  attributes: readonly SchemaAttribute[],
): Promise<void> {
  const values = attributes.map((attribute, index) => ({
    attribute,
    value:
      attribute.path === "userName"
        ? `upd.${context.run}.${index}@contoso.example`
        : generated(attribute, context.run, index),
  }));
  if (values.length === 0) {
    step.check("the schema offers attributes to update", true, {
      subject,
      detail: "no updatable attributes",
    });
    return;
  }
  const patch = await context.client.patch(
    path,
    patchBody(values.map(({ attribute, value }) => ({ op: "replace", path: attribute.path, value }))),
  );
  if (!expectStatus(step, patch, [200, 204], subject)) return;
  const resource = await readResource(context, step, path, subject);
  if (resource === undefined) return;
  for (const { attribute, value } of values) {
    const returned = readPath(resource, attribute.path);
    step.check(`${attribute.path} updated`, same(value, returned, attribute.type), {
      subject,
      exchange: patch,
      problem: "roundTrip",
      detail: `sent ${JSON.stringify(value)}, returned ${JSON.stringify(returned)}`,
    });
  }
}

export const userUpdate: GalleryStep = async (context, step, schemas) => {
  const user = await createGalleryUser(context, step);
  if (user === undefined) return;
  const attributes = eligible(flattenSchemas(schemas.json, "User")).filter((a) => a.path !== "externalId");
  await updateEligible(
    context,
    step,
    `/Users/${encodeURIComponent(user.id)}`,
    user.state.userName,
    attributes,
  );
  const read = await context.client.get(`/Users/${encodeURIComponent(user.id)}`, "cleanup");
  const userName = prop(read.json, "userName");
  if (typeof userName === "string") user.state = { ...user.state, userName };
};

export const groupUpdate: GalleryStep = async (context, step, schemas) => {
  const group = await createGalleryGroup(context, step);
  if (group === undefined) return;
  const attributes = eligible(flattenSchemas(schemas.json, "Group"));
  await updateEligible(
    context,
    step,
    `/Groups/${encodeURIComponent(group.id)}`,
    group.state.displayName,
    attributes,
  );
};

const PAGE = 5;
/** Microsoft's test makes sure at least this many exist, so that there are several pages. */
const ENOUGH = 11;
/** Pages walked at most: enough to prove paging without reading a whole production tenant. */
const MAX_PAGES = 6;

async function total(context: ReplayContext, collection: string): Promise<number | undefined> {
  const first = await context.client.get(
    `/${collection}?${entraQuery([
      ["startIndex", "1"],
      ["count", "1"],
    ])}`,
  );
  const value = prop(first.json, "totalResults");
  return typeof value === "number" ? value : undefined;
}

/** Fills the collection to 11, then walks `startIndex=1,6,11…&count=5`. */
async function paginate(
  context: ReplayContext,
  step: StepRecorder,
  collection: "Users" | "Groups",
): Promise<void> {
  let count = (await total(context, collection)) ?? 0;
  while (count < ENOUGH) {
    const made =
      collection === "Users"
        ? await createGalleryUser(context, step)
        : await createGalleryGroup(context, step);
    if (made === undefined) return;
    count += 1;
  }
  const seen = new Set<string>();
  let pages = 0;
  for (let startIndex = 1; startIndex <= count && pages < MAX_PAGES; startIndex += PAGE) {
    const page = await context.client.get(
      `/${collection}?${entraQuery([
        ["startIndex", String(startIndex)],
        ["count", String(PAGE)],
      ])}`,
    );
    const subject = `startIndex ${startIndex}`;
    if (!expectStatus(step, page, [200], subject)) return;
    const resources = expectListResponse(step, page, subject);
    if (resources === undefined || !isObject(page.json)) return;
    pages += 1;
    step.check("response startIndex matches the page asked for", page.json.startIndex === startIndex, {
      subject,
      exchange: page,
      detail: `startIndex ${JSON.stringify(page.json.startIndex)}`,
    });
    const ids = resources.map((resource) => String(resource.id));
    step.check(
      `a page holds at most count (${PAGE}) resources, none seen before`,
      ids.length <= PAGE && ids.every((id) => !seen.has(id)),
      {
        subject,
        exchange: page,
        detail: `${ids.length} resources: ${ids.join(", ")}`,
      },
    );
    step.check("a page before the end is full", startIndex + PAGE > count || ids.length === PAGE, {
      subject,
      exchange: page,
      detail: `${ids.length} resources of ${count}`,
    });
    for (const id of ids) seen.add(id);
  }
  step.check("at least two pages traversed", pages >= 2, { detail: `${pages} pages` });
}

export const userPagination: GalleryStep = (context, step) => paginate(context, step, "Users");
export const groupPagination: GalleryStep = (context, step) => paginate(context, step, "Groups");

/** Set (add), change (replace) and remove (replace with an empty value), read back after each. */
export const directManager: GalleryStep = async (context, step) => {
  const first = await createGalleryUser(context, step);
  const second = await createGalleryUser(context, step);
  const user = await createGalleryUser(context, step);
  if (first === undefined || second === undefined || user === undefined) return;
  const path = `/Users/${encodeURIComponent(user.id)}`;
  const phases = [
    ["set", "add", { value: first.id }, first.id],
    ["change", "replace", { value: second.id }, second.id],
    ["remove", "replace", "", undefined],
  ] as const;
  for (const [phase, op, value, expected] of phases) {
    const patch = await context.client.patch(
      path,
      patchBody([{ op, path: MANAGER_PATH, value }]),
      "reference",
    );
    if (
      !expectStatus(step, patch, [200, 204], `${user.state.userName} (${phase})`, { problem: "managerForm" })
    )
      return;
    const resource = await readResource(context, step, path, user.state.userName);
    if (resource === undefined) return;
    const manager = readPath(resource, `${MANAGER_PATH}.value`);
    step.check(
      `manager ${phase}: read back as expected`,
      expected === undefined ? isEmptyValue(manager) : manager === expected,
      {
        subject: user.state.userName,
        exchange: patch,
        problem: "managerForm",
        detail: `expected ${JSON.stringify(expected ?? null)}, returned ${JSON.stringify(manager)}`,
      },
    );
  }
};
