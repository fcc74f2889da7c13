import { AsyncLocalStorage } from "node:async_hooks";

/**
 * The request being handled, so every log line written while handling it (by any room) carries
 * its request id without passing a logger through the core.
 */
export interface RequestContext {
  reqId: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();
