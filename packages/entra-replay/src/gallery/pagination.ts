import { expectListResponse, expectStatus } from "../checks";
import { entraQuery } from "../encoding";
import { isObject, prop } from "../json";
import type { StepRecorder } from "../report";
import type { ReplayContext } from "../steps/context";
import { createGalleryGroup, createGalleryUser, type GalleryStep } from "./fixtures";

/** SCIM_User_Pagination_Test and SCIM_Group_Pagination_Test: `startIndex` paging with `count=5`. */

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
