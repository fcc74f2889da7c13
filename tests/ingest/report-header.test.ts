import { describe, expect, it } from "vitest";
import { detectReportDate } from "../../src/ingest/dates.js";
import { detectZones } from "../../src/ingest/zones.js";

describe("report headers of real web reports", () => {
  it("takes the date from the source line under the title", () => {
    expect(detectReportDate("包头稀土高新区集中签约21个重大项目\n2022-05-08 内蒙古日报\n正文……")).toBe("2022-05-08");
    expect(detectReportDate("高新区举行动员会\n2023-05-25(活动日期,页面未载发布日期) 渭南高新区管委会网站\n正文")).toBe("2023-05-25");
    expect(detectReportDate("（原页面未保存标题）\n2023-11(页面未载日期,据正文为2023年1-10月数据)\n正文")).toBe("2023-11");
    expect(detectReportDate("（原页面未保存标题）\n2024年(页面未载日期)\n正文")).toBe("2024");
  });

  it("does not take a date inside the body's first sentence for the report's", () => {
    expect(detectReportDate("标题\n记者从某地获悉,2022-05-08当天签约了21个项目,总投资很多很多很多很多很多很多很多很多很多很多很多很多很多很多很多很多很多很多很多很多。")).toBeUndefined();
  });

  it("knows a county's zone that no place list holds", () => {
    expect(detectZones("旺苍县工业园区实现工业总产值").map((zone) => zone.name)).toContain("旺苍县工业园区");
  });
});
