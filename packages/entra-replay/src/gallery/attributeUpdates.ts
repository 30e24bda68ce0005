import { expectStatus } from "../checks";
import { patchBody } from "../dialect";
import type { StepRecorder } from "../report";
import type { ReplayContext } from "../steps/context";
import { createGalleryGroup, createGalleryUser, readPath, readResource, type GalleryStep } from "./fixtures";
import { flattenSchemas, type SchemaAttribute } from "./schemaAttributes";
import { prop } from "../json";

/**
 * SCIM_User_Update_Test and SCIM_Group_Update_Test: every attribute /Schemas offers that the test
 * deems eligible is PATCHed with a generated value and must read back.
 */

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
