/**
 * The Atlas Admin API v2 client: versioned media types, the envelope, the one retry
 * policy, and one error type for whatever Atlas (or something in between) answers
 * with an error.
 */
import { throwIfCancelled } from '../runner/cancellation.js'
import type { Clock } from '../runner/clock.js'
import type { Log } from '../runner/log.js'
import type { Authenticator } from './auth/authenticator.js'
import { AtlasError, excerpt, OutOfTimeError, UnreadableAnswerError } from './errors.js'
import { isRecord, parseJson } from './json.js'
import {
  backoffDelay,
  classify,
  DEFAULT_RETRY_POLICY,
  failedRequest,
  failureSummary,
  isRateLimited,
  retryAfterOf,
  type RetryPolicy
} from './retry.js'
import type { Throttle } from './throttle.js'
import type { TimedRequestInit } from './transport.js'

export interface AtlasCall {
  readonly method: 'GET' | 'POST'
  /** From `/api/atlas/v2/...`. */
  readonly path: string
  readonly version: string
  readonly query?: Readonly<Record<string, string | number | boolean>>
  readonly body?: unknown
  /**
   * What a 2xx must look like (`an export job`, and a test of it). An answer that is
   * not is unreadable: repeated if a read, looked for if a create.
   */
  readonly expect?: Expectation
  /** The Atlas role this call needs (x-rolesRequirements): named in the hint when Atlas refuses it. */
  readonly role?: string
}

export interface Expectation {
  readonly what: string
  readonly test: (data: unknown) => boolean
}

/** After a create that may have reached Atlas: what it made, if anything. */
export interface Lookup<T> {
  /** `the create`, `the snapshot request`: for the log. */
  readonly what: string
  /** What the create made, if Atlas made anything, asked through `client` (free of the run's deadline). */
  readonly find: (client: AtlasClient) => Promise<T | undefined>
  /** The log line for what `find` found. */
  readonly found: (value: T) => string
}

export interface AtlasClientOptions {
  readonly baseUrl: string
  readonly auth: Authenticator
  readonly envelope: boolean
  readonly log: Log
  /** No attempt starts, and no retry waits, past this time (clock ms): the run's budget. */
  readonly deadline?: number | undefined
  readonly requestTimeoutMs: number
  readonly retryPolicy?: RetryPolicy
  readonly clock: Clock
  /** Shared by every call of the run: requests in flight at once, and a 429's pause. */
  readonly throttle: Throttle
  /** The run was cancelled: no new request, no more waiting. */
  readonly signal?: AbortSignal | undefined
}

export class AtlasClient {
  private readonly warned = new Set<string>()
  private readonly clock: Clock

  /** The run's log, for what the layers above the client say of their calls. */
  get log(): Log {
    return this.options.log
  }

  constructor(private readonly options: AtlasClientOptions) {
    this.clock = options.clock
  }

  /** One call, repeated after any passing trouble when Atlas cannot have acted on it twice. */
  async call<T>(call: AtlasCall): Promise<T> {
    return this.retrying<T>(call, undefined).then(result => result.value)
  }

  /**
   * A create, never made twice: what Atlas surely did not act on is sent again; after
   * an answer that may have come from a create that worked (a timeout, a reset, 500,
   * 502, 504, an unreadable 2xx) it looks first, and sends again only when nothing is
   * found. Between attempts it waits like every other call.
   *
   * This is the one place that decides how a create treats the run's deadline: like
   * every call, no new attempt starts after it; the attempt in flight keeps its request
   * timeout, and a lost answer is still looked for once (given one request timeout
   * past the deadline, no more), so that what the create made is known.
   */
  async create<T>(call: AtlasCall, lookup: Lookup<T>): Promise<{ value: T; recovered: boolean }> {
    return this.retrying<T>(call, lookup)
  }

  private async retrying<T>(call: AtlasCall, lookup: Lookup<T> | undefined): Promise<{ value: T; recovered: boolean }> {
    const { log, retryPolicy = DEFAULT_RETRY_POLICY, signal } = this.options
    const deadline = this.options.deadline ?? Infinity
    const requestTimeoutMs = this.options.requestTimeoutMs
    let failures = 0
    let rateLimited = 0
    for (;;) {
      throwIfCancelled(signal)
      try {
        const release = await this.options.throttle.enter(this.clock, deadline, signal)
        try {
          const timeoutMs = Math.min(requestTimeoutMs, Math.max(1_000, deadline - this.clock.now()))
          return { value: await this.attempt<T>(call, timeoutMs), recovered: false }
        } finally {
          release()
        }
      } catch (error) {
        throwIfCancelled(signal)
        const kind = classify(error)
        if (kind === 'final') throw error
        if (kind === 'ambiguous' && call.method !== 'GET') {
          if (!lookup) throw error
          log.info(
            `${failureSummary(error)} to ${lookup.what}, which may have reached Atlas: looking before trying again.`
          )
          // Past the deadline the look still gets one request's time, and no more: a wait it
          // meets (a long Retry-After) ends the run like any other.
          const lookDeadline = Math.max(deadline, this.clock.now() + requestTimeoutMs)
          const made = await lookup.find(new AtlasClient({ ...this.options, deadline: lookDeadline }))
          if (made !== undefined) {
            log.info(lookup.found(made))
            return { value: made, recovered: true }
          }
        }
        const limited = isRateLimited(error)
        const count = limited ? ++rateLimited : ++failures
        const max = (limited ? retryPolicy.maxRateLimitedAttempts : retryPolicy.maxAttempts) - 1
        if (count > max) throw error
        const retryAfter = retryAfterOf(error, this.clock.now())
        const delay = backoffDelay(count, retryAfter, retryPolicy, this.clock.random)
        const what =
          lookup && kind === 'ambiguous'
            ? `Nothing was made: sending ${lookup.what} again`
            : `${failureSummary(error)} to ${failedRequest(error, `${call.method} ${shortPath(call.path)}`)}`
        if (this.clock.now() + delay >= deadline) {
          log.info(`${what}; not retried: the run's time (wait-timeout) is spent.`)
          throw new OutOfTimeError(error, retryAfter ?? delay, retryAfter !== undefined)
        }
        log.info(`${what}; retry ${count} of ${max} in ${(delay / 1000).toFixed(1)}s.`)
        // Atlas's rate limit is the project's: every request of the run waits as it asked.
        if (limited) this.options.throttle.pause(this.clock.now() + delay)
        await this.clock.sleep(delay, signal)
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
      cancel: this.options.signal,
      method: call.method,
      headers: { Accept: mediaType, ...(body === undefined ? {} : { 'Content-Type': mediaType }) },
      body
    }))
    const text = await response.text()
    this.options.log.debug(`Atlas answered ${response.status} (${text.length} bytes)`)
    this.warnOnDeprecation(response.headers, call.version)
    const { status, data } = this.unwrap(response.status, parseJson(text))

    if (status >= 300) {
      throw new AtlasError({
        status,
        method: call.method,
        url,
        responseHeaders: response.headers,
        body: text,
        data,
        authKind: this.options.auth.kind,
        role: call.role
      })
    }
    const where = `${call.method} ${shortPath(call.path)}`
    if (data === undefined) {
      const type = response.headers.get('content-type')?.split(';')[0]?.trim() || 'no content type'
      throw new UnreadableAnswerError(
        status,
        where,
        text.trim() === '' ? 'an empty body' : `not JSON (${type}): ${excerpt(text, 80)}`
      )
    }
    if (call.expect && !call.expect.test(data)) {
      throw new UnreadableAnswerError(status, where, `not ${call.expect.what}: ${excerpt(JSON.stringify(data), 80)}`)
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
