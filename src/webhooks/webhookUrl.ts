import { lookup } from "node:dns";
import { BlockList, isIP } from "node:net";
import { ApiError } from "../events/apiError";

/**
 * Where a webhook may point. In Azure only https, and never an address of the internal network
 * (private, loopback, link-local, unique-local, CGNAT, metadata), so that a tenant cannot make the
 * connector call into Azure's or our own network. Locally, http to loopback is allowed as well.
 */
export interface TargetPolicy {
  /** Local runs: http to loopback allowed, and private targets too. */
  readonly local: boolean;
}

const BLOCKED = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  BLOCKED.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
  ["64:ff9b::", 96],
] as const) {
  BLOCKED.addSubnet(network, prefix, "ipv6");
}

const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Whether an IP address belongs to a network a webhook may not reach in Azure. */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return isPrivateAddress(mapped);
  const family = isIP(address);
  if (family === 0) return true;
  return BLOCKED.check(address, family === 4 ? "ipv4" : "ipv6");
}

function refuse(message: string): ApiError {
  return new ApiError(400, "invalid_url", message);
}

/** Checks a webhook URL as registered; throws a 400 ApiError saying what is wrong. */
export function checkWebhookUrl(raw: string, policy: TargetPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse("The webhook URL is not a valid absolute URL.");
  }
  if (raw.length > 2048) throw refuse("The webhook URL is longer than 2048 characters.");
  if (url.username || url.password) throw refuse("The webhook URL may not contain credentials.");
  const loopback = LOOPBACK_NAMES.has(url.hostname);
  if (url.protocol !== "https:" && !(policy.local && url.protocol === "http:" && loopback)) {
    throw refuse(
      policy.local
        ? "The webhook URL must use https (or http to localhost when running locally)."
        : "The webhook URL must use https.",
    );
  }
  const literal = url.hostname.replace(/^\[|\]$/g, "");
  if (!policy.local && (loopback || (isIP(literal) !== 0 && isPrivateAddress(literal)))) {
    throw refuse("The webhook URL points at a private, loopback or link-local address.");
  }
  return url;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string, family: number) => void;

/**
 * A `lookup` for http(s).request that refuses private addresses (Azure): checked on the address
 * actually connected to, so a name that resolves to an internal address (or is re-pointed there
 * after registration) is refused too.
 */
export function guardedLookup(policy: TargetPolicy) {
  return (hostname: string, options: object, callback: LookupCallback): void => {
    lookup(hostname, { ...options, all: false }, (error, address, family) => {
      if (error) {
        callback(error, "", 0);
        return;
      }
      if (!policy.local && isPrivateAddress(address)) {
        callback(
          Object.assign(new Error(`refused: ${hostname} resolves to a private address`), {
            code: "EPRIVATE",
          }),
          "",
          0,
        );
        return;
      }
      callback(null, address, family);
    });
  };
}
