import type { Exchange } from "../client";
import { expectListResponse, expectStatus } from "../checks";
import { MANAGER_PATH, patchBody } from "../dialect";
import { prop, type JsonObject } from "../json";
import { USER_MAPPING } from "../population";
import type { StepRecorder } from "../report";
import {
  createGalleryGroup,
  createGalleryUser,
  isEmptyValue,
  readPath,
  readResource,
  type GalleryStep,
} from "./fixtures";
import { flattenSchemas, hasSchema, schemaPath } from "./schemaAttributes";
import { CORE_GROUP, ENTERPRISE_USER } from "../urns";

/** Microsoft's direct SCIM compliance tests (SCIMTests_Workflow): plain calls, lowercase ops. */

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
  const groupSchema = hasSchema(schemas.json, CORE_GROUP);
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
  const targets = [
    "title",
    "nickName",
    'addresses[type eq "work"].locality',
    `${ENTERPRISE_USER}:department`,
  ];
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
