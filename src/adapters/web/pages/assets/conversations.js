// Past conversations, kept in this browser (localStorage) with the server's conversation id: after
// a reload the page shows the conversation the server will continue, never a blank screen over a
// conversation the server still remembers. Each write re-reads the stored list, so two tabs do not
// wipe each other's conversations.

const LIST_KEY = "zone.conversations";
const CURRENT_KEY = "zone.currentConversation";
const MAX_CONVERSATIONS = 30;
const MAX_EXCHANGES = 60;

export function createConversations(storage) {
  const read = () => {
    try {
      const parsed = JSON.parse(storage.getItem(LIST_KEY) ?? "[]");
      return Array.isArray(parsed) ? parsed.filter((entry) => entry && typeof entry.id === "string" && Array.isArray(entry.exchanges)) : [];
    } catch {
      return [];
    }
  };
  const write = (list) => {
    let kept = [...list].sort((a, b) => b.updatedAt - a.updatedAt).slice(0, MAX_CONVERSATIONS);
    // Full storage: drop the oldest conversations until it fits.
    while (kept.length > 0) {
      try {
        storage.setItem(LIST_KEY, JSON.stringify(kept));
        return;
      } catch {
        kept = kept.slice(0, -1);
      }
    }
  };
  const save = (conversation) => {
    conversation.updatedAt = Date.now();
    conversation.exchanges = conversation.exchanges.slice(-MAX_EXCHANGES);
    write([conversation, ...read().filter((entry) => entry.id !== conversation.id)]);
  };
  const select = (id) => {
    try {
      storage.setItem(CURRENT_KEY, id);
    } catch {
      // Storage unavailable: the conversation lives as long as the page.
    }
  };
  const newId = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`);

  return {
    /** The conversation shown last, if this browser kept it. */
    current() {
      const id = storage.getItem(CURRENT_KEY);
      return read().find((entry) => entry.id === id);
    },
    /** A new, empty conversation (stored with its first question). */
    create() {
      const conversation = { id: newId(), exchanges: [], updatedAt: Date.now() };
      select(conversation.id);
      return conversation;
    },
    open(id) {
      const conversation = read().find((entry) => entry.id === id);
      if (conversation) select(id);
      return conversation ?? this.create();
    },
    remove(id) {
      write(read().filter((entry) => entry.id !== id));
    },
    /** Newest first. */
    list() {
      return read().sort((a, b) => b.updatedAt - a.updatedAt);
    },
    /** Records a question before it is sent, so a reload mid-answer still shows it. */
    addExchange(conversation, question) {
      const exchange = { id: newId(), question, at: Date.now() };
      conversation.exchanges.push(exchange);
      save(conversation);
      select(conversation.id);
      return exchange;
    },
    /** Stores how an exchange ended: `{answer}`, `{error, retryAfter}` or `{stopped: true}`. */
    finishExchange(conversation, exchangeId, result) {
      const exchange = conversation.exchanges.find((entry) => entry.id === exchangeId);
      if (!exchange) return;
      delete exchange.answer;
      delete exchange.error;
      delete exchange.retryAfter;
      delete exchange.stopped;
      Object.assign(exchange, result);
      save(conversation);
    },
  };
}
