import { Consumer } from "./consumer";

/**
 * `npm run consumer`: the sample application. Settings come from the environment:
 *   CONSUMER_API_URL  e.g. http://127.0.0.1:7071/api/v1/tenants/demo
 *   CONSUMER_APP_KEY  from `npm run tenant -- app-key create demo`
 *   CONSUMER_SECRET   from `npm run tenant -- webhook add demo http://127.0.0.1:7072/webhook`
 *   CONSUMER_PORT     where it listens for webhooks (default 7072)
 *   CONSUMER_STATE    where it keeps its copy (default .consumer-state.json)
 */
function setting(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`Set ${name} (see examples/consumer/README.md).`);
    process.exit(1);
  }
  return value;
}

async function main(): Promise<void> {
  const consumer = new Consumer({
    baseUrl: setting("CONSUMER_API_URL"),
    appKey: setting("CONSUMER_APP_KEY"),
    webhookSecret: setting("CONSUMER_SECRET"),
    stateFile: process.env.CONSUMER_STATE ?? ".consumer-state.json",
    pollMs: 60_000,
  });
  const url = await consumer.start(Number(process.env.CONSUMER_PORT ?? 7072));
  await consumer.sync();
  const { users, groups } = consumer.state;
  console.log(
    `Consumer listening at ${url}: ${Object.keys(users).length} users, ${Object.keys(groups).length} groups.`,
  );
  process.once("SIGINT", () => {
    void consumer.stop().then(() => process.exit(0));
  });
}

void main();
