import { badRequest } from "../scim/errors";

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `since` for audit queries: an ISO time, or a span back from now such as 30m, 2h or 7d. */
export function parseSince(raw: string | undefined, now: Date): Date | undefined {
  if (raw === undefined || raw === "") return undefined;
  const span = /^(\d{1,6})([mhd])$/.exec(raw);
  if (span) return new Date(now.getTime() - Number(span[1]) * UNIT_MS[span[2] as keyof typeof UNIT_MS]);
  const time = Date.parse(raw);
  if (Number.isNaN(time))
    throw badRequest("invalidValue", "'since' must be an ISO time or a span like 30m, 2h, 7d.");
  return new Date(time);
}
