import assert from "node:assert/strict";
import type { Message } from "grammy/types";
import { channelRefOf } from "./channel.ts";

Deno.test("channelRefOf: forwarded posts, @names, links and ids", () => {
  const forwarded = {
    forward_origin: {
      type: "channel",
      chat: { id: -1001234567890, type: "channel", title: "T" },
      message_id: 5,
      date: 0,
    },
  } as Pick<Message, "forward_origin" | "text">;
  assert.equal(channelRefOf(forwarded), -1001234567890);
  assert.equal(channelRefOf({ text: "@acme_tickets" }), "@acme_tickets");
  assert.equal(channelRefOf({ text: "https://t.me/acme_tickets" }), "@acme_tickets");
  assert.equal(channelRefOf({ text: "-1001234567890" }), -1001234567890);
  assert.equal(channelRefOf({ text: "hello" }), null);
  assert.equal(channelRefOf({ text: "12345" }), null);
});
