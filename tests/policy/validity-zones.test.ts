import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { extractFrontMatter } from "../../src/ingest/front-matter.js";
import { issuingPlaces, placeOfAdministrativeName } from "../../src/ingest/issuing-body.js";
import { readCorpus } from "../../src/ingest/read-corpus.js";
import { htmlToDocument } from "../../src/ingest/readers/html.js";
import { addYears, hasExpired, mergeValidity, parseValidity } from "../../src/ingest/validity.js";

describe("parseValidity", () => {
  it("reads an effective date and a term", () => {
    const validity = parseValidity("其他条款略。本意见自2024年3月1日起施行，有效期三年。");
    expect(validity).toMatchObject({ effective: "2024-03-01", termYears: 3, term: "有效期三年", expires: "2027-02-28" });
    expect(validity.statements).toEqual(["本意见自2024年3月1日起施行，有效期三年。"]);
  });

  it("reads a policy period given as years", () => {
    expect(parseValidity("本政策期限为2016年至2018年。")).toMatchObject({ effective: "2016", expires: "2018-12-31" });
    expect(parseValidity("政策执行期限：2021年—2023年。")).toMatchObject({ effective: "2021", expires: "2023-12-31" });
  });

  it("reads 'from the day of issue' against the document date, and an explicit end date", () => {
    expect(parseValidity("本措施自印发之日起施行，有效期至2026年12月31日。", "2024-03-15")).toMatchObject({
      effective: "2024-03-15",
      effectiveFromIssue: true,
      expires: "2026-12-31",
    });
  });

  it("reads the documents a policy replaces", () => {
    const validity = parseValidity("本办法自2020年1月1日起施行，原《柳河县招商引资优惠办法》（柳政发〔2016〕3号）同时废止。");
    expect(validity.supersedes).toEqual(["柳河县招商引资优惠办法"]);
    expect(validity.effective).toBe("2020-01-01");
  });

  it("lets the catalog win and computes an end from a term", () => {
    expect(mergeValidity(parseValidity("有效期三年。"), { effective: "2021-07-01" })).toMatchObject({ effective: "2021-07-01", expires: "2024-06-30" });
    expect(mergeValidity(parseValidity("有效期三年。"), { expires: "2025" })?.expires).toBe("2025-12-31");
    expect(mergeValidity({}, undefined)).toBeUndefined();
    expect(addYears("2016-01-01", 3)).toBe("2018-12-31");
    expect(hasExpired({ expires: "2018-12-31" }, "2024-01-01")).toBe(true);
    expect(hasExpired({ expires: "2027-02-28" }, "2024-01-01")).toBe(false);
  });

  it("reads validity from front matter", () => {
    const { metadata } = extractFrontMatter("---\ntitle: 办法\neffective: 2024-03-01\nexpires: 2026-12-31\nsupersedes: [旧办法]\n---\n正文。");
    expect(metadata).toMatchObject({ effective: "2024-03-01", expires: "2026-12-31", supersedes: ["旧办法"] });
  });
});

describe("places of a document's issuing body", () => {
  it("finds a county no gazetteer lists from the issuer line", () => {
    expect(issuingPlaces("中共柳河县委 柳河县人民政府关于加快文化旅游产业发展的若干意见", "各乡镇党委和人民政府：")).toEqual([{ name: "柳河县", place: "柳河" }]);
    expect(issuingPlaces("关于印发若干措施的通知", "吉林省通化市柳河县人民政府办公室\n各乡镇")).toEqual([{ name: "柳河县", place: "柳河" }]);
    expect(issuingPlaces("绵阳高新区关于支持先进制造业发展的若干政策措施", "（2024年3月15日 绵阳高新区管委会印发）")).toEqual([]);
    expect(placeOfAdministrativeName("柳河县")).toBe("柳河");
    expect(placeOfAdministrativeName("本县")).toBeUndefined();
  });

  it("takes a zone declared in HTML meta", () => {
    const { metadata } = htmlToDocument('<html><head><meta name="zone" content="柳河县, 柳河"><title>若干意见</title></head><body><p>正文。</p></body></html>');
    expect(metadata.zones).toEqual(["柳河县", "柳河"]);
  });

  it("indexes such a document under the county, with its validity on every chunk, and marks what it replaced", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "policy-"));
    try {
      await writeFile(
        path.join(dir, "new.txt"),
        "中共柳河县委 柳河县人民政府关于加快文化旅游产业发展的若干意见\n\n一、支持范围\n1.对新评定的国家4A级旅游景区，一次性奖励100万元。\n2.对新建民宿，每间补贴5000元。\n3.对旅行社组织游客来县旅游，每人奖励20元。\n二、附则\n本意见自2019年1月1日起施行，政策期限为2019年至2021年，原《柳河县旅游发展奖励办法》同时废止。\n",
      );
      await writeFile(path.join(dir, "old.txt"), "柳河县旅游发展奖励办法\n\n第一条 对新评定的国家4A级旅游景区，奖励50万元。\n第二条 对旅行社，每人奖励10元。\n第三条 本办法自2016年1月1日起施行。\n");
      const corpus = await readCorpus(dir);
      expect(corpus.places).toContain("柳河");
      const fresh = corpus.chunks.filter((chunk) => chunk.source.endsWith("new.txt"));
      expect(fresh[0]!.zones.slice(0, 2)).toEqual(["柳河县", "柳河"]);
      expect(fresh.every((chunk) => chunk.validity?.expires === "2021-12-31")).toBe(true);
      const old = corpus.chunks.filter((chunk) => chunk.source.endsWith("old.txt"));
      expect(old[0]!.validity?.supersededBy).toEqual([fresh[0]!.title]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
