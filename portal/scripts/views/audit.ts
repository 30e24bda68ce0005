import { h, replaceChildren, time } from "../dom";
import { dataTable, row } from "../forms";
import type { ViewContext } from "../view";
import { clearError, errorBox, onClickBusy, showError } from "../widgets";

interface Change {
  readonly attribute: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

interface AuditRecord {
  readonly time: string;
  readonly actor?: string;
  readonly action: string;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly changes?: readonly Change[];
}

interface AuditPage {
  readonly records: readonly AuditRecord[];
  readonly next?: string | null;
}

const PAGE_SIZE = 10;
/** Longer values (an address, a list of emails) are cut here; the whole value is in the tooltip. */
const SHOWN_CHARACTERS = 80;

function text(value: unknown): string {
  if (value === undefined || value === null) return "—";
  return typeof value === "string" ? value : JSON.stringify(value);
}

function shown(value: unknown): string {
  const whole = text(value);
  return whole.length > SHOWN_CHARACTERS ? `${whole.slice(0, SHOWN_CHARACTERS - 1)}…` : whole;
}

function changeList(record: AuditRecord): HTMLElement | string {
  if (record.changes && record.changes.length > 0) {
    return h(
      "ul",
      { class: "changes" },
      ...record.changes.map((change) =>
        h(
          "li",
          { title: `${text(change.before)} → ${text(change.after)}` },
          h("span", { class: "attribute" }, change.attribute),
          `: ${shown(change.before)} → ${shown(change.after)}`,
        ),
      ),
    );
  }
  if (record.before === undefined && record.after === undefined) return "—";
  return h("span", { class: "changes" }, `${shown(record.before)} → ${shown(record.after)}`);
}

/** Who changed what and when, newest first, a page at a time (the server's cursor). */
export function auditSection(context: ViewContext): HTMLElement {
  const errors = errorBox();
  const table = h("div", { class: "audit-table" });
  const newer = h("button", { type: "button", class: "secondary" }, "Newer");
  const older = h("button", { type: "button", class: "secondary" }, "Older");
  const position = h("span", { class: "muted page-number", "aria-live": "polite" });
  // cursors[i] opens page i; page 0 needs none.
  const cursors: (string | undefined)[] = [undefined];
  let page = 0;

  const load = async (target: number) => {
    clearError(errors);
    const cursor = cursors[target];
    const query = new URLSearchParams({ count: String(PAGE_SIZE) });
    if (cursor) query.set("cursor", cursor);
    try {
      const answer = await context.api.get<AuditPage>(`audit?${query.toString()}`);
      page = target;
      if (answer.next) cursors[page + 1] = answer.next;
      else cursors.length = page + 1;
      replaceChildren(
        table,
        dataTable(
          `Changes, newest first (page ${page + 1})`,
          ["When", "Who", "What", "Resource", "Before → after"],
          answer.records.map((record) =>
            row(
              time(record.time),
              record.actor ?? "—",
              record.action,
              h("span", {}, `${record.resourceType} `, h("code", {}, record.resourceId)),
              changeList(record),
            ),
          ),
          page === 0
            ? "No change recorded yet. Changes appear here once Entra provisions users or groups."
            : "No older change.",
        ),
      );
      position.textContent = `Page ${page + 1}`;
      newer.disabled = page === 0;
      older.disabled = cursors[page + 1] === undefined;
    } catch (error) {
      showError(errors, error);
    }
  };

  onClickBusy(newer, () => load(Math.max(0, page - 1)));
  onClickBusy(older, () => load(page + 1));
  newer.disabled = true;
  older.disabled = true;
  void load(0);
  return h(
    "section",
    { "aria-labelledby": "audit-title", class: "audit" },
    h("h2", { id: "audit-title" }, "Audit log"),
    h("p", { class: "muted" }, "Every change Entra made in this tenant. Passwords and secrets are masked."),
    errors,
    table,
    h("div", { class: "pager" }, newer, position, older),
  );
}
