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
import type { Authenticator } from './auth.js'
import type { TimedRequestInit, Transport } from './transport.js'

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

interface DigestState {
  nc: number
  algorithm: string
  nonce?: string
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

  private get state(): DigestState {
    return this.digest as DigestState
  }

  override async getClient(): Promise<typeof fetch> {
    return this.transport as typeof fetch
  }

  override async fetch(url: string, options: object): Promise<Response> {
    try {
      return (await super.fetch(url, options)) as Response
    } catch (error) {
      // The request may have reached Atlas and used up its nc; the next one counts on.
      if (this.hasAuth) this.state.nc++
      throw error
    }
  }

  override parseAuth(header: string | null): void {
    const scheme = header?.trim().split(/\s/)[0] ?? ''
    if (header && header.trim().length >= 5 && scheme.toLowerCase() !== 'digest') throw new AuthSchemeError(scheme)
    const previousNonce = this.state.nonce
    super.parseAuth(header)
    if (!this.hasAuth || !header) return
    this.useAlgorithm(DigestClient.parse(header, 'algorithm') ?? 'MD5')
    if (this.state.nonce !== previousNonce) this.state.nc = 1
  }

  /** RFC 7616: nc is eight hex digits; digest-fetch pads the decimal number, so it is handed the hex text. */
  override addAuth(url: string, options: object): object {
    const state = this.digest as { nc: number | string }
    const nc = this.state.nc
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
    // A throwaway client knows how to hash with each algorithm digest-fetch supports.
    const reference = new DigestClient('', '', { algorithm })
    this.state.algorithm = algorithm
    this.hashFunc = reference.hashFunc
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
