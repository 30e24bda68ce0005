import { formatTime, h, replaceChildren, time } from "../dom";
import { dataTable, row } from "../forms";
import type { ViewContext } from "../view";
import {
  clearError,
  confirmAction,
  errorBox,
  onClickBusy,
  secretOnce,
  showError,
  statusLine,
} from "../widgets";

interface Credential {
  readonly id: string;
  readonly kind: "token" | "client";
  readonly createdAt?: string;
  readonly lastUsedAt?: string | null;
  readonly expiresAt?: string | null;
  readonly state: string;
  readonly graceEndsAt?: string | null;
}

interface Rotated {
  readonly id?: string;
  readonly token?: string;
  readonly clientId?: string;
  readonly clientSecret?: string;
  readonly graceEndsAt?: string;
  readonly previous?: { readonly graceEndsAt?: string };
}

const KIND_NAMES = { token: "Secret Token", client: "OAuth client" } as const;

function kindName(credential: Credential): string {
  return KIND_NAMES[credential.kind];
}

function stateCell(credential: Credential): HTMLElement {
  return h(
    "span",
    { class: `state ${credential.state}` },
    credential.state,
    credential.graceEndsAt
      ? h("span", { class: "grace" }, " — works until ", time(credential.graceEndsAt))
      : null,
  );
}

function rotatedSecret(credential: Credential, rotated: Rotated): HTMLElement {
  const grace = rotated.graceEndsAt ?? rotated.previous?.graceEndsAt;
  const graceText = grace
    ? `The previous ${kindName(credential)} keeps working until ${formatTime(grace)}, so Entra does not stop while you paste the new one. Revoke it once Entra has the new one.`
    : undefined;
  const fields =
    rotated.clientSecret !== undefined
      ? [
          { label: "Client ID", value: rotated.clientId ?? "" },
          { label: "Client secret", value: rotated.clientSecret, secret: true },
        ]
      : [{ label: "Secret Token", value: rotated.token ?? "", secret: true }];
  return secretOnce(`Your new ${kindName(credential)}`, fields, graceText);
}

/** Every credential Entra can use for this tenant: when made, last used, expiry; rotate and revoke. */
export function credentialsView(context: ViewContext): HTMLElement {
  const errors = errorBox();
  const done = statusLine();
  const output = h("div", { class: "secret-slot" });
  const list = h(
    "div",
    { class: "credential-list", "aria-busy": "true" },
    h("p", { class: "muted" }, "Loading…"),
  );

  const load = async () => {
    try {
      const credentials = await context.api.get<Credential[]>("credentials");
      replaceChildren(
        list,
        dataTable(
          "Credentials of this tenant (secrets are never shown again)",
          ["Kind", "ID", "Created", "Last used", "Expires", "State", "Actions"],
          credentials.map((credential) =>
            row(
              kindName(credential),
              h("code", {}, credential.id),
              time(credential.createdAt),
              credential.lastUsedAt === undefined ? "not recorded" : time(credential.lastUsedAt, "never"),
              time(credential.expiresAt, "never"),
              stateCell(credential),
              actions(credential),
            ),
          ),
          "No credential yet. Create a Secret Token on the Connect page.",
        ),
      );
      list.removeAttribute("aria-busy");
    } catch (error) {
      showError(errors, error);
    }
  };

  const actions = (credential: Credential) => {
    if (credential.state === "revoked" || credential.state === "expired")
      return h("span", { class: "muted" }, "—");
    // A token in its grace period was replaced already: it can only be ended early.
    const replaced = credential.state === "expiring";
    const rotate = h(
      "button",
      {
        type: "button",
        class: "secondary small",
        "aria-label": `Rotate ${kindName(credential)} ${credential.id}`,
      },
      "Rotate",
    );
    const revoke = h(
      "button",
      {
        type: "button",
        class: "danger small",
        "aria-label": `Revoke ${kindName(credential)} ${credential.id}`,
      },
      "Revoke",
    );
    onClickBusy(rotate, async () => {
      clearError(errors);
      try {
        const rotated = await context.api.send<Rotated>(
          "POST",
          `credentials/${encodeURIComponent(credential.id)}/rotate`,
        );
        replaceChildren(output, rotatedSecret(credential, rotated));
        await load();
      } catch (error) {
        showError(errors, error);
      }
    });
    onClickBusy(revoke, async () => {
      const sure = await confirmAction(
        `Revoke this ${kindName(credential)}?`,
        `Entra stops working with ${credential.id} at once. Make sure Entra already has a newer credential.`,
        "Revoke",
      );
      if (!sure) return;
      clearError(errors);
      try {
        await context.api.send("DELETE", `credentials/${encodeURIComponent(credential.id)}`);
        await load();
        done.textContent = `${kindName(credential)} ${credential.id} revoked.`;
      } catch (error) {
        showError(errors, error);
      }
    });
    return h("div", { class: "actions" }, replaced ? null : rotate, revoke);
  };

  void load();
  return h(
    "div",
    { class: "view" },
    h("h1", {}, "Credentials"),
    h(
      "p",
      {},
      "Rotate a credential to get a new secret; the old one keeps working for a grace period so Entra never stops. Revoke ends one at once.",
    ),
    errors,
    done,
    output,
    list,
  );
}
