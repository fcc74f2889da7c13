import { describe, expect, it } from "vitest";
import { cleanText } from "../../src/ingest/clean-text.js";

function expectOffsetsMatch(raw: string, text: string, offsets: number[]) {
  expect(offsets).toHaveLength(text.length);
  for (let index = 0; index < text.length; index++) {
    if (text[index] === "\n" || text[index] === " ") continue;
    const original = raw[offsets[index]];
    const normalised = original.normalize("NFKC");
    expect([original, normalised]).toContain(text[index]);
    if (index > 0) expect(offsets[index]).toBeGreaterThan(offsets[index - 1]);
  }
}

describe("cleanText", () => {
  it("removes spaces inside Chinese but keeps them between Latin words", () => {
    const raw = "在区域招商竞争日益激烈的 当下，地处秦巴腹地的安康高新 区与 Jing De Zhen 合作。";
    const { text, offsets } = cleanText(raw);
    expect(text).toBe("在区域招商竞争日益激烈的当下，地处秦巴腹地的安康高新区与Jing De Zhen合作。");
    expectOffsetsMatch(raw, text, offsets);
  });

  it("joins a word broken across paragraphs", () => {
    const raw = "2018年，原本在江西宜春深耕新材料新\n\n能源产业多年的浙江大学博士赵杰来到高新区。";
    expect(cleanText(raw).text).toBe("2018年，原本在江西宜春深耕新材料新能源产业多年的浙江大学博士赵杰来到高新区。");
  });

  it("removes a photo caption inserted in the middle of a broken word", () => {
    const raw =
      "4月份,衡阳高新区出台《衡阳高新区招商引资工作推进方案》,向衡阳高\n\n\n\n衡阳高新区政务中心首批“帮代办”专员正式上岗。\n\n陈敏/摄\n\n新区10个相关部门下达“任务书”。";
    const { text, offsets } = cleanText(raw);
    expect(text).toBe("4月份,衡阳高新区出台《衡阳高新区招商引资工作推进方案》,向衡阳高新区10个相关部门下达“任务书”。");
    expectOffsetsMatch(raw, text, offsets);
  });

  it("drops page numbers, editor credits, bylines and keeps paragraph breaks", () => {
    const raw = "总策划 张思成 刘云 编辑 吴昌勇 王拥\n校对 吴苏 美编 国芳 答进\n\n13\n\n第一段结束。\n\n第二段开始，总投资１０５.６３亿元。徐珊 李茹";
    const { text } = cleanText(raw);
    expect(text).toBe("第一段结束。\n第二段开始，总投资105.63亿元。");
  });

  it("keeps a heading on its own line", () => {
    expect(cleanText("创新渠道 拓展项目源头\n\n近年来，高新区创新推出全员招商。").text).toBe(
      "创新渠道拓展项目源头\n近年来，高新区创新推出全员招商。",
    );
  });
});

describe("pinyin readings printed after characters", () => {
  it("are dropped; brackets that are not readings stay", () => {
    expect(cleanText("厦门火炬高新区(qū)管委会以总分91.9分拔得头筹,發(fā)展良好。公司(Ltd)和A(1)不变。").text).toBe("厦门火炬高新区管委会以总分91.9分拔得头筹,發展良好。公司(Ltd)和A(1)不变。");
  });
});
