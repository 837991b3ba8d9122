/**
 * World files: a small JSON description of the emulator's bots, users and chats (see the
 * "Use it for your own bot" section of docs/emulator.md). `parseWorld` validates (pure),
 * `applyWorld` creates the world in a running emulator, `loadWorldFile` reads a file.
 *
 * It stays one file over 400 lines: it is one file format, from its schema through the checks with
 * their messages to applying it and printing what was made; each part follows the schema's fields.
 */
import { z } from "zod";
import type { Emulator } from "./emulator.ts";
import type { AdminRights } from "./world.ts";

const NAME_RE = /^[A-Za-z][A-Za-z0-9_]{4,31}$/;
const NAME_MSG = "must be 5-32 letters, digits or underscores, starting with a letter";
const RIGHTS: (keyof AdminRights)[] = [
  "can_manage_chat",
  "can_delete_messages",
  "can_manage_video_chats",
  "can_restrict_members",
  "can_promote_members",
  "can_change_info",
  "can_invite_users",
  "can_post_stories",
  "can_edit_stories",
  "can_delete_stories",
  "can_post_messages",
  "can_edit_messages",
  "can_pin_messages",
  "can_manage_topics",
];

const username = z.string().regex(NAME_RE, { error: NAME_MSG });
const title = z.string().min(1, { error: "must not be empty" }).max(128, {
  error: "must be at most 128 characters",
});

const BotSchema = z.strictObject({
  username: username.regex(/bot$/i, { error: 'must end in "bot"' }),
  name: z.string().min(1, { error: "must not be empty" }).max(64).optional(),
  token: z.string().regex(/^[1-9][0-9]{0,15}:[A-Za-z0-9_-]+$/, {
    error: 'must look like "<id>:<secret>" (digits, a colon, then letters, digits, _ or -)',
  }).optional(),
  privacy: z.boolean().optional(),
});

const UserSchema = z.strictObject({
  name: z.string().min(1, { error: "must not be empty" }).max(64),
  last_name: z.string().max(64).optional(),
  username: username.optional(),
  language_code: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]+)*$/, {
    error: 'must be an IETF language tag such as "en" or "pt-br"',
  }).optional(),
});

const Status = z.enum(["admin", "administrator", "member", "kicked"]);
const Member = z.union([
  Status,
  z.strictObject({
    status: Status,
    rights: z.partialRecord(z.enum(RIGHTS), z.boolean()).optional(),
  }),
], { error: 'must be "admin", "member", "kicked" or {"status": ..., "rights": {...}}' });
const Members = z.record(z.string(), Member);

const common = {
  title,
  username: username.optional(),
  owner: z.string().optional(),
  protected: z.boolean().optional(),
  members: Members.optional(),
};
const SupergroupSchema = z.strictObject({
  type: z.literal("supergroup"),
  ...common,
  forum: z.boolean().optional(),
});
const ChannelSchema = z.strictObject({
  type: z.literal("channel"),
  ...common,
  discussion: z.string().optional(),
});
const PrivateSchema = z.strictObject({
  type: z.literal("private"),
  user: z.string(),
  bot: z.string(),
});

const OptionsSchema = z.strictObject({
  port: z.int().min(0).max(65535).optional(),
  time_scale: z.number().positive().optional(),
  limits: z.boolean().optional(),
});

const FileSchema = z.strictObject({
  description: z.string().optional(),
  options: OptionsSchema.optional(),
  bots: z.array(z.unknown()).optional(),
  users: z.array(z.unknown()).optional(),
  chats: z.array(z.unknown()).optional(),
});

/** A bot of a world file. */
export type BotSpec = z.infer<typeof BotSchema>;
/** A user of a world file. */
export type UserSpec = z.infer<typeof UserSchema>;
/** A chat of a world file. */
export type ChatSpec =
  | z.infer<typeof SupergroupSchema>
  | z.infer<typeof ChannelSchema>
  | z.infer<typeof PrivateSchema>;
/** Member status in a world file ("admin" = "administrator"). */
export type MemberSpec = z.infer<typeof Member>;

/** A validated world file. */
export interface WorldSpec {
  description?: string;
  options: { port?: number; time_scale?: number; limits?: boolean };
  bots: BotSpec[];
  users: UserSpec[];
  chats: ChatSpec[];
}

/** A world file that cannot be used; the message is one sentence naming the bad field. */
export class WorldFileError extends Error {
  override name = "WorldFileError";
}

function pathOf(path: readonly PropertyKey[]): string {
  let s = "";
  path.forEach((p, i) => {
    if (typeof p === "number") s += `[${p}]`;
    else if (path[i - 1] === "members") s += `["${String(p)}"]`;
    else s += s ? `.${String(p)}` : String(p);
  });
  return s;
}

function describe(issue: z.core.$ZodIssue, prefix: string): string {
  const where = pathOf([...(prefix ? [prefix] : []), ...issue.path]) || "the file";
  switch (issue.code) {
    case "unrecognized_keys": {
      const keys = issue.keys.map((k) => `"${k}"`).join(", ");
      return `${where} has an unknown field ${keys}`;
    }
    case "invalid_type":
      if (/received undefined/.test(issue.message)) return `${where} is required`;
      return `${where} must be ${
        issue.expected === "array" || issue.expected === "object" ? "an" : "a"
      } ${issue.expected === "int" ? "whole number" : issue.expected}`;
    case "invalid_value":
      return `${where} must be ${
        issue.values.map((v) => JSON.stringify(v)).join(issue.values.length > 2 ? ", " : " or ")
      }`;
    case "too_small":
      if (issue.origin === "number") return `${where} must be at least ${issue.minimum}`;
      return `${where} ${issue.message}`;
    case "too_big":
      if (issue.origin === "number") return `${where} must be at most ${issue.maximum}`;
      return `${where} must be at most ${issue.maximum} characters`;
    case "invalid_key":
      return `${where} has an unknown key`;
    default:
      return `${where} ${issue.message}`;
  }
}

function check<T>(schema: z.ZodType<T>, value: unknown, path: string, source: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new WorldFileError(`Cannot load ${source}: ${describe(r.error.issues[0]!, path)}`);
}

const strip = (ref: string) => ref.replace(/^@/, "").toLowerCase();

/** Index of the one supergroup a channel's `discussion` names (title or username), else -1. */
function discussionOf(chats: ChatSpec[], ref: string): number {
  const hits: number[] = [];
  chats.forEach((g, i) => {
    if (g.type !== "private" && (g.title === ref || g.username?.toLowerCase() === strip(ref))) {
      hits.push(i);
    }
  });
  return hits.length === 1 && chats[hits[0]!]!.type === "supergroup" ? hits[0]! : -1;
}

/**
 * Validates a parsed world file and resolves its references (members, owners, discussion
 * groups, private chats). Throws WorldFileError: `Cannot load <source>: <field> <problem>`.
 */
export function parseWorld(data: unknown, source = "world file"): WorldSpec {
  const top = check(FileSchema, data, "", source);
  const fail = (msg: string): never => {
    throw new WorldFileError(`Cannot load ${source}: ${msg}`);
  };
  const bots = (top.bots ?? []).map((b, i) => check(BotSchema, b, `bots[${i}]`, source));
  const users = (top.users ?? []).map((u, i) => check(UserSchema, u, `users[${i}]`, source));
  const chats = (top.chats ?? []).map((c, i): ChatSpec => {
    const where = `chats[${i}]`;
    const type = (c as { type?: unknown } | null)?.type;
    if (type === "supergroup") return check(SupergroupSchema, c, where, source);
    if (type === "channel") return check(ChannelSchema, c, where, source);
    if (type === "private") return check(PrivateSchema, c, where, source);
    if (type === "group") {
      return fail(`${where}.type "group" is not emulated (basic groups); use "supergroup"`);
    }
    if (type === undefined) return fail(`${where}.type is required`);
    return fail(`${where}.type must be "private", "supergroup" or "channel"`);
  });

  // usernames are one namespace on Telegram: bots, users and public chats
  const names = new Map<string, string>();
  const claim = (name: string | undefined, where: string) => {
    if (!name) return;
    const prev = names.get(name.toLowerCase());
    if (prev) fail(`${where}.username "${name}" is already taken by ${prev}`);
    names.set(name.toLowerCase(), where);
  };
  bots.forEach((b, i) => claim(b.username, `bots[${i}]`));
  users.forEach((u, i) => claim(u.username, `users[${i}]`));
  chats.forEach((c, i) => c.type !== "private" && claim(c.username, `chats[${i}]`));
  const ids = new Map<string, string>();
  bots.forEach((b, i) => {
    if (!b.token) return;
    const id = b.token.slice(0, b.token.indexOf(":"));
    const prev = ids.get(id);
    if (prev) fail(`bots[${i}].token has the bot id ${id} of ${prev} (ids must differ)`);
    ids.set(id, `bots[${i}]`);
  });

  const botRef = new Set(bots.map((b) => b.username.toLowerCase()));
  const userRef = new Set(users.flatMap((u) => u.username ? [u.username.toLowerCase()] : []));
  const linked = new Map<number, string>();
  chats.forEach((c, i) => {
    const where = `chats[${i}]`;
    if (c.type === "private") {
      if (!userRef.has(strip(c.user))) {
        fail(`${where}.user "${c.user}" is not the username of a user in this file`);
      }
      if (!botRef.has(strip(c.bot))) {
        fail(`${where}.bot "${c.bot}" is not the username of a bot in this file`);
      }
      return;
    }
    let owner = c.owner;
    if (owner === undefined) {
      if (users.length === 0) fail(`${where}.owner is required (the file has no users)`);
    } else if (!userRef.has(strip(owner))) {
      fail(`${where}.owner "${owner}" is not the username of a user in this file`);
    }
    owner ??= users[0]!.username;
    for (const [ref, m] of Object.entries(c.members ?? {})) {
      const at = `${where}.members["${ref}"]`;
      const status = typeof m === "string" ? m : m.status;
      const isBot = botRef.has(strip(ref));
      if (!isBot && !userRef.has(strip(ref))) {
        fail(`${at} is not the username of a bot or user in this file`);
      }
      if (owner && strip(ref) === strip(owner)) fail(`${at} is the owner of the chat already`);
      if (isBot && c.type === "channel" && status === "member") {
        fail(`${at} is a bot: bots can only be admins of channels`);
      }
      if (typeof m !== "string" && m.rights && status !== "admin" && status !== "administrator") {
        fail(`${at}.rights need the status "admin"`);
      }
    }
    if (c.type === "channel" && c.discussion !== undefined) {
      const g = discussionOf(chats, c.discussion);
      if (g < 0) {
        fail(
          `${where}.discussion "${c.discussion}" must name exactly one supergroup of this file ` +
            `(by title or username)`,
        );
      }
      if (linked.has(g)) {
        fail(`${where}.discussion "${c.discussion}" is already linked to ${linked.get(g)}`);
      }
      linked.set(g, where);
    }
  });
  return { description: top.description, options: top.options ?? {}, bots, users, chats };
}

/** What applyWorld created, with the ids a client needs. */
export interface LoadedWorld {
  bots: { username: string; name: string; id: number; token: string }[];
  users: { id: number; name: string; username?: string }[];
  chats: {
    type: "private" | "supergroup" | "channel";
    id: number;
    title?: string;
    username?: string;
    forum?: boolean;
    linkedChatId?: number;
    /** private chats: the user and the bot */
    userId?: number;
    botId?: number;
    members: { id: number; username?: string; status: string }[];
  }[];
}

/**
 * Creates a validated world in a running emulator: bots, users, chats, members (bots added
 * to chats get my_chat_member, as on Telegram), discussion links and started private chats.
 */
export function applyWorld(emu: Emulator, spec: WorldSpec): LoadedWorld {
  const out: LoadedWorld = { bots: [], users: [], chats: [] };
  const ids = new Map<string, number>();
  for (const b of spec.bots) {
    const r = emu.createBot({
      username: b.username,
      firstName: b.name,
      privacy: b.privacy,
      token: b.token,
    });
    ids.set(b.username.toLowerCase(), r.id);
    out.bots.push({ username: r.username, name: b.name ?? b.username, id: r.id, token: r.token });
  }
  for (const u of spec.users) {
    const r = emu.createUser({
      firstName: u.name,
      lastName: u.last_name,
      username: u.username,
      languageCode: u.language_code,
    });
    if (u.username) ids.set(u.username.toLowerCase(), r.id);
    const name = [u.name, u.last_name].filter(Boolean).join(" ");
    out.users.push({ id: r.id, name, ...(u.username ? { username: u.username } : {}) });
  }
  const idOf = (ref: string) => ids.get(strip(ref))!;
  const recs: LoadedWorld["chats"] = [];
  for (const c of spec.chats) {
    if (c.type === "private") {
      const userId = idOf(c.user);
      const botId = idOf(c.bot);
      emu.world.privateChat(userId, botId, true)!.started = true;
      recs.push({ type: "private", id: userId, userId, botId, members: [] });
      continue;
    }
    const ownerId = c.owner !== undefined ? idOf(c.owner) : out.users[0]!.id;
    const base = { title: c.title, username: c.username, ownerId, protectedContent: c.protected };
    const { id } = c.type === "channel"
      ? emu.createChannel(base)
      : emu.createGroup({ ...base, forum: c.forum });
    const owner = out.users.find((u) => u.id === ownerId)!;
    const rec: LoadedWorld["chats"][number] = {
      type: c.type,
      id,
      title: c.title,
      ...(c.username ? { username: c.username } : {}),
      ...(c.type === "supergroup" ? { forum: c.forum ?? false } : {}),
      members: [{ id: ownerId, username: owner.username, status: "creator" }],
    };
    for (const [ref, m] of Object.entries(c.members ?? {})) {
      const st = typeof m === "string" ? m : m.status;
      const status = st === "admin" ? "administrator" : st;
      const rights = typeof m === "string" ? undefined : m.rights;
      emu.setMember(id, idOf(ref), { status, ...(rights ? { rights } : {}) });
      rec.members.push({ id: idOf(ref), username: strip(ref), status });
    }
    recs.push(rec);
  }
  out.chats = recs;
  spec.chats.forEach((c, i) => {
    if (c.type !== "channel" || c.discussion === undefined) return;
    const ch = recs[i]!;
    const gr = recs[discussionOf(spec.chats, c.discussion)]!;
    emu.linkDiscussion(ch.id, gr.id);
    ch.linkedChatId = gr.id;
    gr.linkedChatId = ch.id;
  });
  return out;
}

/** Reads and validates a world file (JSON). Throws WorldFileError with one plain sentence. */
export async function loadWorldFile(path: string): Promise<WorldSpec> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound ? "no such file" : String(e);
    throw new WorldFileError(`Cannot load ${path}: ${why}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new WorldFileError(
      `Cannot load ${path}: not valid JSON (${e instanceof Error ? e.message : e})`,
    );
  }
  return parseWorld(data, path);
}

/** Ready-to-paste lines pointing common Bot API clients at `apiRoot` with `token`. */
export function clientLines(apiRoot: string, token: string): [string, string][] {
  return [
    ["grammY", `new Bot("${token}", { client: { apiRoot: "${apiRoot}" } })`],
    ["telegraf", `new Telegraf("${token}", { telegram: { apiRoot: "${apiRoot}" } })`],
    [
      "python-telegram-bot",
      `Application.builder().token("${token}").base_url("${apiRoot}/bot")` +
      `.base_file_url("${apiRoot}/file/bot").build()`,
    ],
    [
      "node-telegram-bot-api",
      `new TelegramBot("${token}", { polling: true, baseApiUrl: "${apiRoot}" })`,
    ],
    ["curl", `curl ${apiRoot}/bot${token}/getMe`],
  ];
}

/**
 * The summary `deno task emulator` prints: the API root, each bot's token and how to point
 * clients at it, users and chats with ids, and curl examples of the control surface.
 */
export function formatSummary(
  w: LoadedWorld,
  o: { apiRoot: string; timeScale: number; limits: boolean; description?: string },
): string {
  const L: string[] = [];
  const at = (u?: string) => (u ? ` @${u}` : "");
  const nameOf = (id: number) => {
    const b = w.bots.find((x) => x.id === id);
    if (b) return `@${b.username}`;
    const u = w.users.find((x) => x.id === id);
    return u?.username ? `@${u.username}` : `${u?.name ?? "?"} (${id})`;
  };
  L.push(`Telegram Bot API emulator${o.description ? `: ${o.description}` : ""}`);
  L.push(`  Bot API root:    ${o.apiRoot}   (use it instead of https://api.telegram.org)`);
  L.push(
    `  Control surface: POST ${o.apiRoot}/_emulator/<method>, body = JSON array of arguments` +
      ` (docs/emulator.md)`,
  );
  L.push(
    `  Time scale: ${o.timeScale} real s per Telegram s; rate limits ${o.limits ? "on" : "off"}`,
  );
  L.push("", "Bots");
  if (w.bots.length === 0) L.push("  (none: create one with POST /_emulator/createBot)");
  for (const b of w.bots) {
    L.push(`  @${b.username}  id ${b.id}  "${b.name}"`, `    token: ${b.token}`);
    const lines = clientLines(o.apiRoot, b.token);
    const pad = Math.max(...lines.map(([k]) => k.length)) + 1;
    for (const [k, v] of lines) L.push(`    ${`${k}:`.padEnd(pad)} ${v}`);
  }
  L.push("", "Users (id, name)");
  for (const u of w.users) L.push(`  ${u.id}  ${u.name}${at(u.username)}`);
  if (w.chats.length) L.push("", "Chats (id, kind, members)");
  for (const c of w.chats) {
    if (c.type === "private") {
      L.push(
        `  ${c.id}  private chat of ${nameOf(c.userId!)} with ${nameOf(c.botId!)}` +
          ` (started; in the control surface its chat id is the bot's id ${c.botId})`,
      );
      continue;
    }
    const kind = c.type === "supergroup" ? (c.forum ? "forum supergroup" : "supergroup") : c.type;
    const link = c.linkedChatId ? `, linked to ${c.linkedChatId}` : "";
    L.push(`  ${c.id}  ${kind} "${c.title}"${at(c.username)}${link}`);
    const by = new Map<string, string[]>();
    for (const m of c.members) by.set(m.status, [...(by.get(m.status) ?? []), nameOf(m.id)]);
    for (const [st, who] of by) L.push(`      ${st}: ${who.join(", ")}`);
  }
  const pc = w.chats.find((c) => c.type === "private");
  const user = pc ? w.users.find((u) => u.id === pc.userId) : w.users[0];
  const bot = pc ? w.bots.find((b) => b.id === pc.botId) : w.bots[0];
  if (user && bot) {
    const c = `curl -s ${o.apiRoot}/_emulator`;
    const who = user.username ? `@${user.username}` : user.name;
    L.push(
      "",
      `Play a user (${who} in the private chat with @${bot.username}; see docs/emulator.md):`,
      `  # ${who} sends /start (any text works the same; the bot gets it from getUpdates)`,
      `  ${c}/userSend -d '[${user.id}, ${bot.id}, {"text": "/start"}]'`,
      `  # ${who} presses the inline button with callback_data "yes" under message 2`,
      `  ${c}/userPressButton -d '[${user.id}, ${bot.id}, 2, "yes"]'`,
      `  # what ${who} sees in that chat (message ids, texts, buttons)`,
      `  ${c}/view -d '[${user.id}, ${bot.id}]'`,
    );
  }
  return L.join("\n");
}
