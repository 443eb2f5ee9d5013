/**
 * The Atlas Admin API v2 client: versioned media types, the envelope, and one error
 * type for whatever Atlas (or something in between) answers with an error.
 */
import type { Authenticator } from './auth.js'
import { AtlasError, isRecord, parseJson } from './errors.js'

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
  warning(message: string): void
}

export interface AtlasClientOptions {
  readonly baseUrl: string
  readonly auth: Authenticator
  readonly envelope: boolean
  readonly userAgent: string
  readonly log: Logger
}

export class AtlasClient {
  private readonly warned = new Set<string>()

  constructor(private readonly options: AtlasClientOptions) {}

  get authKind(): Authenticator['kind'] {
    return this.options.auth.kind
  }

  async call<T>(call: AtlasCall): Promise<T> {
    const url = this.url(call)
    const mediaType = `application/vnd.atlas.${call.version}+json`
    const body = call.body === undefined ? undefined : JSON.stringify(call.body)
    this.options.log.debug(`Atlas ${call.method} ${url}`)
    const response = await this.options.auth.send(url, () => ({
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
