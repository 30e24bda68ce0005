import { formatTime, h, replaceChildren, uniqueId } from "../dom";
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

function clientSection(
  context: ViewContext,
  remember: (client: { clientId: string; clientSecret: string }) => void,
): HTMLElement {
  const errors = errorBox();
  const output = h("div", { class: "secret-slot" });
  const create = h("button", { type: "button", class: "secondary" }, "Create OAuth client");
  onClickBusy(
    create,
    reporting(errors, async () => {
      const created = await context.api.send<CreatedClient>("POST", "credentials/clients");
      remember({ clientId: created.clientId, clientSecret: created.clientSecret });
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

/** What this page made, kept only in its memory so Test connection can use it; never shown again. */
interface MadeHere {
  token?: string;
  client?: { readonly clientId: string; readonly clientSecret: string };
}

type TestBody = { token: string } | { clientId: string; clientSecret: string };

function choice(name: string, value: string, label: string, checked: boolean): HTMLElement {
  const id = uniqueId(name);
  return h(
    "label",
    { class: "choice", for: id },
    h("input", { type: "radio", name, value, id, checked }),
    ` ${label}`,
  );
}

function testSection(context: ViewContext, made: MadeHere): HTMLElement {
  const errors = errorBox();
  const result = h("div", { class: "test-result", "aria-live": "polite" });
  const token = textInput("Secret Token to test", {
    type: "password",
    hint: "The token you pasted into Entra. Leave it empty to test the token you created on this page.",
  });
  const clientId = textInput("Client ID to test");
  const clientSecret = textInput("Client secret to test", {
    type: "password",
    hint: "Leave both empty to test the OAuth client you created on this page.",
  });
  const clientFields = h("div", { hidden: true }, clientId.row, clientSecret.row);
  const mode = h(
    "fieldset",
    { class: "test-with" },
    h("legend", {}, "Test with"),
    choice("test-with", "token", "Secret Token", true),
    choice("test-with", "client", "OAuth client", false),
  );
  const usingClient = () => mode.querySelector<HTMLInputElement>("input[value=client]")?.checked === true;
  mode.addEventListener("change", () => {
    clientFields.hidden = !usingClient();
    token.row.hidden = usingClient();
  });

  const body = (): TestBody | undefined => {
    if (!usingClient()) {
      const value = token.input.value.trim() || made.token;
      return value ? { token: value } : undefined;
    }
    const id = clientId.input.value.trim();
    const secret = clientSecret.input.value.trim();
    if (id && secret) return { clientId: id, clientSecret: secret };
    return made.client ? { ...made.client } : undefined;
  };

  const run = h("button", { type: "button" }, "Test connection");
  onClickBusy(run, async () => {
    replaceChildren(result);
    const credential = body();
    if (!credential) {
      clearError(errors);
      showError(
        errors,
        usingClient()
          ? "Enter the client ID and secret you entered in Entra, or create a client above, then test again."
          : "Paste the Secret Token you entered in Entra, or create one above, then test again.",
      );
      return;
    }
    replaceChildren(result, h("p", { class: "muted" }, "Sending Entra's Test Connection requests…"));
    await reporting(errors, async () => {
      try {
        const answer = await context.api.send<ConnectionResult>("POST", "test-connection", credential);
        replaceChildren(
          result,
          h(
            "p",
            { class: answer.ok ? "verdict ok" : "verdict failed" },
            answer.ok
              ? "Connection works: Entra's Test Connection would succeed."
              : "Connection fails: Entra's Test Connection would fail. See the failed check below.",
          ),
          h(
            "p",
            { class: "muted" },
            `Tested with: ${"token" in credential ? "Secret Token" : "OAuth client"}.`,
          ),
          h("ul", { class: "checks" }, ...answer.checks.map(checkItem)),
        );
      } catch (error) {
        replaceChildren(result);
        throw error;
      }
    })();
  });
  return h(
    "section",
    { "aria-labelledby": "test-title", class: "card" },
    h("h2", { id: "test-title" }, "Test connection"),
    h(
      "p",
      {},
      "Sends this tenant the requests Entra's Test Connection sends, with your credential, and shows each answer.",
    ),
    mode,
    token.row,
    clientFields,
    run,
    errors,
    result,
  );
}

export function connectView(context: ViewContext): HTMLElement {
  const made: MadeHere = {};
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
      tokenSection(context, (token) => (made.token = token)),
      clientSection(context, (client) => (made.client = client)),
      trustsSection(context),
    ),
    testSection(context, made),
  );
}
