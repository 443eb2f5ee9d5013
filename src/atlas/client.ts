/**
 * The Atlas Admin API v2 client: versioned media types, the envelope, and one error
 * type for whatever Atlas (or something in between) answers with an error.
 */
import type { Authenticator } from './auth.js'
import { AtlasError, isRecord, parseJson } from './errors.js'
import { backoffDelay, classify, DEFAULT_RETRY_POLICY, failureSummary, isRateLimited, retryAfterOf, type RetryPolicy } from './retry.js'
import { DEFAULT_REQUEST_TIMEOUT_MS, type TimedRequestInit } from './transport.js'

export const API_VERSION = {
  /** Export jobs and snapshots exist only in this version. */
  exports: '2023-01-01',
  /** Export buckets: 2023-01-01 is AWS-only and sunsets 2027-07-01. */
  exportBuckets: '2024-05-30'
} as const

export interface AtlasCall {
  readonly method: 'GET' | 'POST'
  /** From `/api/atlas/v2/...`. */
  readonly path: string
  readonly version: string
  readonly query?: Readonly<Record<string, string | number | boolean>>
  readonly body?: unknown
}

export interface Logger {
  debug(message: string): void
  info(message: string): void
  warning(message: string): void
}

export interface AtlasClientOptions {
  readonly baseUrl: string
  readonly auth: Authenticator
  readonly envelope: boolean
  readonly userAgent: string
  readonly log: Logger
  /** No attempt starts, and no wait runs, past this time (ms since the epoch): the run's budget. */
  readonly deadline?: number
  readonly requestTimeoutMs?: number
  readonly retryPolicy?: RetryPolicy
  readonly random?: () => number
  readonly sleep?: (ms: number) => Promise<void>
  readonly now?: () => number
}

const sleepFor = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

export class AtlasClient {
  private readonly warned = new Set<string>()

  constructor(private readonly options: AtlasClientOptions) {}

  /**
   * One call, with the retry policy: a read is repeated after any passing trouble, a
   * create only when Atlas cannot have acted on it. What is left is thrown.
   */
  async call<T>(call: AtlasCall): Promise<T> {
    const { log, retryPolicy = DEFAULT_RETRY_POLICY, random = Math.random, sleep = sleepFor, now = Date.now } = this.options
    const deadline = this.options.deadline ?? Infinity
    let failures = 0
    let rateLimited = 0
    for (;;) {
      try {
        return await this.attempt<T>(call, Math.min(this.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, Math.max(1_000, deadline - now())))
      } catch (error) {
        const kind = classify(error)
        const repeatable = kind === 'safe' || (kind === 'ambiguous' && call.method === 'GET')
        const limited = isRateLimited(error)
        const count = limited ? ++rateLimited : ++failures
        const max = (limited ? retryPolicy.maxRateLimitedAttempts : retryPolicy.maxAttempts) - 1
        if (!repeatable || count > max) throw error
        const delay = backoffDelay(count, retryAfterOf(error, now()), retryPolicy, random)
        const what = `${failureSummary(error)} to ${call.method} ${shortPath(call.path)}`
        if (now() + delay >= deadline) {
          log.info(`${what}; not retried: the run's time (wait-timeout) is spent.`)
          throw error
        }
        log.info(`${what}; retry ${count} of ${max} in ${(delay / 1000).toFixed(1)}s.`)
        await sleep(delay)
      }
    }
  }

  private async attempt<T>(call: AtlasCall, timeoutMs: number): Promise<T> {
    const url = this.url(call)
    const mediaType = `application/vnd.atlas.${call.version}+json`
    const body = call.body === undefined ? undefined : JSON.stringify(call.body)
    this.options.log.debug(`Atlas ${call.method} ${url}`)
    const response = await this.options.auth.send(url, (): TimedRequestInit => ({
      timeoutMs,
      method: call.method,
      headers: {
        Accept: mediaType,
        'User-Agent': this.options.userAgent,
        ...(body === undefined ? {} : { 'Content-Type': mediaType })
      },
      body
    }))
    const text = await response.text()
    this.options.log.debug(`Atlas answered ${response.status} (${text.length} bytes)`)
    this.warnOnDeprecation(response.headers, call.version)
    const { status, data } = this.unwrap(response.status, parseJson(text))

    if (status >= 300 || data === undefined) {
      throw new AtlasError({
        status,
        method: call.method,
        url,
        responseHeaders: response.headers,
        body: text,
        data,
        authKind: this.options.auth.kind
      })
    }
    return data as T
  }

  /** Gives back what the run was lent (a service-account token); never throws. */
  async close(): Promise<void> {
    await this.options.auth.close()
  }

  private url(call: AtlasCall): string {
    const query = new URLSearchParams()
    for (const [key, value] of Object.entries(call.query ?? {})) query.set(key, String(value))
    if (this.options.envelope) query.set('envelope', 'true')
    const search = query.toString()
    return `${this.options.baseUrl}${call.path}${search ? `?${search}` : ''}`
  }

  /**
   * With `envelope=true` Atlas answers 200 with `{status, content}` (lists: the list
   * plus `status`); the real status and entity are read out of it, errors included.
   */
  private unwrap(httpStatus: number, data: unknown): { status: number; data: unknown } {
    if (!this.options.envelope || !isRecord(data) || typeof data.status !== 'number') {
      return { status: httpStatus, data }
    }
    const { status, content, ...rest } = data
    return { status: httpStatus < 300 ? (status as number) : httpStatus, data: content ?? rest }
  }

  private warnOnDeprecation(headers: Headers, version: string): void {
    const sunset = headers.get('sunset')
    const deprecation = headers.get('deprecation')
    if ((sunset || deprecation) && !this.warned.has(version)) {
      this.warned.add(version)
      this.options.log.warning(
        `Atlas API version ${version} is deprecated${sunset ? ` and will be removed on ${sunset}` : ''}: update this action.`
      )
    }
  }
}

/** `…/exports/6a79…` rather than the whole path, for one-line logs. */
function shortPath(path: string): string {
  const backup = path.indexOf('/backup/')
  return backup >= 0 ? `…${path.slice(backup)}` : path
}
