/** Faults injected on demand: 5xx answers, dropped connections, forced 429s. */

/** What an injected fault does to the next matching calls. */
export interface FaultSpec {
  /** only calls of this method (case-insensitive); any method if omitted */
  method?: string;
  /** only calls of this bot; any bot if omitted */
  botId?: number;
  /** only calls whose `chat_id` is this chat; any chat if omitted */
  chatId?: number;
  /** how many calls to fail (default 1) */
  count?: number;
  /**
   * "500": answer 500 Internal Server Error without executing the call;
   * "drop": close the connection without executing the call;
   * "drop-after": execute the call, then drop the connection (the client never learns);
   * "429": answer Too Many Requests with retry_after (default 1) without executing.
   */
  kind: "500" | "drop" | "drop-after" | "429";
  retryAfter?: number;
}

interface Rule extends FaultSpec {
  left: number;
  methodLower?: string;
}

/** The fault table. */
export class Faults {
  private rules: Rule[] = [];

  /** Makes the next `count` matching calls fail. */
  failNext(spec: FaultSpec): void {
    this.rules.push({ ...spec, left: spec.count ?? 1, methodLower: spec.method?.toLowerCase() });
  }

  /** Removes all pending faults. */
  clear(): void {
    this.rules = [];
  }

  /** The fault to apply to this call (to `chatId`, when it has one), if any; consumes one use. */
  take(botId: number, method: string, chatId?: number): FaultSpec | undefined {
    if (this.rules.length === 0) return undefined;
    const lower = method.toLowerCase();
    const i = this.rules.findIndex((r) =>
      (r.botId === undefined || r.botId === botId) &&
      (r.methodLower === undefined || r.methodLower === lower) &&
      (r.chatId === undefined || r.chatId === chatId)
    );
    if (i < 0) return undefined;
    const r = this.rules[i]!;
    if (--r.left <= 0) this.rules.splice(i, 1);
    return r;
  }
}
