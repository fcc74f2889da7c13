/** Payload builders shaped like recorded Slack deliveries (Events API, slash command, block_actions). */

let counter = 0;
const nextTs = () => `1700000000.${String(++counter).padStart(6, "0")}`;

export function mentionEvent(options: { text: string; channel?: string; user?: string; ts?: string; threadTs?: string; eventId?: string }) {
  const ts = options.ts ?? nextTs();
  return {
    token: "verification-token-unused",
    team_id: "T0001",
    api_app_id: "A0001",
    event: {
      client_msg_id: `msg-${ts}`,
      type: "app_mention",
      text: options.text,
      user: options.user ?? "U0USER1",
      ts,
      ...(options.threadTs ? { thread_ts: options.threadTs } : {}),
      team: "T0001",
      channel: options.channel ?? "C0CHAN1",
      event_ts: ts,
    },
    type: "event_callback",
    event_id: options.eventId ?? `Ev${ts.replace(".", "")}`,
    event_time: 1700000000,
    authorizations: [{ enterprise_id: null, team_id: "T0001", user_id: "UBOT", is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  };
}

export function directMessageEvent(options: { text: string; channel?: string; user?: string; subtype?: string; botId?: string }) {
  const ts = nextTs();
  return {
    token: "verification-token-unused",
    team_id: "T0001",
    api_app_id: "A0001",
    event: {
      type: "message",
      channel: options.channel ?? "D0DM0001",
      user: options.user ?? "U0USER2",
      text: options.text,
      ts,
      event_ts: ts,
      channel_type: "im",
      ...(options.subtype ? { subtype: options.subtype } : {}),
      ...(options.botId ? { bot_id: options.botId } : {}),
    },
    type: "event_callback",
    event_id: `Ev${ts.replace(".", "")}`,
    event_time: 1700000000,
    authorizations: [{ enterprise_id: null, team_id: "T0001", user_id: "UBOT", is_bot: true, is_enterprise_install: false }],
  };
}

export function slashCommand(text: string, responseUrl: string, user = "U0USER1"): Record<string, string> {
  return {
    token: "verification-token-unused",
    team_id: "T0001",
    team_domain: "example",
    channel_id: "C0CHAN1",
    channel_name: "general",
    user_id: user,
    user_name: "someone",
    command: "/zone",
    text,
    api_app_id: "A0001",
    is_enterprise_install: "false",
    response_url: responseUrl,
    trigger_id: `trigger.${++counter}`,
  };
}

export function feedbackClick(options: { actionId: string; value: string; responseUrl: string; messageTs: string; user?: string }) {
  return {
    type: "block_actions",
    user: { id: options.user ?? "U0USER1", username: "someone", name: "someone", team_id: "T0001" },
    api_app_id: "A0001",
    token: "verification-token-unused",
    container: { type: "message", message_ts: options.messageTs, channel_id: "C0CHAN1", is_ephemeral: false },
    trigger_id: `trigger.${++counter}`,
    team: { id: "T0001", domain: "example" },
    channel: { id: "C0CHAN1", name: "general" },
    message: { type: "message", user: "UBOT", bot_id: "BBOT", ts: options.messageTs, text: "answer" },
    response_url: options.responseUrl,
    actions: [
      {
        action_id: options.actionId,
        block_id: "feedback",
        text: { type: "plain_text", text: "👍", emoji: true },
        value: options.value,
        type: "button",
        action_ts: "1700000200.000001",
      },
    ],
  };
}

/** assistant_thread_started, as Slack sends it when a user opens the assistant view. */
export function assistantThreadStarted(options: { channel?: string; threadTs?: string; user?: string } = {}) {
  const ts = nextTs();
  return {
    token: "verification-token-unused",
    team_id: "T0001",
    api_app_id: "A0001",
    event: {
      type: "assistant_thread_started",
      assistant_thread: {
        user_id: options.user ?? "U0USER3",
        context: { channel_id: "C0CHAN1", team_id: "T0001", enterprise_id: null },
        channel_id: options.channel ?? "D0AST001",
        thread_ts: options.threadTs ?? ts,
      },
      event_ts: ts,
    },
    type: "event_callback",
    event_id: `Ev${ts.replace(".", "")}`,
    event_time: 1700000000,
    authorizations: [{ enterprise_id: null, team_id: "T0001", user_id: "UBOT", is_bot: true, is_enterprise_install: false }],
  };
}

/** A user's message in an assistant thread (a threaded message.im). */
export function assistantMessage(options: { text: string; threadTs: string; channel?: string; user?: string }) {
  const ts = nextTs();
  return {
    token: "verification-token-unused",
    team_id: "T0001",
    api_app_id: "A0001",
    event: {
      type: "message",
      user: options.user ?? "U0USER3",
      text: options.text,
      client_msg_id: `msg-${ts}`,
      ts,
      thread_ts: options.threadTs,
      channel: options.channel ?? "D0AST001",
      channel_type: "im",
      team: "T0001",
      event_ts: ts,
    },
    type: "event_callback",
    event_id: `Ev${ts.replace(".", "")}`,
    event_time: 1700000000,
    authorizations: [{ enterprise_id: null, team_id: "T0001", user_id: "UBOT", is_bot: true, is_enterprise_install: false }],
  };
}
