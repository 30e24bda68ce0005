import { h, uniqueId } from "./dom";

/** A labelled text input; `hint` is tied to it with aria-describedby. */
export function textInput(
  label: string,
  options: { type?: string; required?: boolean; placeholder?: string; hint?: string } = {},
): { row: HTMLElement; input: HTMLInputElement } {
  const id = uniqueId("field");
  const hintId = options.hint ? `${id}-hint` : undefined;
  const input = h("input", {
    id,
    name: id,
    type: options.type ?? "text",
    required: options.required ?? false,
    placeholder: options.placeholder,
    "aria-describedby": hintId,
    autocomplete: "off",
  });
  const row = h(
    "div",
    { class: "field" },
    h("label", { for: id }, label),
    input,
    options.hint ? h("p", { class: "hint", id: hintId }, options.hint) : null,
  );
  return { row, input };
}

/** A table with a caption, header cells scoped to columns, and a line for no rows. */
export function dataTable(
  caption: string,
  headers: readonly string[],
  rows: readonly HTMLTableRowElement[],
  empty: string,
): HTMLElement {
  if (rows.length === 0) return h("p", { class: "muted empty" }, empty);
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      {},
      h("caption", {}, caption),
      h("thead", {}, h("tr", {}, ...headers.map((name) => h("th", { scope: "col" }, name)))),
      h("tbody", {}, ...rows),
    ),
  );
}

export function row(...cells: (Node | string | number | null | undefined)[]): HTMLTableRowElement {
  return h("tr", {}, ...cells.map((cell) => h("td", {}, cell ?? "—")));
}
