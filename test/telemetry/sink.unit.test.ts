describe("startTelemetry", () => {
  afterEach(() => {
    jest.resetModules();
    jest.dontMock("applicationinsights");
  });

  it("stays a no-op and loads neither the SDK nor @azure/identity without a connection string", () => {
    const loaded: string[] = [];
    jest.doMock("applicationinsights", () => {
      loaded.push("applicationinsights");
      return {};
    });
    jest.isolateModules(() => {
      const sink = jest.requireActual<typeof import("../../src/telemetry")>("../../src/telemetry");
      expect(sink.startTelemetry({})).toBe(sink.noTelemetry);
      expect(sink.startTelemetry({ APPLICATIONINSIGHTS_CONNECTION_STRING: "" })).toBe(sink.noTelemetry);
      expect(sink.telemetry()).toBe(sink.noTelemetry);
      expect(sink.isTelemetryOn()).toBe(false);
    });
    expect(loaded).toEqual([]);
  });

  it("starts Application Insights once when the connection string is set", () => {
    const setups: string[] = [];
    const configuration = new Proxy(
      {},
      {
        get: (_target, property) => (property === "then" ? undefined : () => configuration),
      },
    );
    jest.doMock("applicationinsights", () => ({
      setup: (connectionString: string) => {
        setups.push(connectionString);
        return configuration;
      },
      start: () => configuration,
      dispose: () => undefined,
      defaultClient: { config: {}, trackEvent: () => undefined, flush: () => Promise.resolve() },
    }));
    jest.isolateModules(() => {
      const sink = jest.requireActual<typeof import("../../src/telemetry")>("../../src/telemetry");
      const settings = { APPLICATIONINSIGHTS_CONNECTION_STRING: "InstrumentationKey=x" };
      const started = sink.startTelemetry(settings);
      expect(started).not.toBe(sink.noTelemetry);
      expect(sink.startTelemetry(settings)).toBe(started);
      expect(sink.telemetry()).toBe(started);
      expect(sink.isTelemetryOn()).toBe(true);
    });
    expect(setups).toEqual(["InstrumentationKey=x"]);
  });
});
