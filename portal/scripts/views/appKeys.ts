import { h, replaceChildren, time } from "../dom";
import { dataTable, row, textInput } from "../forms";
import type { ViewContext } from "../view";
import { actionForm, errorBox, reporting, rowButton, secretOnce, statusLine } from "../widgets";

interface AppKey {
  readonly keyId: string;
  readonly name?: string;
  readonly created?: string;
  readonly status: string;
  readonly revokedAt?: string;
}

interface CreatedAppKey {
  readonly keyId: string;
  readonly appKey: string;
  readonly apiUrl?: string;
}

/** Keys your application reads the directory and its events with (the read API). */
export function appKeysSection(context: ViewContext): HTMLElement {
  const errors = errorBox();
  const done = statusLine();
  const output = h("div", { class: "secret-slot" });
  const list = h("div", { class: "app-key-list" });
  const name = textInput("Name", { required: true, hint: "Who uses the key, e.g. the HR sync job." });

  const revokeButton = (key: AppKey) =>
    rowButton(
      "Revoke",
      `Revoke the app key ${key.name ?? key.keyId}`,
      errors,
      async () => {
        await context.api.send("DELETE", `app-keys/${encodeURIComponent(key.keyId)}`);
        await load();
        done.textContent = "App key revoked.";
      },
      {
        question: "Revoke this app key?",
        explanation: `Requests with ${key.name ?? key.keyId} are refused at once.`,
        confirmLabel: "Revoke key",
      },
    );

  const load = reporting(errors, async () => {
    const keys = await context.api.get<AppKey[]>("app-keys");
    replaceChildren(
      list,
      dataTable(
        "App keys",
        ["Name", "Key ID", "Created", "Status", "Actions"],
        keys.map((key) =>
          row(
            key.name ?? "—",
            h("code", {}, key.keyId),
            time(key.created),
            key.status,
            key.status === "active" ? revokeButton(key) : "—",
          ),
        ),
        "No app key yet.",
      ),
    );
  });

  const form = actionForm({
    title: "Create an app key",
    fields: [name.row],
    submit: "Create app key",
    errors,
    action: async () => {
      const created = await context.api.send<CreatedAppKey>("POST", "app-keys", {
        name: name.input.value.trim(),
      });
      const fields = [{ label: "App key", value: created.appKey, secret: true }];
      if (created.apiUrl) fields.push({ label: "API URL", value: created.apiUrl, secret: false });
      replaceChildren(output, secretOnce("Your new app key", fields));
      await load();
    },
  });

  void load();
  return h(
    "section",
    { "aria-labelledby": "keys-title" },
    h("h2", { id: "keys-title" }, "App keys"),
    h("p", {}, "Your application reads users, groups and the event feed with an app key."),
    errors,
    done,
    list,
    output,
    form,
  );
}
