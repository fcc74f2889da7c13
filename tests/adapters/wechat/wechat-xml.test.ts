import { describe, expect, it } from "vitest";
import { buildWechatXml, parseWechatXml } from "../../../src/adapters/wechat/wechat-xml.js";
import { isAppError } from "../../../src/core/errors.js";

describe("WeChat XML", () => {
  it("reads CDATA verbatim and keeps 64-bit MsgIds exact", () => {
    const fields = parseWechatXml(
      Buffer.from(
        "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Content><![CDATA[ a <b> & 长治 ]]></Content><CreateTime>1348831860</CreateTime><MsgId>6054768590064713728</MsgId></xml>",
      ),
    );
    expect(fields).toEqual({ ToUserName: "gh_1", Content: " a <b> & 长治 ", CreateTime: "1348831860", MsgId: "6054768590064713728" });
  });

  it.each(["<xml><a>1</b></xml>", "not xml", "<other><a>1</a></other>", '<!DOCTYPE x [<!ENTITY e "x">]><xml><a>&e;</a></xml>'])(
    "refuses %s",
    (body) => {
      let caught: unknown;
      try {
        parseWechatXml(body);
      } catch (error) {
        caught = error;
      }
      expect(isAppError(caught) && caught.status).toBe(400);
    },
  );

  it("round-trips text containing a CDATA terminator", () => {
    const xml = buildWechatXml({ Content: "x ]]> y", CreateTime: 5 });
    expect(xml).toContain("<CreateTime>5</CreateTime>");
    expect(parseWechatXml(xml)).toEqual({ Content: "x ]]> y", CreateTime: "5" });
  });
});
