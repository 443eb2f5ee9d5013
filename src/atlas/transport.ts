/**
 * One HTTP exchange with a time limit, through the runner's proxy when it has one,
 * and the error that says why no answer came. Everything above this sees either a
 * Response or a ConnectionError.
 */
import { fetch as undiciFetch, ProxyAgent, type Dispatcher } from 'undici'
import { CancelledError } from '../runner/cancellation.js'
import type { Env } from '../runner/runner.js'
import { ACTION_VERSION } from '../version.js'
import { UnreadableAnswerError } from './errors.js'
import { proxyFor, proxyName } from './proxy.js'

export type Transport = (url: string, init: TimedRequestInit) => Promise<Response>

/**
 * Request options plus this request's own time limit and the run's cancel signal
 * (digest-fetch passes options it does not know through).
 */
export type TimedRequestInit = Omit<RequestInit, 'signal'> & { timeoutMs?: number; cancel?: AbortSignal | undefined }

/** Sent with every request, to Atlas and to its token endpoint alike. */
export const USER_AGENT = `atlas-snapshot-export/${ACTION_VERSION} (GitHub Action; node ${process.version})`

/** No HTTP answer: refused, reset, timed out, a DNS or TLS or proxy failure. */
export class ConnectionError extends Error {
  constructor(
    /** Why, in a few words: `getaddrinfo ENOTFOUND host`, `no answer within 30s`. */
    readonly reason: string,
    /** `POST https://cloud.mongodb.com/api/oauth/token`, and the proxy when there is one. */
    readonly where: string,
    /** False only when the request surely never reached Atlas (refused, unknown host, a proxy said no). */
    readonly mayHaveReachedServer: boolean,
    /** True when trying again cannot help (an unknown host, an untrusted certificate, a proxy that refuses). */
    readonly permanent: boolean,
    options?: ErrorOptions
  ) {
    super(`Could not reach Atlas (${where}): ${reason}`, options)
    this.name = 'ConnectionError'
  }
}

const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH'])
// A name that does not exist will not exist a second later; EAI_AGAIN (a resolver hiccup) may pass.
const UNKNOWN_HOST = 'ENOTFOUND'
// Node's and OpenSSL's codes for a certificate chain the runner does not trust.
const CERTIFICATE_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH'
])
// undici: "Proxy response (403) !== 200 when HTTP Tunneling"; the reason sits deep in the cause chain.
const PROXY_REFUSED = /Proxy response \((\d{3})\)/

export interface TransportOptions {
  /** The time limit of a request that names none. */
  readonly timeoutMs: number
  /** Where the proxy settings are read (HTTPS_PROXY, NO_PROXY ...): the run's environment. */
  readonly env: Env
}

export function createTransport(options: TransportOptions): Transport {
  // One agent per proxy for the whole run: one CONNECT tunnel and TLS handshake, not
  // one per request. It is the agent @actions/http-client makes, from the same undici.
  const agents = new Map<string, Dispatcher>()
  const agentFor = (proxy: URL): Dispatcher => {
    let agent = agents.get(proxy.href)
    if (!agent) {
      const credentials = proxy.username || proxy.password
      const basic = Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString(
        'base64'
      )
      agent = new ProxyAgent({ uri: proxy.href, pipelining: 1, ...(credentials ? { token: `Basic ${basic}` } : {}) })
      agents.set(proxy.href, agent)
    }
    return agent
  }
  return async (url, { timeoutMs = options.timeoutMs, cancel, ...init }) => {
    if (cancel?.aborted) throw new CancelledError()
    const timeout = AbortSignal.timeout(Math.max(1, Math.ceil(timeoutMs)))
    const signal = cancel ? AbortSignal.any([timeout, cancel]) : timeout
    const proxy = proxyFor(url, options.env)
    const headers = new Headers(init.headers)
    headers.set('User-Agent', USER_AGENT)
    try {
      const request = { ...init, headers, signal, redirect: 'manual' } as RequestInit
      // Behind a proxy, fetch and its agent come from one undici: Node's own fetch (a newer
      // undici on Node 26) refuses the agent of another ("invalid onError method").
      const response = proxy
        ? ((await undiciFetch(url, { ...request, dispatcher: agentFor(proxy) } as never)) as unknown as Response)
        : await fetch(url, request)
      // The body is read here, under the same time limit, so a response that stalls
      // halfway is a timeout too; callers get a body they can read at once.
      const body = await readBounded(response, `${init.method ?? 'GET'} ${new URL(url).pathname}`)
      // undici frees the connection for the next request a tick after the body ends;
      // without this pause a request sent at once (Digest's resend after the challenge)
      // would open a second connection, and behind a proxy a second tunnel.
      await new Promise(resolve => setImmediate(resolve))
      return answered(response, body)
    } catch (error) {
      if (cancel?.aborted) throw new CancelledError()
      if (error instanceof UnreadableAnswerError) throw error
      throw connectionError(error, init.method ?? 'GET', url, timeoutMs, proxy ? proxyName(proxy) : undefined)
    }
  }
}

/**
 * The most one answer may be, before and after decompression: no Atlas answer comes near
 * it (a page of 500 export jobs is about 0.5 MB); a server that sends more, or never stops,
 * gets an unreadable answer instead of the run's memory.
 */
export const MAX_ANSWER_BYTES = 16 * 1024 * 1024

async function readBounded(response: Response, where: string): Promise<Uint8Array> {
  const tooLarge = (): UnreadableAnswerError =>
    new UnreadableAnswerError(
      response.status,
      where,
      `larger than ${MAX_ANSWER_BYTES / 1024 / 1024} MiB, which no Atlas answer is`
    )
  if (Number(response.headers.get('content-length')) > MAX_ANSWER_BYTES) {
    await response.body?.cancel().catch(() => undefined)
    throw tooLarge()
  }
  if (!response.body) return new Uint8Array(0)
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel().catch(() => undefined)
      throw tooLarge()
    }
    chunks.push(value)
  }
  const body = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    body.set(chunk, offset)
    offset += chunk.byteLength
  }
  return body
}

/**
 * The answer as the layers above read it (status, headers, its text). Not a rebuilt
 * `Response`: its constructor refuses what a server may well send (a reason phrase that
 * is not a ByteString, `404 Não encontrado` in Latin-1; a status outside 200-599), and
 * would turn a real 404 into an exception.
 */
function answered(response: Response, body: Uint8Array): Response {
  const text = (): string => new TextDecoder().decode(body)
  const answer = {
    status: response.status,
    statusText: response.statusText,
    ok: response.status >= 200 && response.status < 300,
    headers: response.headers,
    text: async () => text(),
    json: async () => JSON.parse(text()) as unknown,
    arrayBuffer: async () => body.slice().buffer
  }
  return answer as unknown as Response
}

/** Pure: the most specific reason in an error's cause chain, and whether it is worth another try. */
export function connectionError(
  error: unknown,
  method: string,
  url: string,
  timeoutMs: number,
  proxy?: string
): ConnectionError {
  const { origin, pathname } = new URL(url)
  const where = `${method} ${origin}${pathname}${proxy ? ` through the proxy ${proxy}` : ''}`
  const chain: unknown[] = []
  for (let e: unknown = error; e && chain.length < 8; e = (e as { cause?: unknown }).cause) chain.push(e)
  if (chain.some(e => (e as Error).name === 'TimeoutError')) {
    return new ConnectionError(`no answer within ${timeoutMs / 1000}s`, where, true, false, { cause: error })
  }
  const messages = chain.filter((e): e is Error => e instanceof Error && e.message !== '').map(e => e.message)
  const proxyRefusal = messages.map(m => PROXY_REFUSED.exec(m)).find(Boolean)
  if (proxyRefusal) {
    const status = Number(proxyRefusal[1])
    const auth =
      status === 407
        ? ' (it wants credentials: put user:password in the proxy URL; only Basic proxy authentication works)'
        : ''
    const reason = `the proxy refused the connection (${messages.find(m => PROXY_REFUSED.test(m))})${auth}; check HTTPS_PROXY and NO_PROXY`
    return new ConnectionError(reason, where, false, status === 403 || status === 407, { cause: error })
  }
  const codes = chain.map(e => (e as { code?: unknown }).code).filter((c): c is string => typeof c === 'string')
  const certificate = codes.find(code => CERTIFICATE_CODES.has(code))
  if (certificate) {
    const detail = messages.find(m => m !== 'fetch failed') ?? certificate
    const reason =
      `the TLS certificate is not trusted (${certificate}: ${detail}). A TLS-inspecting proxy or a wrong base-url is the usual cause; ` +
      "to trust your organization's CA, set NODE_EXTRA_CA_CERTS to its PEM file in the step's env"
    return new ConnectionError(reason, where, false, true, { cause: error })
  }
  if (codes.includes('ERR_SSL_WRONG_VERSION_NUMBER') || messages.some(m => /wrong version number/i.test(m))) {
    const reason =
      'the server answered plain HTTP where HTTPS was asked (TLS: wrong version number): check base-url, and any proxy in between'
    return new ConnectionError(reason, where, false, true, { cause: error })
  }
  const reason = messages.at(-1) ?? String(error)
  const unknownHost = codes.includes(UNKNOWN_HOST)
  return new ConnectionError(
    unknownHost ? `${reason}: no such host (check base-url${proxy ? ' and the proxy' : ''})` : reason,
    where,
    !codes.some(code => NEVER_SENT.has(code)),
    unknownHost,
    { cause: error }
  )
}
