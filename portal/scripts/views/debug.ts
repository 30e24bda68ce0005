import { h, replaceChildren, time, uniqueId } from "../dom";
import type { ViewContext } from "../view";
import { errorBox, onClickBusy, reporting, showError } from "../widgets";

interface DebugState {
  readonly enabled: boolean;
  readonly expiresAt?: string | null;
}

/** Debug mode logs request bodies (secrets masked) for a while, then switches itself off. */
export function debugSection(context: ViewContext): HTMLElement {
  const errors = errorBox();
  const state = h("p", { class: "debug-state", role: "status" }, "Loading…");
  const minutesId = uniqueId("minutes");
  const minutes = h(
    "select",
    { id: minutesId },
    ...[15, 30, 60].map((value) => h("option", { value, selected: value === 30 }, `${value} minutes`)),
  );
  const toggle = h("button", { type: "button", class: "secondary" }, "Turn on");
  let enabled = false;

  const show = (debug: DebugState) => {
    enabled = debug.enabled;
    replaceChildren(
      state,
      debug.enabled
        ? h("span", {}, h("strong", {}, "On"), " until ", time(debug.expiresAt))
        : h("strong", {}, "Off"),
    );
    toggle.textContent = debug.enabled ? "Turn off" : "Turn on";
    minutes.disabled = debug.enabled;
  };

  onClickBusy(
    toggle,
    reporting(errors, async () => {
      const body = enabled ? { enabled: false } : { enabled: true, minutes: Number(minutes.value) };
      show(await context.api.send<DebugState>("PUT", "debug", body));
    }),
  );
  void context.api
    .get<DebugState>("debug")
    .then(show)
    .catch((error: unknown) => {
      showError(errors, error);
    });
  return h(
    "section",
    { "aria-labelledby": "debug-title", class: "card debug" },
    h("h2", { id: "debug-title" }, "Debug mode"),
    h(
      "p",
      {},
      "While it is on, the connector logs the bodies of this tenant's requests (passwords and secrets masked) for your operator to investigate. It turns itself off at the time shown.",
    ),
    state,
    h("div", { class: "form-row" }, h("label", { for: minutesId }, "Keep on for"), minutes, toggle),
    errors,
  );
}
