import { formatTime, h, replaceChildren, time } from "../dom";
import { dataTable, row } from "../forms";
import type { ViewContext } from "../view";
import { errorBox, reporting, rowButton, secretOnce, statusLine } from "../widgets";

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

  const load = reporting(errors, async () => {
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
  });

  const actions = (credential: Credential) => {
    if (credential.state === "revoked" || credential.state === "expired")
      return h("span", { class: "muted" }, "—");
    const named = `${kindName(credential)} ${credential.id}`;
    const path = `credentials/${encodeURIComponent(credential.id)}`;
    // A token in its grace period was replaced already: it can only be ended early.
    const rotate =
      credential.state === "expiring"
        ? null
        : rowButton("Rotate", `Rotate ${named}`, errors, async () => {
            const rotated = await context.api.send<Rotated>("POST", `${path}/rotate`);
            replaceChildren(output, rotatedSecret(credential, rotated));
            await load();
          });
    const revoke = rowButton(
      "Revoke",
      `Revoke ${named}`,
      errors,
      async () => {
        await context.api.send("DELETE", path);
        await load();
        done.textContent = `${named} revoked.`;
      },
      {
        question: `Revoke this ${kindName(credential)}?`,
        explanation: `Entra stops working with ${credential.id} at once. Make sure Entra already has a newer credential.`,
        confirmLabel: "Revoke",
      },
    );
    return h("div", { class: "actions" }, rotate, revoke);
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
