// PKCE (RFC 7636) with S256, and random values for state, from Web Crypto.

export function base64url(bytes) {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function randomToken(bytes = 32) {
  const buffer = new Uint8Array(bytes);
  crypto.getRandomValues(buffer);
  return base64url(buffer);
}

export async function s256(verifier) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

// 32 random bytes give a 43-character verifier, the shortest RFC 7636 allows.
export async function pkcePair() {
  const verifier = randomToken(32);
  return { verifier, challenge: await s256(verifier), method: "S256" };
}
