// OAuth 2.0 client credentials as Procore's login host serves it: token, token info, revoke.
import { randomBytes } from 'node:crypto';
import type { SimClock } from './clock';
import { HttpError } from './http-error';

export interface IssuedToken {
  token: string;
  clientId: string;
  createdAt: number; // epoch ms (simulator clock)
  expiresAt: number;
  revoked: boolean;
}

export type TokenCheck = { ok: true; token: IssuedToken } | { ok: false; reason: string; clientId?: string };

export class OAuthServer {
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly issuedInOrder: string[] = [];

  constructor(
    private readonly clock: SimClock,
    readonly clientId: string,
    private clientSecret: string,
    private ttlSeconds: number,
  ) {}

  get secret(): string {
    return this.clientSecret;
  }

  rotateSecret(newSecret = generateSecret()): string {
    this.clientSecret = newSecret;
    return newSecret;
  }

  issued(): string[] {
    return [...this.issuedInOrder];
  }

  invalidateAll(): void {
    for (const t of this.tokens.values()) t.revoked = true;
  }

  /** POST /oauth/token. Body already parsed from JSON or form. */
  issue(body: Record<string, unknown>): Record<string, unknown> {
    const grantType = body.grant_type;
    if (grantType !== 'client_credentials') {
      throw new HttpError(400, {
        error: 'unsupported_grant_type',
        error_description: 'The authorization grant type is not supported by the authorization server.',
      });
    }
    this.authenticateClient(body);
    const now = this.clock.now();
    const token: IssuedToken = {
      token: randomBytes(32).toString('hex'),
      clientId: this.clientId,
      createdAt: now,
      expiresAt: now + this.ttlSeconds * 1000,
      revoked: false,
    };
    this.tokens.set(token.token, token);
    this.issuedInOrder.push(token.token);
    return {
      access_token: token.token,
      token_type: 'bearer',
      expires_in: this.ttlSeconds,
      created_at: Math.floor(now / 1000),
    };
  }

  /** POST /oauth/revoke: client must authenticate; revoking an unknown token still answers 200. */
  revoke(body: Record<string, unknown>): Record<string, unknown> {
    this.authenticateClient(body);
    const token = typeof body.token === 'string' ? this.tokens.get(body.token) : undefined;
    if (token) token.revoked = true;
    return {};
  }

  /** GET /oauth/token/info. */
  info(authorization: string | undefined): Record<string, unknown> {
    const check = this.check(authorization);
    if (!check.ok) throw unauthorized(check.reason);
    const t = check.token;
    return {
      resource_owner_id: null, // a service account token has no end user behind it
      scopes: [],
      expires_in_seconds: Math.max(0, Math.floor((t.expiresAt - this.clock.now()) / 1000)),
      application: { uid: t.clientId },
      created_at: Math.floor(t.createdAt / 1000),
    };
  }

  /** Validates an `Authorization: Bearer ...` header against the simulator clock. */
  check(authorization: string | undefined): TokenCheck {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match?.[1]) return { ok: false, reason: 'missing bearer token' };
    const token = this.tokens.get(match[1]);
    if (!token) return { ok: false, reason: 'The access token is invalid' };
    if (token.revoked) return { ok: false, reason: 'The access token was revoked', clientId: token.clientId };
    if (this.clock.now() >= token.expiresAt) {
      return { ok: false, reason: 'The access token expired', clientId: token.clientId };
    }
    return { ok: true, token };
  }

  private authenticateClient(body: Record<string, unknown>): void {
    if (body.client_id !== this.clientId || body.client_secret !== this.clientSecret) {
      throw new HttpError(401, {
        error: 'invalid_client',
        error_description: 'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.',
      });
    }
  }
}

export function unauthorized(reason: string): HttpError {
  return new HttpError(
    401,
    { errors: reason === 'missing bearer token' ? 'Unauthorized' : reason },
    { 'WWW-Authenticate': `Bearer realm="Procore API", error="invalid_token", error_description="${reason}"` },
  );
}

export function generateSecret(): string {
  return randomBytes(32).toString('hex');
}

export function generateClientId(): string {
  return randomBytes(16).toString('hex');
}
