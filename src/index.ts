import { app } from "@azure/functions";
import { services } from "./app/services";
import { registerFunctions } from "./functions/register";

app.setup({ enableHttpStream: false });
// Validate the configuration at start-up, so a bad setting fails the host instead of a request.
services();
registerFunctions();
