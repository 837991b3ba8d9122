/**
 * Seals a secret for a short stay in KV: AES-256-GCM with a key derived (HKDF-SHA-256) from a
 * secret every instance of the service has and KV does not (the settings bot's token).
 *
 * @module
 */

const enc = new TextEncoder();

async function keyOf(secret: string): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey("raw", enc.encode(secret), "HKDF", false, [
    "deriveKey",
  ]);
  return await crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: enc.encode("helpdesk-seal"), info: new Uint8Array() },
    base,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

const b64 = (b: Uint8Array) => btoa(String.fromCharCode(...b));
const unb64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

/** Seals `text` with a key from `secret`; the result is base64 (nonce, then ciphertext). */
export async function seal(secret: string, text: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv },
    await keyOf(secret),
    enc.encode(text),
  );
  return `${b64(iv)}.${b64(new Uint8Array(ct))}`;
}

/** Opens what {@linkcode seal} made with the same `secret`; null when it cannot be opened. */
export async function unseal(secret: string, sealed: string): Promise<string | null> {
  try {
    const [iv, ct] = sealed.split(".");
    const pt = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: unb64(iv!) },
      await keyOf(secret),
      unb64(ct!),
    );
    return new TextDecoder().decode(pt);
  } catch {
    return null;
  }
}
