import { h, replaceChildren, time } from "../dom";
import { dataTable, row, textInput } from "../forms";
import type { ViewContext } from "../view";
import { actionForm, errorBox, reporting, rowButton, statusLine } from "../widgets";

interface Trust {
  readonly trustId: string;
  readonly issuer: string;
  readonly subject: string;
  readonly audiences: readonly string[];
  readonly jwksUri: string;
  readonly created?: string;
}

/** Workload identity federation: Entra signs in with an assertion from a trusted issuer, no secret at all. */
export function trustsSection(context: ViewContext): HTMLElement {
  const errors = errorBox();
  const done = statusLine();
  const list = h("div", { class: "trust-list" });
  const issuer = textInput("Issuer", {
    type: "url",
    required: true,
    placeholder: "https://login.microsoftonline.com/<tenant id>/v2.0",
  });
  const subject = textInput("Subject", {
    required: true,
    hint: "The subject (sub) of the assertions Entra presents.",
  });
  const audience = textInput("Audience", { required: true, hint: "Separate several audiences with commas." });
  const jwksUri = textInput("JWKS URI", {
    type: "url",
    required: true,
    hint: "Where the issuer publishes its signing keys.",
  });

  const removeButton = (trust: Trust) =>
    rowButton(
      "Remove",
      `Remove the trust for ${trust.subject}`,
      errors,
      async () => {
        await context.api.send("DELETE", `trusts/${encodeURIComponent(trust.trustId)}`);
        await load();
        done.textContent = "Trust removed.";
      },
      {
        question: "Remove this trust?",
        explanation: `Entra can no longer sign in with assertions for ${trust.subject} from ${trust.issuer}.`,
        confirmLabel: "Remove trust",
      },
    );

  const load = reporting(errors, async () => {
    const trusts = await context.api.get<Trust[]>("trusts");
    replaceChildren(
      list,
      dataTable(
        "Federation trusts",
        ["Issuer", "Subject", "Audiences", "Created", "Actions"],
        trusts.map((trust) =>
          row(
            trust.issuer,
            trust.subject,
            trust.audiences.join(", "),
            time(trust.created),
            removeButton(trust),
          ),
        ),
        "No federation trust yet.",
      ),
    );
  });

  const form = actionForm({
    title: "Add a trust",
    heading: "h4",
    fields: [issuer.row, subject.row, audience.row, jwksUri.row],
    submit: "Add trust",
    secondary: true,
    errors,
    action: async () => {
      await context.api.send("POST", "trusts", {
        issuer: issuer.input.value.trim(),
        subject: subject.input.value.trim(),
        audiences: audience.input.value
          .split(",")
          .map((value) => value.trim())
          .filter(Boolean),
        jwksUri: jwksUri.input.value.trim(),
      });
      await load();
      done.textContent = "Trust added.";
    },
  });

  void load();
  return h(
    "section",
    { "aria-labelledby": "trust-title", class: "card" },
    h("h3", { id: "trust-title" }, "Workload identity federation"),
    h("p", {}, "Instead of a secret, Entra presents a signed assertion from an issuer you trust."),
    list,
    form,
    errors,
    done,
  );
}
