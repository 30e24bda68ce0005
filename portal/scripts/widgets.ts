import { ApiError } from "./api";
import { h, uniqueId } from "./dom";

/** A polite live region: what a control did ("Copied", "Saved"), read out by screen readers. */
export function statusLine(): HTMLParagraphElement {
  return h("p", { class: "status-line", role: "status", "aria-live": "polite" });
}

/** Where a view says what went wrong; an alert, so it is read out at once. */
export function errorBox(): HTMLDivElement {
  return h("div", { class: "error", role: "alert", hidden: true });
}

/** Shows the server's message for a refused call, or the page's own words (a string). */
export function showError(box: HTMLElement, error: unknown): void {
  const message =
    typeof error === "string"
      ? error
      : error instanceof ApiError
        ? error.message
        : "Something went wrong in the page. Reload it and try again.";
  box.replaceChildren(h("strong", {}, "Not done: "), message);
  box.hidden = false;
}

export function clearError(box: HTMLElement): void {
  box.replaceChildren();
  box.hidden = true;
}

async function copyText(value: string, field: HTMLInputElement): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(value);
    return true;
  } catch {
    // No clipboard permission (an old browser, an http page on another host): select it for Ctrl+C.
    field.focus();
    field.select();
    return false;
  }
}

/** A read-only value with a Copy button; the label names both the field and the button. */
export function copyField(label: string, value: string, options: { secret?: boolean } = {}): HTMLElement {
  const id = uniqueId("copy");
  const field = h("input", {
    id,
    type: "text",
    readonly: true,
    value,
    class: options.secret ? "value secret-value" : "value",
    spellcheck: "false",
    autocomplete: "off",
  });
  const status = statusLine();
  const button = h("button", { type: "button", class: "secondary" }, "Copy");
  button.setAttribute("aria-label", `Copy ${label}`);
  button.addEventListener("click", () => {
    void copyText(value, field).then((copied) => {
      status.textContent = copied ? `${label} copied.` : "Selected: press Ctrl+C (⌘C on a Mac) to copy.";
    });
  });
  return h(
    "div",
    { class: "copy-field" },
    h("label", { for: id }, label),
    h("div", { class: "copy-row" }, field, button),
    status,
  );
}

/**
 * A newly made secret, shown this once: the server never returns it again. "I have copied it"
 * removes it from the page, so it does not linger on screen.
 */
export function secretOnce(
  title: string,
  fields: readonly { label: string; value: string; secret?: boolean }[],
  note?: string,
): HTMLElement {
  const headingId = uniqueId("secret");
  const panel = h(
    "section",
    { class: "secret-once", "aria-labelledby": headingId },
    h("h4", { id: headingId }, title),
    h(
      "p",
      { class: "warning" },
      h("strong", {}, "Copy it now. "),
      "It is shown only this once: we keep only a fingerprint of it and cannot show it again. If you lose it, create a new one.",
    ),
    ...fields.map((field) =>
      copyField(field.label, field.value, field.secret === undefined ? {} : { secret: field.secret }),
    ),
    note ? h("p", {}, note) : null,
  );
  const done = h("button", { type: "button" }, "I have copied it");
  done.addEventListener("click", () => {
    panel.replaceChildren(h("p", { class: "muted" }, `${title}: hidden. It cannot be shown again.`));
  });
  panel.appendChild(done);
  return panel;
}

/**
 * Asks before something that cannot be undone, in a modal dialog (focus stays inside, Escape
 * cancels). Resolves true when the admin confirmed.
 */
export function confirmAction(question: string, explanation: string, confirmLabel: string): Promise<boolean> {
  const titleId = uniqueId("confirm");
  const dialog = h(
    "dialog",
    { class: "confirm", "aria-labelledby": titleId },
    h("h2", { id: titleId }, question),
    h("p", {}, explanation),
  );
  const yes = h("button", { type: "button", class: "danger" }, confirmLabel);
  const no = h("button", { type: "button", class: "secondary" }, "Cancel");
  dialog.appendChild(h("div", { class: "actions" }, yes, no));
  document.body.appendChild(dialog);
  return new Promise((resolve) => {
    const finish = (answer: boolean) => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    yes.addEventListener("click", () => {
      finish(true);
    });
    no.addEventListener("click", () => {
      finish(false);
    });
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      finish(false);
    });
    dialog.showModal();
    no.focus();
  });
}

/** Disables a button while its action runs, so a double click or a second Enter sends one request. */
function runBusy(button: HTMLButtonElement, action: () => Promise<void>): void {
  if (button.disabled) return;
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  void action().finally(() => {
    button.disabled = false;
    button.removeAttribute("aria-busy");
  });
}

export function onClickBusy(button: HTMLButtonElement, action: () => Promise<void>): void {
  button.addEventListener("click", () => {
    runBusy(button, action);
  });
}

/** A form sent by its submit button or Enter, without leaving the page. */
export function onSubmitBusy(
  form: HTMLFormElement,
  submit: HTMLButtonElement,
  action: () => Promise<void>,
): void {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    runBusy(submit, action);
  });
}

/** `action` with the section's error box cleared first and showing what failed after. */
export function reporting(errors: HTMLElement, action: () => Promise<void>): () => Promise<void> {
  return async () => {
    clearError(errors);
    try {
      await action();
    } catch (error) {
      showError(errors, error);
    }
  };
}

interface Confirmation {
  readonly question: string;
  readonly explanation: string;
  readonly confirmLabel: string;
}

/**
 * A button in a list's row: `name` is what a screen reader hears (it starts with the visible `label`),
 * `confirm` asks first for what cannot be undone.
 */
export function rowButton(
  label: string,
  name: string,
  errors: HTMLElement,
  action: () => Promise<void>,
  confirm?: Confirmation,
): HTMLButtonElement {
  const button = h(
    "button",
    { type: "button", class: confirm ? "danger small" : "secondary small", "aria-label": name },
    label,
  );
  const run = reporting(errors, action);
  onClickBusy(button, async () => {
    if (confirm && !(await confirmAction(confirm.question, confirm.explanation, confirm.confirmLabel)))
      return;
    await run();
  });
  return button;
}

/** A titled form of `fields` whose submit button (or Enter) runs `action`, then empties the form. */
export function actionForm(options: {
  readonly title: string;
  readonly heading?: "h3" | "h4";
  readonly fields: readonly Node[];
  readonly submit: string;
  readonly secondary?: boolean;
  readonly errors: HTMLElement;
  readonly action: () => Promise<void>;
}): HTMLFormElement {
  const titleId = uniqueId("form");
  const form = h(
    "form",
    { class: "stacked", "aria-labelledby": titleId },
    h(options.heading ?? "h3", { id: titleId }, options.title),
    ...options.fields,
  );
  const submit = h(
    "button",
    { type: "submit", class: options.secondary ? "secondary" : undefined },
    options.submit,
  );
  form.appendChild(submit);
  onSubmitBusy(
    form,
    submit,
    reporting(options.errors, async () => {
      await options.action();
      form.reset();
    }),
  );
  return form;
}
