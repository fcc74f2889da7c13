import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createReplyRendezvous } from "../../../src/adapters/wechat/reply-rendezvous.js";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("reply rendezvous", () => {
  it("gives the reply to exactly one waiting request", async () => {
    const rendezvous = createReplyRendezvous<string>();
    expect(rendezvous.open("m1")).toBe(true);
    expect(rendezvous.open("m1")).toBe(false);
    const first = rendezvous.wait("m1", 1000);
    const second = rendezvous.wait("m1", 1000);
    expect(rendezvous.settle("m1", "answer")).toBe(true);
    expect(await Promise.all([first, second])).toEqual(["answer", undefined]);
    expect(rendezvous.settle("m1", "again")).toBe(true);
    expect(await rendezvous.wait("m1", 1000)).toBeUndefined();
  });

  it("tells the caller to deliver another way when every request timed out", async () => {
    const rendezvous = createReplyRendezvous<string>();
    rendezvous.open("m2");
    const waiting = rendezvous.wait("m2", 100);
    vi.advanceTimersByTime(100);
    expect(await waiting).toBeUndefined();
    expect(rendezvous.settle("m2", "late answer")).toBe(false);
  });

  it("hands a late answer to a retry that is still waiting", async () => {
    const rendezvous = createReplyRendezvous<string>();
    rendezvous.open("m3");
    const first = rendezvous.wait("m3", 100);
    vi.advanceTimersByTime(100);
    const retry = rendezvous.wait("m3", 100);
    vi.advanceTimersByTime(50);
    expect(rendezvous.settle("m3", "answer")).toBe(true);
    expect(await first).toBeUndefined();
    expect(await retry).toBe("answer");
  });

  it("forgets a settled key after the memory period, and unknown keys are not taken", async () => {
    const rendezvous = createReplyRendezvous<string>(1000);
    expect(rendezvous.settle("unknown", "x")).toBe(false);
    rendezvous.open("m4");
    rendezvous.settle("m4", undefined);
    expect(rendezvous.open("m4")).toBe(false);
    vi.advanceTimersByTime(1000);
    expect(rendezvous.open("m4")).toBe(true);
  });
});
