import { app } from "@azure/functions";
import { loadConfig } from "./config";
import { registerFunctions } from "./functions/register";
import { startTelemetry } from "./telemetry";

// Streamed responses let a 100,000-member group be sent without holding it in memory.
app.setup({ enableHttpStream: true });
// Validate the configuration at start-up, so a bad setting fails the host instead of a request.
const config = loadConfig();
// Before the first invocation, so that custom events are tied to the host's request telemetry.
startTelemetry(config);
// Builds the services (the composition root) and hands them to every function it registers.
registerFunctions(config);
