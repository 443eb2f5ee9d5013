/**
 * API keys: HTTP Digest through digest-fetch, with what it gets wrong against RFC 7616
 * fixed here: the hash algorithm comes from Atlas's challenge (MD5 on commercial Atlas,
 * SHA-256 on Atlas for Government, in any letter case), `nc` restarts at 1 for every
 * new nonce and is sent as eight hex digits, the cnonce comes from `crypto`, a challenge
 * for another scheme is refused, and one client never has two requests in flight
 * (they share `nc`).
 */
import { randomBytes } from 'node:crypto'
import DigestClient from 'digest-fetch'
import type { Authenticator } from './authenticator.js'
import type { TimedRequestInit, Transport } from '../transport.js'

const ALGORITHMS = ['MD5', 'MD5-sess', 'SHA-256', 'SHA-256-sess', 'SHA-512-256', 'SHA-512-256-sess']

/** Something other than Digest was asked for: no credential is sent, and the run stops. */
class AuthSchemeError extends Error {
  constructor(scheme: string) {
    super(
      `The server asked for ${scheme} authentication, not HTTP Digest: this is not Atlas's Admin API answering (check base-url, and any proxy in between); no credentials were sent.`
    )
    this.name = 'AuthSchemeError'
  }
}

/**
 * The one place that reaches inside digest-fetch 3.1.1 (pinned exactly in package.json):
 * its per-nonce state (`digest.nc`, `digest.nonce`, `digest.algorithm`) and its hash
 * function. digest-auth.test.ts checks these are there, so an upgrade that moves them
 * fails a test instead of a run.
 */
export const digestFetchInternals = {
  state(client: DigestClient): { nc: number | string; nonce?: string; algorithm: string } {
    return (client as unknown as { digest: { nc: number | string; nonce?: string; algorithm: string } }).digest
  },
  /** The hash function digest-fetch uses for `algorithm`, taken from a client made for it. */
  useAlgorithm(client: DigestClient, algorithm: string): void {
    digestFetchInternals.state(client).algorithm = algorithm
    client.hashFunc = new DigestClient('', '', { algorithm }).hashFunc
  }
}

class AtlasDigestClient extends DigestClient {
  constructor(
    publicKey: string,
    privateKey: string,
    private readonly transport: Transport
  ) {
    // Never a logger: digest-fetch logs request options, Authorization included.
    super(publicKey, privateKey, { cnonceSize: 16 })
  }

  private get nc(): number {
    return Number(digestFetchInternals.state(this).nc)
  }

  private set nc(value: number) {
    digestFetchInternals.state(this).nc = value
  }

  override async getClient(): Promise<typeof fetch> {
    return this.transport as typeof fetch
  }

  override async fetch(url: string, options: object): Promise<Response> {
    try {
      return (await super.fetch(url, options)) as Response
    } catch (error) {
      // The request may have reached Atlas and used up its nc; the next one counts on.
      if (this.hasAuth) this.nc++
      throw error
    }
  }

  override parseAuth(header: string | null): void {
    const scheme = header?.trim().split(/\s/)[0] ?? ''
    if (header && header.trim().length >= 5 && scheme.toLowerCase() !== 'digest') throw new AuthSchemeError(scheme)
    const previousNonce = digestFetchInternals.state(this).nonce
    super.parseAuth(header)
    if (!this.hasAuth || !header) return
    this.useAlgorithm(DigestClient.parse(header, 'algorithm') ?? 'MD5')
    if (digestFetchInternals.state(this).nonce !== previousNonce) this.nc = 1
  }

  /** RFC 7616: nc is eight hex digits; digest-fetch pads the decimal number, so it is handed the hex text. */
  override addAuth(url: string, options: object): object {
    const state = digestFetchInternals.state(this)
    const nc = this.nc
    state.nc = nc.toString(16)
    try {
      return super.addAuth(url, options) as object
    } finally {
      state.nc = nc
    }
  }

  override makeNonce(): string {
    return randomBytes(Math.ceil(this.cnonceSize / 2))
      .toString('hex')
      .slice(0, this.cnonceSize)
  }

  private useAlgorithm(name: string): void {
    // Algorithm names are case-insensitive (RFC 7616 §3.3 compares tokens so).
    const algorithm = ALGORITHMS.find(known => known.toLowerCase() === name.toLowerCase())
    if (!algorithm) throw new Error(`Atlas asked for Digest algorithm ${name}, which this action does not support`)
    digestFetchInternals.useAlgorithm(this, algorithm)
  }
}

export class DigestAuth implements Authenticator {
  readonly kind = 'digest' as const
  private readonly client: AtlasDigestClient
  private queue: Promise<unknown> = Promise.resolve()

  constructor(publicKey: string, privateKey: string, transport: Transport) {
    this.client = new AtlasDigestClient(publicKey, privateKey, transport)
  }

  /**
   * The first call of a run is challenged (401) and resent with credentials; later
   * calls reuse the nonce. A stale or rejected nonce is re-challenged once by
   * digest-fetch; a second 401 comes back to the caller as the answer.
   */
  send(url: string, init: () => TimedRequestInit): Promise<Response> {
    const exchange = (): Promise<Response> => this.client.fetch(url, { factory: init })
    const result = this.queue.then(exchange, exchange)
    this.queue = result.catch(() => undefined)
    return result
  }

  async close(): Promise<void> {}
}
