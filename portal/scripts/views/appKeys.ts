import { h, replaceChildren, time } from "../dom";
import { dataTable, row, textInput } from "../forms";
import type { ViewContext } from "../view";
import {
  clearError,
  confirmAction,
  errorBox,
  onClickBusy,
  onSubmitBusy,
  secretOnce,
  showError,
  statusLine,
} from "../widgets";

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

  const revokeButton = (key: AppKey) => {
    const button = h(
      "button",
      { type: "button", class: "danger small", "aria-label": `Revoke the app key ${key.name ?? key.keyId}` },
      "Revoke",
    );
    onClickBusy(button, async () => {
      if (
        !(await confirmAction(
          "Revoke this app key?",
          `Requests with ${key.name ?? key.keyId} are refused at once.`,
          "Revoke key",
        ))
      )
        return;
      clearError(errors);
      try {
        await context.api.send("DELETE", `app-keys/${encodeURIComponent(key.keyId)}`);
        await load();
        done.textContent = "App key revoked.";
      } catch (error) {
        showError(errors, error);
      }
    });
    return button;
  };

  const load = async () => {
    try {
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
    } catch (error) {
      showError(errors, error);
    }
  };

  const form = h(
    "form",
    { class: "stacked", "aria-labelledby": "key-add-title" },
    h("h3", { id: "key-add-title" }, "Create an app key"),
    name.row,
  );
  const add = h("button", { type: "submit" }, "Create app key");
  form.appendChild(add);
  onSubmitBusy(form, add, async () => {
    clearError(errors);
    try {
      const created = await context.api.send<CreatedAppKey>("POST", "app-keys", {
        name: name.input.value.trim(),
      });
      form.reset();
      const fields = [{ label: "App key", value: created.appKey, secret: true }];
      if (created.apiUrl) fields.push({ label: "API URL", value: created.apiUrl, secret: false });
      replaceChildren(output, secretOnce("Your new app key", fields));
      await load();
    } catch (error) {
      showError(errors, error);
    }
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
