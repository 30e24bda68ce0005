import { formatTime, h, replaceChildren } from "../dom";
import { textInput } from "../forms";
import type { ViewContext } from "../view";
import { clearError, copyField, errorBox, onClickBusy, reporting, secretOnce, showError } from "../widgets";
import { trustsSection } from "./trusts";

interface CreatedToken {
  readonly id: string;
  readonly token: string;
  /** When the tenant's earlier tokens stop working (they keep a grace period). */
  readonly previousGraceEndsAt?: string;
}

interface CreatedClient {
  readonly id: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly tokenEndpoint: string;
}

interface ConnectionCheck {
  readonly name: string;
  readonly request: string;
  readonly status: number;
  readonly ok: boolean;
  readonly detail?: string;
}

interface ConnectionResult {
  readonly ok: boolean;
  readonly checks: readonly ConnectionCheck[];
}

/** Entra's own screen and field names, in the order an admin meets them. */
function guide(): HTMLElement {
  const screen = (name: string) => h("strong", {}, name);
  return h(
    "section",
    { "aria-labelledby": "guide-title" },
    h("h2", { id: "guide-title" }, "Set up provisioning in Microsoft Entra ID"),
    h(
      "ol",
      { class: "steps" },
      h(
        "li",
        {},
        "In the Microsoft Entra admin center, open ",
        screen("Enterprise applications"),
        " and select your application (or create one with ",
        screen("New application → Create your own application"),
        ").",
      ),
      h(
        "li",
        {},
        "Open ",
        screen("Provisioning"),
        " and set ",
        screen("Provisioning Mode"),
        " to ",
        screen("Automatic"),
        ".",
      ),
      h(
        "li",
        {},
        "Under ",
        screen("Admin Credentials"),
        ", paste the ",
        screen("Tenant URL"),
        " above, and a ",
        screen("Secret Token"),
        " you create below.",
      ),
      h(
        "li",
        {},
        "Select ",
        screen("Test Connection"),
        ". Entra should report that the supplied credentials are authorized. You can run the same check here.",
      ),
      h(
        "li",
        {},
        "Select ",
        screen("Save"),
        ". Then review ",
        screen("Mappings"),
        ", set ",
        screen("Provisioning Status"),
        " to ",
        screen("On"),
        " and save again: Entra syncs about every 40 minutes.",
      ),
    ),
  );
}

/** When the tenant's earlier tokens stop working, in words; nothing when there were none. */
function graceNote(previousGraceEndsAt: string | undefined): string {
  const paste = "Paste it into Entra's Secret Token field.";
  if (!previousGraceEndsAt) return paste;
  const until = formatTime(previousGraceEndsAt);
  return `${paste} Tokens made before it keep working until ${until}, so a running Entra job does not stop meanwhile.`;
}

function tokenSection(context: ViewContext, remember: (token: string) => void): HTMLElement {
  const errors = errorBox();
  const output = h("div", { class: "secret-slot" });
  const create = h("button", { type: "button" }, "Create Secret Token");
  onClickBusy(
    create,
    reporting(errors, async () => {
      const created = await context.api.send<CreatedToken>("POST", "credentials/tokens", {});
      remember(created.token);
      replaceChildren(
        output,
        secretOnce(
          "Your new Secret Token",
          [{ label: "Secret Token", value: created.token, secret: true }],
          graceNote(created.previousGraceEndsAt),
        ),
      );
    }),
  );
  return h(
    "section",
    { "aria-labelledby": "token-title", class: "card" },
    h("h3", { id: "token-title" }, "Secret Token"),
    h("p", {}, "What Entra's Admin Credentials ask for. Each token opens only this tenant."),
    create,
    errors,
    output,
  );
}

function clientSection(context: ViewContext): HTMLElement {
  const errors = errorBox();
  const output = h("div", { class: "secret-slot" });
  const create = h("button", { type: "button", class: "secondary" }, "Create OAuth client");
  onClickBusy(
    create,
    reporting(errors, async () => {
      const created = await context.api.send<CreatedClient>("POST", "credentials/clients");
      replaceChildren(
        output,
        secretOnce("Your new OAuth client", [
          { label: "Client ID", value: created.clientId },
          { label: "Client secret", value: created.clientSecret, secret: true },
          { label: "Token endpoint", value: created.tokenEndpoint },
        ]),
      );
    }),
  );
  return h(
    "section",
    { "aria-labelledby": "client-title", class: "card" },
    h("h3", { id: "client-title" }, "OAuth client credentials"),
    h(
      "p",
      {},
      "For gallery applications that sign in with a client ID and secret instead of a long-lived token.",
    ),
    create,
    errors,
    output,
  );
}

function checkItem(check: ConnectionCheck): HTMLElement {
  return h(
    "li",
    { class: check.ok ? "check ok" : "check failed" },
    h("span", { class: "check-mark", "aria-hidden": "true" }, check.ok ? "✓" : "✗"),
    h("span", { class: "check-verdict" }, check.ok ? "Passed" : "Failed"),
    " ",
    h("span", { class: "check-name" }, check.name),
    h("code", { class: "check-request" }, `${check.request} → ${check.status}`),
    check.detail ? h("span", { class: "check-detail" }, check.detail) : null,
  );
}

function testSection(context: ViewContext, lastToken: () => string | undefined): HTMLElement {
  const errors = errorBox();
  const result = h("div", { class: "test-result", "aria-live": "polite" });
  const pasted = textInput("Secret Token to test", {
    type: "password",
    hint: "The token you pasted into Entra. Leave it empty to test the token you created on this page.",
  });
  const run = h("button", { type: "button" }, "Test connection");
  onClickBusy(run, async () => {
    clearError(errors);
    const token = pasted.input.value.trim() || lastToken();
    if (!token) {
      replaceChildren(result);
      errors.hidden = false;
      errors.textContent =
        "Paste the Secret Token you entered in Entra, or create one above, then test again.";
      return;
    }
    replaceChildren(result, h("p", { class: "muted" }, "Sending Entra's Test Connection requests…"));
    try {
      const answer = await context.api.send<ConnectionResult>("POST", "test-connection", { token });
      replaceChildren(
        result,
        h(
          "p",
          { class: answer.ok ? "verdict ok" : "verdict failed" },
          answer.ok
            ? "Connection works: Entra's Test Connection would succeed."
            : "Connection fails: Entra's Test Connection would fail. See the failed check below.",
        ),
        h("ul", { class: "checks" }, ...answer.checks.map(checkItem)),
      );
    } catch (error) {
      replaceChildren(result);
      showError(errors, error);
    }
  });
  return h(
    "section",
    { "aria-labelledby": "test-title", class: "card" },
    h("h2", { id: "test-title" }, "Test connection"),
    h(
      "p",
      {},
      "Sends this tenant the requests Entra's Test Connection sends, with your token, and shows each answer.",
    ),
    pasted.row,
    run,
    errors,
    result,
  );
}

export function connectView(context: ViewContext): HTMLElement {
  // Kept only in this page's memory, to test the token just made; never shown again.
  let latestToken: string | undefined;
  return h(
    "div",
    { class: "view" },
    h("h1", {}, "Connect"),
    h(
      "section",
      { "aria-labelledby": "url-title", class: "card" },
      h("h2", { id: "url-title" }, "Your Tenant URL"),
      copyField("Tenant URL", context.session.tenantUrl),
    ),
    guide(),
    h(
      "section",
      { "aria-labelledby": "credentials-title" },
      h("h2", { id: "credentials-title" }, "Create a credential for Entra"),
      tokenSection(context, (token) => (latestToken = token)),
      clientSection(context),
      trustsSection(context),
    ),
    testSection(context, () => latestToken),
  );
}
