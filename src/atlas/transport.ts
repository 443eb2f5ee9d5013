/**
 * One HTTP exchange with a time limit, and the error that says why no answer came.
 * Everything above this sees either a Response or a ConnectionError.
 */

export type Transport = (url: string, init: TimedRequestInit) => Promise<Response>

/** Request options plus this request's own time limit (digest-fetch passes unknown options through). */
export type TimedRequestInit = RequestInit & { timeoutMs?: number }

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000

/** No HTTP answer: refused, reset, timed out, a DNS or TLS or proxy failure. */
export class ConnectionError extends Error {
  constructor(
    message: string,
    /** False only when the request surely never reached a server (refused, unknown host). */
    readonly mayHaveReachedServer: boolean,
    options?: ErrorOptions
  ) {
    super(message, options)
    this.name = 'ConnectionError'
  }
}

const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH'])

export function createTransport(options: { timeoutMs?: number } = {}): Transport {
  return async (url, { timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, ...init }) => {
    const signal = AbortSignal.timeout(timeoutMs)
    try {
      const response = await fetch(url, { ...init, signal, redirect: 'manual' })
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

/** Pure: the most specific reason in an error's cause chain. */
export function connectionError(error: unknown, method: string, url: string, timeoutMs: number): ConnectionError {
  const where = `${method} ${new URL(url).origin}${new URL(url).pathname}`
  const chain: unknown[] = []
  for (let e: unknown = error; e && chain.length < 8; e = (e as { cause?: unknown }).cause) chain.push(e)
  const timedOut = chain.some(e => (e as Error).name === 'TimeoutError')
  if (timedOut) {
    return new ConnectionError(`No answer from Atlas within ${timeoutMs / 1000}s (${where})`, true, { cause: error })
  }
  const codes = chain.map(e => (e as { code?: unknown }).code).filter((c): c is string => typeof c === 'string')
  const deepest = [...chain].reverse().find(e => e instanceof Error && e.message) as Error | undefined
  const reason = deepest?.message ?? String(error)
  const neverSent = codes.some(code => NEVER_SENT.has(code))
  return new ConnectionError(`Could not reach Atlas (${where}): ${reason}`, !neverSent, { cause: error })
}
