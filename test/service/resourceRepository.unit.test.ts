import { userKind } from "../../src/store/resourceKinds";
import { InMemoryResourceRepository } from "../support/inMemoryResourceRepository";
import { describeUserRepositoryContract } from "./resourceRepositoryContract";

describeUserRepositoryContract("in memory", () => Promise.resolve(new InMemoryResourceRepository(userKind)));
