/**
 * The server side of Atlas's HTTP Digest: the challenge exactly as Atlas sends it
 * (realm "MMS Public API", domain "", unquoted algorithm, qop "auth", stale), and a
 * strict check of the answer: nc eight hex digits, increasing per nonce as RFC 7616 says.
 */
import { createHash, randomBytes } from 'node:crypto'

export type DigestAlgorithm = 'MD5' | 'SHA-256'

export const DIGEST_REALM = 'MMS Public API'

export interface DigestServerOptions {
  readonly algorithm?: DigestAlgorithm
  /** How the challenge spells the algorithm (default: as `algorithm`). */
  readonly algorithmToken?: string
  /** Rotate a nonce after this many accepted requests (Atlas: "valid for a short amount of time"). */
  readonly nonceMaxUses?: number
}

export type DigestVerdict =
  | { readonly ok: true; readonly username: string }
  | { readonly ok: false; readonly stale: boolean; readonly why: string }

interface NonceState {
  lastNc: number
  uses: number
}

export class DigestServer {
  readonly algorithm: DigestAlgorithm
  private readonly nonces = new Map<string, NonceState>()
  noncesIssued = 0

  constructor(
    private readonly users: () => Readonly<Record<string, string>>,
    private readonly options: DigestServerOptions = {}
  ) {
    this.algorithm = options.algorithm ?? 'MD5'
  }

  /** A `Www-Authenticate` value with a fresh nonce: 32 characters of the base64 alphabet, like Atlas's. */
  challenge(stale: boolean): string {
    const nonce = randomBytes(24).toString('base64')
    this.nonces.set(nonce, { lastNc: 0, uses: 0 })
    this.noncesIssued++
    return `Digest realm="${DIGEST_REALM}", domain="", nonce="${nonce}", algorithm=${this.options.algorithmToken ?? this.algorithm}, qop="auth", stale=${stale}`
  }

  /** Rotates every nonce now: the next request with an old one gets `stale=true`. */
  expireNonces(): void {
    this.nonces.clear()
  }

  verify(method: string, requestUri: string, authorization: string): DigestVerdict {
    if (!/^Digest\s/i.test(authorization)) return { ok: false, stale: false, why: 'not a Digest authorization' }
    const p = parseParams(authorization.slice(authorization.indexOf(' ') + 1))
    const password = p.username === undefined ? undefined : this.users()[p.username]
    if (password === undefined || p.username === undefined) return { ok: false, stale: false, why: 'unknown user' }
    if (p.realm !== DIGEST_REALM) return { ok: false, stale: false, why: `realm ${p.realm}` }
    if (p.uri !== requestUri) return { ok: false, stale: false, why: `uri ${p.uri} is not ${requestUri}` }
    if ((p.algorithm ?? 'MD5').toUpperCase() !== this.algorithm) {
      return { ok: false, stale: false, why: `algorithm ${p.algorithm} is not ${this.algorithm}` }
    }
    if (p.qop !== 'auth' || !p.nc || !p.cnonce || !p.nonce || !p.response) {
      return { ok: false, stale: false, why: 'missing qop, nc, cnonce, nonce or response' }
    }
    const state = this.nonces.get(p.nonce)
    if (!state) return { ok: false, stale: true, why: 'unknown or expired nonce' }
    const nc = Number.parseInt(p.nc, 16)
    // RFC 7616: nc counts the requests sent with this nonce; a server only needs it to
    // increase (a request lost on the way leaves a gap), never to repeat.
    if (!/^[0-9a-f]{8}$/i.test(p.nc) || nc <= state.lastNc) {
      return { ok: false, stale: false, why: `nc ${p.nc} after ${state.lastNc} for this nonce` }
    }
    const h = (data: string): string =>
      createHash(this.algorithm === 'MD5' ? 'md5' : 'sha256')
        .update(data)
        .digest('hex')
    const ha1 = h(`${p.username}:${DIGEST_REALM}:${password}`)
    const ha2 = h(`${method}:${requestUri}`)
    const expected = h(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`)
    if (expected !== p.response) return { ok: false, stale: false, why: 'wrong response hash' }
    state.lastNc = nc
    state.uses++
    if (this.options.nonceMaxUses !== undefined && state.uses >= this.options.nonceMaxUses) this.nonces.delete(p.nonce)
    return { ok: true, username: p.username }
  }
}

function parseParams(text: string): Record<string, string | undefined> {
  const params: Record<string, string> = {}
  for (const match of text.matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)) {
    params[(match[1] as string).toLowerCase()] = match[2] ?? match[3] ?? ''
  }
  return params
}
