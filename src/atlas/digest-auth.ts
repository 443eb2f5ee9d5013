/**
 * API keys: HTTP Digest through digest-fetch, with three things it gets wrong fixed
 * here: the hash algorithm comes from Atlas's challenge (MD5 on commercial Atlas,
 * SHA-256 on Atlas for Government), `nc` restarts at 1 for every new nonce, and one
 * client never has two requests in flight (they share `nc`).
 */
import DigestClient from 'digest-fetch'
import type { Authenticator } from './auth.js'
import type { TimedRequestInit, Transport } from './transport.js'

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
    const previousNonce = this.state.nonce
    super.parseAuth(header)
    if (!this.hasAuth || !header) return
    this.useAlgorithm(DigestClient.parse(header, 'algorithm') ?? 'MD5')
    if (this.state.nonce !== previousNonce) this.state.nc = 1
  }

  private useAlgorithm(algorithm: string): void {
    // A throwaway client knows how to hash with each algorithm digest-fetch supports.
    const reference = new DigestClient('', '', { algorithm })
    if ((reference.digest as DigestState).algorithm !== algorithm) {
      throw new Error(`Atlas asked for Digest algorithm ${algorithm}, which this action does not support`)
    }
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
