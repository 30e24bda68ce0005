import type { Exchange } from "../../../packages/entra-replay/src/client";
import {
  galleryOverall,
  galleryResults,
  groupProblems,
  Recorder,
  type GalleryResult,
} from "../../../packages/entra-replay/src/report";

const exchange = (seq: number, status: number): Exchange => ({
  seq,
  kind: "provisioning",
  method: "PATCH",
  path: `/Users/${seq}`,
  status,
  responseText: "",
  latencyMs: 1,
});

describe("grouping failed checks into problems", () => {
  it("one problem per fault across users and dialects, loud when a request was refused", () => {
    const recorder = new Recorder();
    const step = recorder.step("disable");
    step.check("PATCH /Users/{id} → 200 or 204", false, {
      subject: "a",
      dialect: "default",
      escrow: true,
      problem: "stringBoolean",
      exchange: exchange(1, 400),
    });
    step.check("PATCH /Users/{id} → 200 or 204", false, {
      subject: "b",
      dialect: "default",
      escrow: true,
      problem: "stringBoolean",
      exchange: exchange(2, 400),
    });
    step.check("active returned as a JSON boolean with the sent value", false, {
      subject: "a",
      problem: "stringBoolean",
    });
    recorder
      .step("members", { dialect: "aadOptscim062020" })
      .check("re-adding a member keeps it listed once", false, {
        subject: "g",
        problem: "memberDuplicated",
      });
    recorder.step("other").check("something else", false, { subject: "x" });
    recorder.step("fine").check("all good", true);
    const problems = groupProblems(recorder.checks);
    expect(
      problems.map((problem) => [problem.id, problem.occurrences, problem.subjects, problem.silent]),
    ).toEqual([
      ["stringBoolean", 3, 2, false],
      ["memberDuplicated", 1, 1, true],
      ["check:something else", 1, 1, true],
    ]);
    expect(problems[0]?.dialects).toEqual(["default"]);
    expect(problems[0]?.evidence?.seq).toBe(1);
    expect(problems[1]?.dialects).toEqual(["aadOptscim062020"]);
    expect(problems[2]?.title).toBe("something else");
  });
});

describe("Microsoft's outcome per gallery test", () => {
  it("PASSED, FAILED, WARNING for optional tests, SKIPPED with the reason", () => {
    const recorder = new Recorder();
    recorder.step("a", { gallery: { name: "Create_User_Test", mandatory: true } }).check("ok", true);
    recorder
      .step("b", { gallery: { name: "Disable_User_Test", mandatory: true } })
      .check("active false", false);
    recorder.step("c", { gallery: { name: "Delete_User_Test", mandatory: false } }).check("gone", false);
    recorder
      .step("d", { gallery: { name: "Federated_Identity_Test", mandatory: true } })
      .skip("no assertion");
    recorder.step("e", { gallery: { name: "POD_User_Test", mandatory: true } });
    recorder.step("not a gallery step").check("x", false);
    expect(
      galleryResults(
        recorder.steps.map((s) => ({
          name: s.name,
          checks: s.checks,
          ...s.options,
          ...(s.skipped ? { skipped: s.skipped } : {}),
        })),
      ).map((test) => [test.name, test.result]),
    ).toEqual([
      ["Create_User_Test", "PASSED"],
      ["Disable_User_Test", "FAILED"],
      ["Delete_User_Test", "WARNING"],
      ["Federated_Identity_Test", "SKIPPED"],
      ["POD_User_Test", "FAILED"],
    ]);
  });
});

describe("Microsoft's overall result", () => {
  const test = (name: string, result: GalleryResult["result"], mandatory = true): GalleryResult => ({
    name,
    mandatory,
    result,
  });

  it("succeeds when every mandatory test passed or was skipped and one authentication test passed", () => {
    expect(
      galleryOverall([
        test("Create_User_Test", "PASSED"),
        test("User_Update_Manager_Test", "SKIPPED"),
        test("Delete_User_Test", "WARNING", false),
        test("Validate_Credentials_Test", "PASSED"),
        test("Federated_Identity_Test", "SKIPPED"),
      ])?.succeeded,
    ).toBe(true);
  });

  it("fails on a mandatory failure, naming it, and when neither authentication test passed", () => {
    expect(
      galleryOverall([test("Disable_User_Test", "FAILED"), test("Validate_Credentials_Test", "PASSED")]),
    ).toEqual({ succeeded: false, reason: "mandatory tests failed: Disable_User_Test" });
    const unauthenticated = galleryOverall([
      test("Create_User_Test", "PASSED"),
      test("Validate_Credentials_Test", "SKIPPED"),
      test("Federated_Identity_Test", "SKIPPED"),
    ]);
    expect(unauthenticated?.succeeded).toBe(false);
    expect(unauthenticated?.reason).toContain("must pass");
    expect(galleryOverall([])).toBeUndefined();
  });
});
