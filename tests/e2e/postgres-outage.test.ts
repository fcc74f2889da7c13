import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { sha1Signature } from "../../src/adapters/wechat/wechat-crypto.js";
import { parseWechatXml } from "../../src/adapters/wechat/wechat-xml.js";
import { privateCluster, skipPostgres } from "../helpers/postgres.js";
import { eventually, startServerProcess, type ServerProcess } from "../helpers/server-process.js";
import { createTempWorkspace, type TempWorkspace } from "../helpers/temp-runtime.js";

/**
 * PostgreSQL stopped under a serving replica: questions are still answered (state errors are
 * logged, nothing crashes), and state is written again once the database is back. Uses a
 * private cluster (scripts/with-postgres.sh start/stop/resume), so other tests keep theirs.
 */

const WECHAT_TOKEN = "outage-wechat-token";

describe.skipIf(skipPostgres)("a replica while PostgreSQL is down", () => {
  let workspace: TempWorkspace;
  let cluster: ReturnType<typeof privateCluster>;
  let server: ServerProcess;

  beforeAll(async () => {
    workspace = await createTempWorkspace();
    cluster = privateCluster(56000 + Math.floor(Math.random() * 4000));
    server = await startServerProcess({
      CORPUS_DIR: workspace.corpusDir,
      DATA_DIR: workspace.dataDir,
      STATE_URL: cluster.url,
      WECHAT_TOKEN,
      ADMIN_TOKEN: "outage-admin-token",
    });
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    cluster?.remove();
    await workspace?.cleanup();
  });

  const ask = async (question: string, conversationId: string) => {
    const response = await fetch(`${server.url}/api/ask`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ question, conversationId }) });
    return { status: response.status, body: (await response.json()) as { answer: string; refused: boolean } };
  };
  const wechat = async (msgId: string, content: string) => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const query = new URLSearchParams({ signature: sha1Signature(WECHAT_TOKEN, timestamp, "7"), timestamp, nonce: "7" });
    const body = `<xml><ToUserName><![CDATA[gh]]></ToUserName><FromUserName><![CDATA[oOutage]]></FromUserName><CreateTime>${timestamp}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${msgId}</MsgId></xml>`;
    const text = await (await fetch(`${server.url}/wechat?${query}`, { method: "POST", body, headers: { "content-type": "text/xml" } })).text();
    return text === "success" ? undefined : parseWechatXml(text).Content;
  };
  const turnsIn = async (conversationId: string) => {
    const client = new pg.Client({ connectionString: cluster.url });
    await client.connect();
    try {
      return Number((await client.query("SELECT COUNT(*) AS n FROM turns WHERE conversation_id = $1", [conversationId])).rows[0].n);
    } finally {
      await client.end();
    }
  };

  it("answers while the database is stopped, logs the state errors, and recovers when it returns", async () => {
    const question = "长治高新区聘请了多少名招商大使？";
    expect((await ask(question, "before")).body.answer).toContain("招商大使");
    expect(await turnsIn("api:before")).toBe(1);

    cluster.stop();
    const during = await ask(question, "during");
    expect(during.status).toBe(200);
    expect(during.body.answer).toContain("招商大使");
    expect(await wechat("5001", question)).toContain("招商大使");
    // Admin status still answers (from this replica's own view); a re-index is refused with a reason, not a crash.
    expect((await fetch(`${server.url}/admin/status`, { headers: { authorization: "Bearer outage-admin-token" } })).status).toBe(200);
    const reindex = await fetch(`${server.url}/admin/reindex`, { method: "POST", headers: { authorization: "Bearer outage-admin-token" } });
    expect(reindex.status).toBe(500);
    expect(((await reindex.json()) as { error: { code: string; hint: string } }).error).toMatchObject({ code: "STATE_STORE_FAILED", hint: expect.stringContaining("PostgreSQL") });
    expect(server.child.exitCode).toBeNull();
    expect(server.log()).toMatch(/state store: could not read the conversation/);
    expect(server.log()).toMatch(/delivery: state store could not record the delivery/);

    cluster.resume();
    // The pool reconnects on its own: conversation turns are stored again.
    await eventually(
      async () => {
        await ask(question, "after");
        return (await turnsIn("api:after")) > 0;
      },
      30_000,
      "turns to be stored again",
    );
    expect(await wechat("5002", question)).toContain("招商大使");
    expect(server.child.exitCode).toBeNull();
  });
});
