const encoder = new TextEncoder();

/**
 * Writes `resource` as JSON with `attribute` as an array filled from `pages` while they arrive, so
 * the response never holds more than one page of the array in memory.
 */
export async function* jsonWithStreamedArray(
  resource: Readonly<Record<string, unknown>>,
  attribute: string,
  pages: AsyncIterable<readonly unknown[]>,
): AsyncIterable<Uint8Array> {
  const { [attribute]: _replaced, ...rest } = resource;
  const whole = JSON.stringify({ ...rest, [attribute]: [] });
  // The attribute is the last key, so its empty array closes the text: split just inside it.
  const splitAt = whole.length - 2;
  yield encoder.encode(whole.slice(0, splitAt));
  let first = true;
  for await (const page of pages) {
    if (page.length === 0) continue;
    const items = page.map((item) => JSON.stringify(item)).join(",");
    yield encoder.encode(first ? items : `,${items}`);
    first = false;
  }
  yield encoder.encode(whole.slice(splitAt));
}
