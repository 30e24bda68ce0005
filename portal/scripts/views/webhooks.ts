import { h, replaceChildren, time } from "../dom";
import { EVENT_TYPES } from "../../../src/events/eventTypeNames";
import { dataTable, row, textInput } from "../forms";
import type { ViewContext } from "../view";
import { actionForm, errorBox, reporting, rowButton, secretOnce, statusLine } from "../widgets";
import { appKeysSection } from "./appKeys";

interface Webhook {
  readonly id: string;
  readonly url: string;
  readonly eventTypes: readonly string[];
  readonly status: string;
  readonly created?: string;
  readonly disabledReason?: string;
}

interface CreatedWebhook extends Webhook {
  readonly secret: string;
}

interface Delivery {
  readonly sequence?: number;
  readonly eventId?: string;
  readonly type: string;
  readonly status: string;
  readonly attempts?: number;
  readonly lastStatus?: number;
  readonly lastError?: string;
  readonly latencyMs?: number;
  readonly updated?: string;
}

/** POST …/test: the tenant's latest event, queued again for this endpoint. */
interface TestQueued {
  readonly sequence: number;
}

const UNSETTLED = new Set(["pending", "retrying"]);
const FOLLOW_LOOKS = 15;
const FOLLOW_PAUSE_MS = 2000;

function eventChoices(): { fieldset: HTMLFieldSetElement; chosen: () => string[] } {
  const boxes = EVENT_TYPES.map((type) =>
    h("input", { type: "checkbox", value: type, id: `event-${type.replace(/\W/g, "-")}` }),
  );
  const fieldset = h(
    "fieldset",
    { class: "event-types" },
    h("legend", {}, "Events (none ticked: every event)"),
    ...boxes.map((box) => h("label", { class: "choice", for: box.id }, box, ` ${box.value}`)),
  );
  return { fieldset, chosen: () => boxes.filter((box) => box.checked).map((box) => box.value) };
}

function deliveryLog(webhook: Webhook, deliveries: readonly Delivery[]): HTMLElement {
  return h(
    "section",
    { class: "card deliveries", "aria-label": `Delivery log of ${webhook.url}` },
    h("h3", {}, "Delivery log: ", h("code", {}, webhook.url)),
    dataTable(
      "Deliveries, newest first",
      ["Updated", "Event", "Status", "Attempts", "Last answer", "Time taken"],
      deliveries.map((delivery) =>
        row(
          time(delivery.updated),
          delivery.type,
          h("span", { class: `state ${delivery.status}` }, delivery.status),
          delivery.attempts,
          delivery.lastError ?? (delivery.lastStatus === undefined ? null : String(delivery.lastStatus)),
          delivery.latencyMs === undefined ? null : `${delivery.latencyMs} ms`,
        ),
      ),
      "Nothing delivered to this endpoint yet.",
    ),
  );
}

function webhooksSection(context: ViewContext): HTMLElement {
  const errors = errorBox();
  const done = statusLine();
  const output = h("div", { class: "secret-slot" });
  const list = h("div", { class: "webhook-list" });
  const log = h("div", { class: "delivery-slot" });
  const url = textInput("Endpoint URL", {
    type: "url",
    required: true,
    placeholder: "https://app.example.com/hooks/directory",
    hint: "HTTPS, reachable from the internet.",
  });
  const events = eventChoices();

  const showLog = async (webhook: Webhook): Promise<readonly Delivery[]> => {
    const deliveries = await context.api.get<Delivery[]>(
      `webhooks/${encodeURIComponent(webhook.id)}/deliveries`,
    );
    replaceChildren(log, deliveryLog(webhook, deliveries));
    return deliveries;
  };

  /** After a test: the log again every few seconds until the test event's delivery has an outcome. */
  const followTest = async (webhook: Webhook, sequence: number) => {
    for (let look = 0; look < FOLLOW_LOOKS; look += 1) {
      const deliveries = await showLog(webhook);
      const test = deliveries.find((delivery) => delivery.sequence === sequence);
      if (test && !UNSETTLED.has(test.status)) return;
      await new Promise((resolve) => setTimeout(resolve, FOLLOW_PAUSE_MS));
    }
  };

  const actions = (webhook: Webhook) => {
    const path = `webhooks/${encodeURIComponent(webhook.id)}`;
    const test = rowButton("Send test", `Send test to ${webhook.url}`, errors, async () => {
      const queued = await context.api.send<TestQueued>("POST", `${path}/test`);
      done.textContent = `Test event queued for ${webhook.url}.`;
      await followTest(webhook, queued.sequence);
    });
    const logButton = rowButton("Delivery log", `Delivery log of ${webhook.url}`, errors, async () => {
      await showLog(webhook);
    });
    const remove = rowButton(
      "Delete",
      `Delete the webhook ${webhook.url}`,
      errors,
      async () => {
        await context.api.send("DELETE", path);
        replaceChildren(log);
        await load();
        done.textContent = "Webhook deleted.";
      },
      {
        question: "Delete this webhook?",
        explanation: `No more events go to ${webhook.url}.`,
        confirmLabel: "Delete webhook",
      },
    );
    return h("div", { class: "actions" }, test, logButton, remove);
  };

  const load = reporting(errors, async () => {
    const webhooks = await context.api.get<Webhook[]>("webhooks");
    replaceChildren(
      list,
      dataTable(
        "Webhook endpoints",
        ["URL", "Events", "Status", "Created", "Actions"],
        webhooks.map((webhook) =>
          row(
            h("code", {}, webhook.url),
            webhook.eventTypes.length > 0 ? webhook.eventTypes.join(", ") : "every event",
            webhook.disabledReason ? `${webhook.status}: ${webhook.disabledReason}` : webhook.status,
            time(webhook.created),
            actions(webhook),
          ),
        ),
        "No webhook yet.",
      ),
    );
  });

  const form = actionForm({
    title: "Add a webhook",
    fields: [url.row, events.fieldset],
    submit: "Add webhook",
    errors,
    action: async () => {
      const created = await context.api.send<CreatedWebhook>("POST", "webhooks", {
        url: url.input.value.trim(),
        eventTypes: events.chosen(),
      });
      replaceChildren(
        output,
        secretOnce(
          "Signing secret of the new webhook",
          [{ label: "Signing secret", value: created.secret, secret: true }],
          "Your application checks each delivery's signature with it (Standard Webhooks).",
        ),
      );
      await load();
    },
  });

  void load();
  return h(
    "section",
    { "aria-labelledby": "webhooks-title" },
    h("h2", { id: "webhooks-title" }, "Webhooks"),
    h(
      "p",
      {},
      "Your application hears of every change Entra makes (user created, disabled, group members) as a signed HTTPS request.",
    ),
    errors,
    done,
    list,
    output,
    log,
    form,
  );
}

export function webhooksView(context: ViewContext): HTMLElement {
  return h(
    "div",
    { class: "view" },
    h("h1", {}, "Webhooks and app keys"),
    webhooksSection(context),
    appKeysSection(context),
  );
}
