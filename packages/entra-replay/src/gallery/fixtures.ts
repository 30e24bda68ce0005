import type { Exchange } from "../client";
import { expectMatch, expectResource, expectStatus } from "../checks";
import { filterQuery } from "../encoding";
import { isObject, prop, type JsonObject } from "../json";
import { createGroupBody, createUserBody, generateGroup, generateUser } from "../population";
import type { StepRecorder } from "../report";
import type { CreatedGroup, CreatedUser, ReplayContext } from "../steps/context";
import { groupQuery } from "../steps/initialCycle";

/** Objects the gallery tests make for themselves; the replay's clean-up deletes what is left. */

/** One of Microsoft's tests: its checks go to `step`; `schemas` is the target's `GET /Schemas`. */
export type GalleryStep = (context: ReplayContext, step: StepRecorder, schemas: Exchange) => Promise<void>;

/** Gallery objects get indexes far from the replay's population, so names never collide. */
const GALLERY_INDEX = 50_000;

function nextIndex(context: ReplayContext): number {
  const used = [...context.users, ...context.groups].map((object) => object.index);
  return Math.max(GALLERY_INDEX, ...used.map((index) => index + 1));
}

/**
 * POSTs a new object's body (after Entra's matching query finds nothing, when `match` is given);
 * its id once created.
 */
async function createObject<T extends { index: number }>(
  context: ReplayContext,
  step: StepRecorder,
  object: T,
  collection: "/Users" | "/Groups",
  body: unknown,
  subject: string,
  match: string | undefined,
): Promise<(T & { id: string }) | undefined> {
  if (match !== undefined)
    expectMatch(step, await context.client.get(match), undefined, `${subject} before create`);
  const created = await context.client.post(collection, body);
  if (!expectStatus(step, created, [200, 201], subject)) return undefined;
  const resource = expectResource(step, created, subject);
  if (resource === undefined || typeof resource.id !== "string" || resource.id === "") return undefined;
  return Object.assign(object, { id: resource.id });
}

/** `POST /Users`; with `matchFirst`, Entra's whole create (the userName match comes first). */
export function createGalleryUser(
  context: ReplayContext,
  step: StepRecorder,
  matchFirst = false,
): Promise<CreatedUser | undefined> {
  const index = nextIndex(context);
  const user = { index, state: generateUser(context.run, index) };
  context.users.push(user);
  const match = matchFirst ? `/Users?${filterQuery("userName", user.state.userName)}` : undefined;
  return createObject(context, step, user, "/Users", createUserBody(user.state), user.state.userName, match);
}

/** `POST /Groups`; with `matchFirst`, Entra's whole create (the displayName match comes first). */
export function createGalleryGroup(
  context: ReplayContext,
  step: StepRecorder,
  matchFirst = false,
): Promise<CreatedGroup | undefined> {
  const index = nextIndex(context);
  const group = { index, state: generateGroup(context.run, index) };
  context.groups.push(group);
  const match = matchFirst ? `/Groups?${groupQuery(group.state.displayName)}` : undefined;
  const body = createGroupBody(group.state);
  return createObject(context, step, group, "/Groups", body, group.state.displayName, match);
}

/** `GET` of one resource by id, as a checked SCIM resource. */
export async function readResource(
  context: ReplayContext,
  step: StepRecorder,
  path: string,
  subject: string,
): Promise<JsonObject | undefined> {
  const read = await context.client.get(path);
  if (!expectStatus(step, read, [200], subject)) return undefined;
  return expectResource(step, read, subject);
}

/** A value the validator treats as cleared: absent, null, "" or an empty list or object. */
export function isEmptyValue(value: unknown): boolean {
  if (value === undefined || value === null || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  return isObject(value) && Object.values(value).every(isEmptyValue);
}

/** Reads `a.b` or `urn:…:User:a.b` from a resource. */
export function readPath(resource: JsonObject, path: string): unknown {
  const urn = /^(urn:[^[]+):([^:.[]+(?:\.[^:.[]+)?)$/i.exec(path);
  const [container, rest] = urn ? [prop(resource, urn[1] ?? ""), urn[2] ?? ""] : [resource, path];
  return rest.split(".").reduce<unknown>((value, name) => prop(value, name), container);
}
