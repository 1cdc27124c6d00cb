export function generateSigningKey(): Promise<{
  privateJwk: JsonWebKey & { kid: string };
  publicJwk: JsonWebKey & { kid: string };
}>;
export function generateHmacKey(): string;
