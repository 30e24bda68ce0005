import { outcomeBars, timeline, type Bar, type Column } from "../chart";
import { h, replaceChildren, time } from "../dom";
import { dataTable, row } from "../forms";
import type { ViewContext } from "../view";
import { errorBox, onClickBusy, showError, clearError } from "../widgets";
import { auditSection } from "./audit";
import { debugSection } from "./debug";

interface Bucket {
  readonly start?: string;
  readonly time?: string;
  readonly byOutcome?: Readonly<Record<string, number>>;
}

interface Period {
  readonly total: number;
  readonly byOutcome: Readonly<Record<string, number>>;
  readonly buckets?: readonly Bucket[];
}

interface Failure {
  readonly time: string;
  /** The request without its ids or values, e.g. `PATCH /Users/{id}`. */
  readonly request?: string;
  readonly status: number;
  readonly scimType?: string;
  readonly detail?: string;
  readonly fix?: string;
}

interface Outlook {
  readonly status: string;
  readonly reasons?: readonly string[];
}

interface StatusAnswer {
  readonly hour: Period;
  readonly day: Period;
  readonly lastFailures: readonly Failure[];
  readonly outlook: Outlook;
  readonly lastSuccess?: string;
}

const OUTCOME_LABELS: Readonly<Record<string, string>> = {
  success: "Succeeded",
  clientError: "Refused (4xx)",
  serverError: "Server error (5xx)",
  notFound: "Not found (404)",
  throttled: "Slowed down (429)",
};

/** Green for success, red for what counts toward quarantine, grey for answers that are neither. */
function tone(outcome: string): Bar["tone"] {
  if (/^(succeeded|success|ok)$/i.test(outcome) || /^2\d\d$/.test(outcome)) return "ok";
  if (
    /fail|error/i.test(outcome) ||
    /^5\d\d$/.test(outcome) ||
    (/^4\d\d$/.test(outcome) && outcome !== "404" && outcome !== "429")
  )
    return "failed";
  return "other";
}

function bars(byOutcome: Readonly<Record<string, number>> = {}): Bar[] {
  return Object.entries(byOutcome).map(([outcome, value]) => ({
    label: OUTCOME_LABELS[outcome] ?? outcome,
    value,
    tone: tone(outcome),
  }));
}

function periodFigure(title: string, period: Period, slotFormat: Intl.DateTimeFormat): HTMLElement {
  const columns: Column[] = (period.buckets ?? []).map((bucket) => {
    const start = bucket.start ?? bucket.time;
    return { label: start ? slotFormat.format(new Date(start)) : "", bars: bars(bucket.byOutcome) };
  });
  return h(
    "section",
    { class: "card period", "aria-label": title },
    h("h3", {}, title, " ", h("span", { class: "total" }, `${period.total} requests`)),
    outcomeBars(`${title} by outcome`, bars(period.byOutcome)),
    timeline(`${title} over time`, columns),
  );
}

function outlookPanel(outlook: Outlook, lastSuccess: string | undefined): HTMLElement {
  const level = outlook.status === "healthy" ? "ok" : outlook.status === "at risk" ? "warn" : "failed";
  return h(
    "section",
    { class: `card outlook ${level}`, "aria-labelledby": "outlook-title" },
    h("h2", { id: "outlook-title" }, "Quarantine outlook: ", h("span", { class: "badge" }, outlook.status)),
    h(
      "p",
      {},
      "Entra quarantines a provisioning job when too many of its requests fail. This is how this tenant looks from here.",
    ),
    outlook.reasons && outlook.reasons.length > 0
      ? h("ul", {}, ...outlook.reasons.map((reason) => h("li", {}, reason)))
      : null,
    h(
      "p",
      { class: "last-success" },
      lastSuccess
        ? h("span", {}, "Last successful request: ", time(lastSuccess))
        : "No successful request in the last day.",
    ),
  );
}

function failuresTable(failures: readonly Failure[]): HTMLElement {
  return h(
    "section",
    { "aria-labelledby": "failures-title" },
    h("h2", { id: "failures-title" }, "Last failures"),
    dataTable(
      "The most recent failed requests, newest first, with what to do about each",
      ["When", "Answer", "What went wrong", "How to fix it"],
      failures.map((failure) =>
        row(
          time(failure.time),
          [failure.status, failure.scimType].filter(Boolean).join(" "),
          h(
            "span",
            {},
            failure.request ? h("code", {}, `${failure.request}: `) : null,
            failure.detail ?? "—",
          ),
          failure.fix ? h("span", { class: "fix" }, failure.fix) : null,
        ),
      ),
      "No failed request in the last day.",
    ),
  );
}

export function statusView(context: ViewContext): HTMLElement {
  const errors = errorBox();
  const overview = h(
    "div",
    { class: "overview", "aria-busy": "true" },
    h("p", { class: "muted" }, "Loading…"),
  );
  const refresh = h("button", { type: "button", class: "secondary" }, "Refresh");
  const hourSlots = new Intl.DateTimeFormat(undefined, { timeStyle: "short" });
  const daySlots = new Intl.DateTimeFormat(undefined, { hour: "numeric" });
  const load = async () => {
    clearError(errors);
    try {
      const status = await context.api.get<StatusAnswer>("status");
      replaceChildren(
        overview,
        outlookPanel(status.outlook, status.lastSuccess),
        h(
          "section",
          { "aria-labelledby": "requests-title" },
          h("h2", { id: "requests-title" }, "Requests from Entra"),
          h(
            "div",
            { class: "periods" },
            periodFigure("Last hour", status.hour, hourSlots),
            periodFigure("Last day", status.day, daySlots),
          ),
        ),
        failuresTable(status.lastFailures),
      );
      overview.removeAttribute("aria-busy");
    } catch (error) {
      showError(errors, error);
    }
  };
  onClickBusy(refresh, load);
  void load();
  return h(
    "div",
    { class: "view" },
    h("div", { class: "view-head" }, h("h1", {}, "Status"), refresh),
    h(
      "p",
      { class: "muted" },
      "Each server instance writes its counts every 30 seconds: with several instances, the latest requests may take that long to appear.",
    ),
    errors,
    overview,
    auditSection(context),
    debugSection(context),
  );
}
