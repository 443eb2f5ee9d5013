/**
 * One HTTP exchange with a time limit, through the runner's proxy when it has one,
 * and the error that says why no answer came. Everything above this sees either a
 * Response or a ConnectionError.
 */
import { HttpClient } from '@actions/http-client'

export type Transport = (url: string, init: TimedRequestInit) => Promise<Response>

/** Request options plus this request's own time limit (digest-fetch passes unknown options through). */
export type TimedRequestInit = RequestInit & { timeoutMs?: number }

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000

/** No HTTP answer: refused, reset, timed out, a DNS or TLS or proxy failure. */
export class ConnectionError extends Error {
  constructor(
    /** Why, in a few words: `getaddrinfo ENOTFOUND host`, `no answer within 30s`. */
    readonly reason: string,
    where: string,
    /** False only when the request surely never reached Atlas (refused, unknown host, a proxy said no). */
    readonly mayHaveReachedServer: boolean,
    /** True when trying again cannot help (a proxy that refuses the tunnel). */
    readonly permanent: boolean,
    options?: ErrorOptions
  ) {
    super(`Could not reach Atlas (${where}): ${reason}`, options)
    this.name = 'ConnectionError'
  }
}

const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH'])
// undici: "Proxy response (403) !== 200 when HTTP Tunneling"; the reason sits deep in the cause chain.
const PROXY_REFUSED = /Proxy response \((\d{3})\)/

export function createTransport(options: { timeoutMs?: number } = {}): Transport {
  // Node's fetch ignores HTTPS_PROXY and NO_PROXY; the official actions' HTTP client
  // reads them (upper or lower case), bypasses loopback, and gives fetch a dispatcher.
  const proxies = new HttpClient('atlas-snapshot-export')
  return async (url, { timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, ...init }) => {
    const signal = AbortSignal.timeout(timeoutMs)
    const dispatcher = proxies.getAgentDispatcher(url)
    try {
      const response = await fetch(url, { ...init, signal, redirect: 'manual', ...(dispatcher ? { dispatcher } : {}) } as RequestInit)
      // The body is read here, under the same time limit, so a response that stalls
      // halfway is a timeout too; callers get a body they can read at once.
      const body = await response.arrayBuffer()
      return new Response(body.byteLength === 0 && nullBodyStatus(response.status) ? null : body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers
      })
    } catch (error) {
      throw connectionError(error, init.method ?? 'GET', url, timeoutMs)
    }
  }
}

function nullBodyStatus(status: number): boolean {
  return status === 204 || status === 205 || status === 304
}

/** Pure: the most specific reason in an error's cause chain, and whether it is worth another try. */
export function connectionError(error: unknown, method: string, url: string, timeoutMs: number): ConnectionError {
  const { origin, pathname } = new URL(url)
  const where = `${method} ${origin}${pathname}`
  const chain: unknown[] = []
  for (let e: unknown = error; e && chain.length < 8; e = (e as { cause?: unknown }).cause) chain.push(e)
  if (chain.some(e => (e as Error).name === 'TimeoutError')) {
    return new ConnectionError(`no answer within ${timeoutMs / 1000}s`, where, true, false, { cause: error })
  }
  const messages = chain.filter((e): e is Error => e instanceof Error && e.message !== '').map(e => e.message)
  const proxy = messages.map(m => PROXY_REFUSED.exec(m)).find(Boolean)
  if (proxy) {
    const status = Number(proxy[1])
    const reason = `the proxy refused the connection (${messages.find(m => PROXY_REFUSED.test(m))}); check HTTPS_PROXY and NO_PROXY`
    return new ConnectionError(reason, where, false, status === 403 || status === 407, { cause: error })
  }
  const codes = chain.map(e => (e as { code?: unknown }).code).filter((c): c is string => typeof c === 'string')
  const reason = messages.at(-1) ?? String(error)
  return new ConnectionError(reason, where, !codes.some(code => NEVER_SENT.has(code)), false, { cause: error })
}
