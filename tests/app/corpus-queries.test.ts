import { describe, expect, it } from "vitest";
import { passageInPeriod, readPeriod } from "../../src/app/corpus-queries.js";
import { AppError } from "../../src/core/errors.js";

/** The period filter of search_passages and the LangChain retriever, on hand-written passages. */

describe("readPeriod", () => {
  it("reads years, spans, halves and plan periods", () => {
    expect(readPeriod("2023")).toMatchObject({ from: "2023-01", to: "2023-12" });
    expect(readPeriod("2023年")).toMatchObject({ from: "2023-01", to: "2023-12" });
    expect(readPeriod("2021-2023")).toMatchObject({ from: "2021-01", to: "2023-12" });
    expect(readPeriod("2023年上半年")).toMatchObject({ from: "2023-01", to: "2023-06" });
    expect(readPeriod("十三五")).toMatchObject({ from: "2016-01", to: "2020-12" });
    expect(readPeriod("first half of 2023")).toMatchObject({ from: "2023-01", to: "2023-06" });
  });

  it("refuses what it cannot place in time, saying what to send", () => {
    for (const text of ["sometime", "上半年", "2023-2021"]) {
      let caught: unknown;
      try {
        readPeriod(text);
      } catch (error) {
        caught = error;
      }
      expect(caught, text).toBeInstanceOf(AppError);
      expect((caught as AppError).code).toBe("REQUEST_INVALID");
      expect((caught as AppError).hint).toContain("2023年上半年");
    }
  });
});

describe("passageInPeriod", () => {
  const half2023 = readPeriod("2023年上半年");
  it("goes by the periods the text states, read against the report's year", () => {
    expect(passageInPeriod({ text: "今年上半年，清河高新区实际到位资金105.63亿元。", date: "2023-07-20" }, half2023)).toBe(true);
    expect(passageInPeriod({ text: "今年上半年，清河高新区实际到位资金105.63亿元。", date: "2022-07-20" }, half2023)).toBe(false);
    expect(passageInPeriod({ text: "“十三五”期间，白山经开区实际利用外资6836万美元。", date: "2023-03-02" }, half2023)).toBe(false);
    expect(passageInPeriod({ text: "“十三五”期间，白山经开区实际利用外资6836万美元。", date: "2021-03-02" }, readPeriod("2018"))).toBe(true);
  });

  it("falls back to the report date when the text states no period", () => {
    expect(passageInPeriod({ text: "东湖高新区推行“一网通办”。", date: "2023-05-09" }, half2023)).toBe(true);
    expect(passageInPeriod({ text: "东湖高新区推行“一网通办”。", date: "2023-09-09" }, half2023)).toBe(false);
    expect(passageInPeriod({ text: "东湖高新区推行“一网通办”。" }, half2023)).toBe(false);
  });
});
