/**
 * Claiming a fresh helpdesk: with no admin at all, the service prints a one-time link with a
 * random code; whoever opens it first becomes the first admin. Only the code's SHA-256 is
 * kept in KV; the link works once and for 24 hours.
 *
 * @module
 */
import { K } from "./keys.ts";
import { CONFLICT, retryKv } from "./retry.ts";
import { listAdmins } from "./people.ts";

/** How long a claim link works. */
export const CLAIM_TTL_MS = 24 * 60 * 60 * 1000;

/** The stored claim: the code's hash, when it stops working, and who used it. */
interface Claim {
  hash: string;
  expiresAt: number;
  claimedBy: number | null;
}

/** What opening a claim link did. */
export type ClaimResult = "claimed" | "used" | "expired" | "invalid";

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * With no admin (none in `envAdmins`, none stored), stores a new claim code and returns it,
 * replacing an older one; otherwise forgets any pending claim and returns null.
 */
export async function issueClaim(
  kv: Deno.Kv,
  envAdmins: readonly number[],
  now: number,
): Promise<string | null> {
  if (envAdmins.length > 0 || (await listAdmins(kv)).length > 0) {
    const cur = await kv.get<Claim>(K.claim());
    if (cur.value && cur.value.claimedBy === null) await kv.delete(K.claim());
    return null;
  }
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  // base64url: fits a /start payload (A-Z a-z 0-9 _ -, at most 64 characters)
  const code = btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_");
  const claim: Claim = { hash: await sha256(code), expiresAt: now + CLAIM_TTL_MS, claimedBy: null };
  await kv.set(K.claim(), claim);
  return code;
}

/**
 * Redeems `code` for `userId`: the first to open a valid, unexpired link becomes an admin
 * (atomically with using the code up); anyone after is refused.
 */
export async function redeemClaim(
  kv: Deno.Kv,
  code: string,
  userId: number,
  now: number,
): Promise<ClaimResult> {
  const hash = await sha256(code);
  // a conflict is someone else redeeming (or a new claim issued): a few looks settle it
  return await retryKv("redeem the claim", async (): Promise<ClaimResult | typeof CONFLICT> => {
    const entry = await kv.get<Claim>(K.claim());
    const claim = entry.value;
    if (!claim || claim.hash !== hash) return "invalid";
    if (claim.claimedBy !== null) return "used";
    if (now >= claim.expiresAt) return "expired";
    const res = await kv.atomic()
      .check(entry)
      .set(K.claim(), { ...claim, claimedBy: userId })
      .set(K.admin(userId), { by: userId, at: now })
      .commit();
    return res.ok ? "claimed" : CONFLICT;
  }, { attempts: 5, exhausted: () => "used" });
}
