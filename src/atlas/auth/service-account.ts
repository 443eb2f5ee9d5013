/**
 * Service accounts: OAuth 2.0 client credentials. One bearer token per run, masked
 * the moment it arrives, renewed shortly before it expires, revoked at the end.
 */
import type { Authenticator } from './authenticator.js'
import { CancelledError } from '../../runner/cancellation.js'
import type { Clock } from '../../runner/clock.js'
import type { Log } from '../../runner/log.js'
import { AtlasError, TOKEN_PATH, UnreadableAnswerError } from '../errors.js'
import { isRecord, parseJson } from '../json.js'
import type { TimedRequestInit, Transport } from '../transport.js'

export interface ServiceAccountOptions {
  readonly baseUrl: string
  readonly clientId: string
  readonly clientSecret: string
  readonly transport: Transport
  /** Hides a secret from the log from now on (core.setSecret). */
  readonly mask: (secret: string) => void
  readonly log: Log
  readonly clock: Pick<Clock, 'now'>
}

/** A revoke at the end of the run must not hold up a cancelled run past the runner's grace. */
const REVOKE_TIMEOUT_MS = 2_000

// Terraform renews 10 minutes early; a run rarely lasts past one token, and an
// export wait of hours renews a handful of times at most. A shorter-lived token is
// renewed in its last quarter.
const RENEW_BEFORE_EXPIRY_MS = 10 * 60_000
const DEFAULT_LIFETIME_S = 3600
/** 401s that a new token would not cure: the credential lacks access, it is not expired. */
const NOT_A_TOKEN_PROBLEM = new Set(['USER_UNAUTHORIZED', 'NOT_IN_GROUP', 'USER_CANNOT_ACCESS_GROUP'])

/** The time limit and cancel signal of the request that needs the token. */
type Limits = Pick<TimedRequestInit, 'timeoutMs' | 'cancel'>

interface Token {
  readonly value: string
  readonly renewAt: number
}

export class ServiceAccountAuth implements Authenticator {
  readonly kind = 'service-account' as const
  private token: Token | undefined
  private minting: Promise<Token> | undefined
  private readonly basic: string
  private readonly clock: Pick<Clock, 'now'>
  private closed = false

  constructor(private readonly options: ServiceAccountOptions) {
    // Not URL-encoded: Atlas expects base64 of the raw "id:secret".
    this.basic = `Basic ${Buffer.from(`${options.clientId}:${options.clientSecret}`).toString('base64')}`
    options.mask(this.basic.slice('Basic '.length))
    this.clock = options.clock
  }

  /** A 401 to a token Atlas no longer takes (expired early, revoked) gets one new token and one resend. */
  async send(url: string, init: () => TimedRequestInit): Promise<Response> {
    const { timeoutMs, cancel } = init()
    const limits = { timeoutMs, cancel }
    const token = await this.currentToken(false, limits)
    const response = await this.sendWith(token, url, init)
    if (response.status !== 401 || NOT_A_TOKEN_PROBLEM.has(response.headers.get('x-error-code') ?? '')) return response
    return this.sendWith(await this.currentToken(true, limits), url, init)
  }

  private sendWith(token: Token, url: string, init: () => TimedRequestInit): Promise<Response> {
    const request = init()
    const headers = new Headers(request.headers)
    headers.set('Authorization', `Bearer ${token.value}`)
    return this.options.transport(url, { ...request, headers })
  }

  private async currentToken(renew: boolean, limits: Limits): Promise<Token> {
    // After close (the end of the run, or a cancel) no new token is minted.
    if (this.closed) throw new CancelledError()
    if (this.token && !renew && this.clock.now() < this.token.renewAt) return this.token
    const previous = this.token
    this.minting ??= this.mint(limits).finally(() => {
      this.minting = undefined
    })
    const fresh = await this.minting
    if (previous && previous !== fresh) await this.revoke(previous)
    return fresh
  }

  private async mint(limits: Limits): Promise<Token> {
    const url = `${this.options.baseUrl}${TOKEN_PATH}`
    const response = await this.options.transport(url, {
      ...limits,
      method: 'POST',
      headers: this.oauthHeaders(),
      body: 'grant_type=client_credentials'
    })
    const body = await response.text()
    if (!response.ok) {
      throw new AtlasError({
        status: response.status,
        method: 'POST',
        url,
        responseHeaders: response.headers,
        body,
        authKind: this.kind
      })
    }
    const data = parseJson(body)
    const value = isRecord(data) ? data.access_token : undefined
    if (typeof value !== 'string' || value === '') {
      throw new UnreadableAnswerError(response.status, `POST ${TOKEN_PATH}`, 'no access_token in it')
    }
    this.options.mask(value)
    if (this.closed) {
      // Cancelled while this token was on its way: give it back at once.
      await this.revoke({ value, renewAt: 0 })
      throw new CancelledError()
    }
    const lifetime = isRecord(data) && typeof data.expires_in === 'number' ? data.expires_in : DEFAULT_LIFETIME_S
    const lifetimeMs = lifetime * 1000
    const now = this.clock.now()
    this.token = { value, renewAt: now + lifetimeMs - Math.min(RENEW_BEFORE_EXPIRY_MS, lifetimeMs / 4) }
    return this.token
  }

  async close(): Promise<void> {
    this.closed = true
    const token = this.token
    this.token = undefined
    if (token) await this.revoke(token)
  }

  /** Best effort: an unrevoked token expires by itself within the hour. */
  private async revoke(token: Token): Promise<void> {
    const url = `${this.options.baseUrl}/api/oauth/revoke`
    try {
      const response = await this.options.transport(url, {
        method: 'POST',
        timeoutMs: REVOKE_TIMEOUT_MS,
        headers: this.oauthHeaders(),
        body: new URLSearchParams({ token: token.value, token_type_hint: 'access_token' }).toString()
      })
      if (!response.ok)
        this.options.log.warning(
          `Could not revoke the service-account token: Atlas answered ${response.status}; it expires by itself.`
        )
    } catch (error) {
      this.options.log.warning(
        `Could not revoke the service-account token (${(error as Error).message}); it expires by itself.`
      )
    }
  }

  private oauthHeaders(): Record<string, string> {
    return {
      Authorization: this.basic,
      'Content-Type': 'application/x-www-form-urlencoded',
      Accept: 'application/json'
    }
  }
}
