import { describe, expect, it } from "vitest";
import { parseEnglishPeriods, questionPeriod } from "../../src/facts/period.js";

describe("English days and first months as periods", () => {
  it("reads 'May 7, 2022' and '7 May 2022' as one day", () => {
    expect(questionPeriod("How many projects did Baotou sign on May 7, 2022?", "en")).toMatchObject({ kind: "day", day: "2022-05-07" });
    expect(questionPeriod("Weinan hi-tech zone, 25 May 2023: how many projects started?", "en")).toMatchObject({ kind: "day", day: "2023-05-25" });
  });

  it("reads 'the first seven months of 2024' as January to July", () => {
    const [found] = parseEnglishPeriods("in the first seven months of 2024", { year: 2026 });
    expect(found!.period).toMatchObject({ from: "2024-01", to: "2024-07" });
  });

  it("keeps the year of a day from also counting as a whole year", () => {
    expect(parseEnglishPeriods("on May 7, 2022", { year: 2026 }).map((item) => item.period.kind)).toEqual(["day"]);
  });
});
