import { parseArgs } from "node:util";
import { ApiError } from "../src/events/apiError";
import { EVENT_TYPES } from "../src/events/eventTypes";
import { TenantAdminError } from "../src/tenants/tenantAdmin";
import { textCommand } from "./cliCommand";
import { DEFAULT_OVERLAP_HOURS, type WebhookAdmin } from "../src/webhooks/webhookAdmin";
import type { WebhookEndpoint } from "../src/webhooks/webhookStore";

const WEBHOOK_USAGE = `Webhooks (signed with Standard Webhooks; delivered through the storage queues):
  webhook add <tenantId> <url> [--events type,type] [--description text]
                        a new endpoint (all event types unless --events); prints its signing secret once
                        types: ${EVENT_TYPES.join(", ")}
  webhook list <tenantId>
  webhook remove <tenantId> <endpointId>
  webhook rotate-secret <tenantId> <endpointId> [--overlap-hours n]
                        a new secret; the old one keeps signing beside it for n hours (default ${DEFAULT_OVERLAP_HOURS})
  webhook replay <tenantId> <endpointId> --from <sequence> [--to <sequence>]
                        deliver those events again (same webhook-id: receivers deduplicate)
  webhook deliveries <tenantId> <endpointId> [--limit n]
                        the delivery log: status, attempts, last error, latency
  webhook enable <tenantId> <endpointId>
                        re-enable an endpoint that was disabled after failing for too long`;

function fail(message: string): never {
  throw new TenantAdminError(`${message}\n\n${WEBHOOK_USAGE}`);
}

function describe(endpoint: WebhookEndpoint): string {
  const types = endpoint.eventTypes.length === 0 ? "all events" : endpoint.eventTypes.join(",");
  const reason = endpoint.disabledReason ? ` (${endpoint.disabledReason})` : "";
  const paused =
    endpoint.status === "enabled" && endpoint.paused
      ? ` (paused until ${endpoint.paused.until}, from event ${endpoint.paused.from})`
      : "";
  return `${endpoint.id}\t${endpoint.status}${reason}${paused}\t${endpoint.url}\t${types}`;
}

function integer(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,15}$/.test(value)) fail(`--${name} must be a whole number.`);
  return Number(value);
}

async function run(admin: WebhookAdmin, argv: readonly string[]): Promise<string> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      json: { type: "boolean", default: false },
      events: { type: "string" },
      description: { type: "string" },
      "overlap-hours": { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
      limit: { type: "string" },
      verbose: { type: "boolean" },
      url: { type: "string" },
    },
  });
  const [action, tenantId, target] = positionals;
  if (tenantId === undefined) fail(`'webhook ${action ?? ""}' needs a tenant id.`);
  const json = values.json;
  const needTarget = (what: string): string => target ?? fail(`'webhook ${action ?? ""}' needs ${what}.`);
  switch (action) {
    case "add": {
      const url = needTarget("a URL");
      const eventTypes = values.events
        ?.split(",")
        .map((type) => type.trim())
        .filter(Boolean);
      const { endpoint, secret } = await admin.add(tenantId, {
        url,
        ...(eventTypes ? { eventTypes } : {}),
        ...(values.description ? { description: values.description } : {}),
      });
      if (json) return JSON.stringify({ ...endpoint, secret });
      return [
        `Endpoint: ${endpoint.id}`,
        `URL:      ${endpoint.url}`,
        `Events:   ${endpoint.eventTypes.length === 0 ? "all" : endpoint.eventTypes.join(", ")}`,
        `Secret:   ${secret}`,
        "",
        "The secret is shown only now. Verify each delivery's webhook-signature with it (Standard Webhooks).",
      ].join("\n");
    }
    case "list": {
      const endpoints = await admin.list(tenantId);
      if (json) return JSON.stringify(endpoints);
      return endpoints.length === 0 ? "(none)" : endpoints.map(describe).join("\n");
    }
    case "remove": {
      const id = needTarget("an endpoint id");
      await admin.remove(tenantId, id);
      return json ? JSON.stringify({ tenantId, id, status: "removed" }) : `Endpoint '${id}' removed.`;
    }
    case "rotate-secret": {
      const id = needTarget("an endpoint id");
      const overlap = integer(values["overlap-hours"], "overlap-hours") ?? DEFAULT_OVERLAP_HOURS;
      const secret = await admin.rotateSecret(tenantId, id, overlap);
      if (json) return JSON.stringify({ tenantId, id, secret, overlapHours: overlap });
      return `New secret: ${secret}\nThe previous secret keeps signing beside it for ${overlap} hours; shown only now.`;
    }
    case "replay": {
      const id = needTarget("an endpoint id");
      const from = integer(values.from, "from") ?? fail("'webhook replay' needs --from <sequence>.");
      const queued = await admin.replay(tenantId, id, from, integer(values.to, "to"));
      return json ? JSON.stringify({ tenantId, id, queued }) : `${queued} deliveries queued again.`;
    }
    case "deliveries": {
      const id = needTarget("an endpoint id");
      const records = await admin.deliveries(tenantId, id, integer(values.limit, "limit") ?? 20);
      if (json) return JSON.stringify(records);
      if (records.length === 0) return "(no deliveries yet)";
      return records
        .map((record) =>
          [
            `#${record.sequence}`,
            record.type,
            record.status,
            `attempts ${record.attempts}`,
            record.lastStatus === undefined ? "" : `HTTP ${record.lastStatus}`,
            record.latencyMs === undefined ? "" : `${record.latencyMs} ms`,
            record.lastError ?? "",
            record.updated,
          ]
            .filter(Boolean)
            .join("\t"),
        )
        .join("\n");
    }
    case "enable": {
      const endpoint = await admin.enable(tenantId, needTarget("an endpoint id"));
      return json ? JSON.stringify(endpoint) : `Endpoint '${endpoint.id}' enabled.`;
    }
    default:
      return fail(`Unknown webhook command '${action ?? ""}'.`);
  }
}

/** `npm run tenant -- webhook add|list|remove|rotate-secret|replay|deliveries|enable <tenantId> …` */
export async function webhookCommand(argv: readonly string[], admin: WebhookAdmin): Promise<string> {
  try {
    return await run(admin, argv);
  } catch (error) {
    throw error instanceof ApiError ? new TenantAdminError(error.message) : error;
  }
}

/** `webhook …` as a command of the tenant CLI. */
export const webhookCliCommand = textCommand({
  name: "webhook",
  summary: "webhook endpoints: webhook add|list|remove|rotate-secret|replay|deliveries|enable <tenantId>",
  usage: WEBHOOK_USAGE,
  run: async (argv, context) => webhookCommand(argv, (await context.services()).webhooks),
});
