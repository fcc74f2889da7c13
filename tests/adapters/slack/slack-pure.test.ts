import { describe, expect, it } from "vitest";
import { decodeFeedbackValue, encodeFeedbackValue, escapeMrkdwn, renderAnswerMessage, SECTION_LIMIT, slackTextToQuestion } from "../../../src/adapters/slack/slack-blocks.js";
import { parseSlackBody, verifySlackRequestAt } from "../../../src/adapters/slack/slack-receiver.js";
import { signSlackRequest } from "../../helpers/slack-sign.js";
import { sampleAnswer } from "../../chat/fake-service.js";

describe("Slack request verification (Bolt's, plus the future-timestamp rule)", () => {
  // The worked example from Slack's "Verifying requests from Slack" documentation.
  const secret = "8f742231b10e8888abcd99yyyzzz85a5";
  const body =
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
  const timestamp = 1531420618;
  const headers = { "x-slack-request-timestamp": String(timestamp), "x-slack-signature": "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503" };
  const nowMs = timestamp * 1000 + 30_000;

  it("accepts Slack's documented example", () => {
    expect(signSlackRequest(secret, timestamp, body)).toBe(headers["x-slack-signature"]);
    expect(verifySlackRequestAt(secret, nowMs, body, headers)).toBe(true);
    expect(verifySlackRequestAt(secret, nowMs, Buffer.from(body), headers)).toBe(true);
  });

  it("refuses a changed body, another secret, a stale or future timestamp, missing headers", () => {
    expect(verifySlackRequestAt(secret, nowMs, body + "x", headers)).toBe(false);
    expect(verifySlackRequestAt("other", nowMs, body, headers)).toBe(false);
    // Bolt judges staleness in whole seconds: one second past the five minutes is stale.
    expect(verifySlackRequestAt(secret, timestamp * 1000 + 5 * 60_000 + 1000, body, headers)).toBe(false);
    expect(verifySlackRequestAt(secret, timestamp * 1000 - 5 * 60_000 - 1, body, headers)).toBe(false);
    expect(verifySlackRequestAt(secret, nowMs, body, { "x-slack-signature": headers["x-slack-signature"] })).toBe(false);
    expect(verifySlackRequestAt(secret, nowMs, body, { ...headers, "x-slack-signature": "v0=abc" })).toBe(false);
    expect(verifySlackRequestAt(secret, nowMs, body, { ...headers, "x-slack-request-timestamp": "12abc" })).toBe(false);
  });
});

describe("Block Kit rendering", () => {
  it("splits a long answer into sections within Slack's limit, keeping figures whole", () => {
    const long = "长治高新区上半年实现地区生产总值105.63亿元，同比增长6.5%。".repeat(200);
    const message = renderAnswerMessage(sampleAnswer("问", "c", long), { conversationId: "c", question: "问" });
    const sections = message.blocks.filter((block) => block.type === "section") as Array<{ text: { text: string } }>;
    expect(sections.length).toBeGreaterThan(2);
    for (const section of sections) {
      expect([...section.text.text].length).toBeLessThanOrEqual(SECTION_LIMIT);
      expect(section.text.text.endsWith("。")).toBe(true);
    }
    expect(sections.map((section) => section.text.text).join("")).toBe(long);
    expect(message.blocks.length).toBeLessThanOrEqual(50);
  });

  it("escapes mrkdwn control characters in answers", () => {
    expect(escapeMrkdwn("a < b & c > d")).toBe("a &lt; b &amp; c &gt; d");
    const message = renderAnswerMessage(sampleAnswer("q", "c", "R&D <script>"), { conversationId: "c", question: "q" });
    expect(JSON.stringify(message.blocks)).toContain("R&amp;D &lt;script&gt;");
  });

  it("round-trips the feedback button value within Slack's 2000-character limit", () => {
    const value = encodeFeedbackValue({ conversationId: "slack:C1:1.2", question: "问".repeat(3000) });
    expect(value.length).toBeLessThanOrEqual(2000);
    expect(decodeFeedbackValue(value)?.conversationId).toBe("slack:C1:1.2");
    expect(decodeFeedbackValue("not json")).toBeUndefined();
  });

  it("turns Slack markup into the plain question", () => {
    expect(slackTextToQuestion("<@U0BOT> What does <https://x.cn/a|长治> offer &amp; when?")).toBe("What does 长治 offer & when?");
    expect(slackTextToQuestion("<@U0BOT|zonebot>   长治高新区GDP？ ")).toBe("长治高新区GDP？");
  });
});

describe("parseSlackBody", () => {
  it("reads JSON, slash-command forms and interactive payloads; refuses garbage", () => {
    expect(parseSlackBody(Buffer.from('{"type":"event_callback"}'), "application/json")).toEqual({ type: "event_callback" });
    expect(parseSlackBody(Buffer.from("command=%2Fzone&text=help"), "application/x-www-form-urlencoded")).toEqual({ command: "/zone", text: "help" });
    expect(parseSlackBody(Buffer.from(`payload=${encodeURIComponent('{"type":"block_actions"}')}`), "application/x-www-form-urlencoded")).toEqual({ type: "block_actions" });
    expect(parseSlackBody(Buffer.from("{oops"), "application/json")).toBeUndefined();
    expect(parseSlackBody(Buffer.from("[1,2]"), "application/json")).toBeUndefined();
  });
});
