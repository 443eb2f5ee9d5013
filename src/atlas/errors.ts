/**
 * The one error type for Atlas HTTP errors, and the words the step fails with:
 * `Atlas API <status> <errorCode>: <detail>`, plus one line of advice where the
 * cause is well known.
 */
import { RequestError } from '@octokit/request-error'
import { isRecord, parseJson } from './json.js'

export type AuthKind = 'digest' | 'service-account'

/** Where a service account gets its token (OAuth 2.0 client credentials). */
export const TOKEN_PATH = '/api/oauth/token'

export interface AtlasErrorInit {
  readonly status: number
  readonly method: string
  readonly url: string
  readonly responseHeaders: Headers
  /** The raw body text, as Atlas (or a proxy in between) sent it. */
  readonly body: string
  /** Set when the body has been unwrapped from an `envelope=true` answer. */
  readonly data?: unknown
  readonly authKind: AuthKind
  /** The Atlas role the refused call needs (its spec's x-rolesRequirements). */
  readonly role?: string | undefined
}

/**
 * An HTTP error answer from Atlas (or from something in between). It extends Octokit's
 * RequestError, the toolkit's HTTP error type, so that `status`, `request` and
 * `response` have the shape any Actions code already knows; the Authorization header is
 * never given to it, so its own redaction has nothing to miss.
 */
export class AtlasError extends RequestError {
  readonly errorCode: string | undefined
  readonly parameters: readonly unknown[]
  readonly hint: string | undefined

  constructor(init: AtlasErrorInit) {
    const data = init.data !== undefined ? init.data : parseJson(init.body)
    const facts = describe(init.status, data, init.body, init.responseHeaders)
    super(headline(init.status, facts.errorCode, facts.detail), init.status, {
      // The Authorization header is never put here: nothing to redact, nothing to leak.
      request: { method: init.method as 'GET', url: init.url, headers: {} },
      response: {
        status: init.status,
        url: init.url,
        headers: Object.fromEntries(init.responseHeaders),
        data: data ?? init.body
      }
    })
    this.errorCode = facts.errorCode
    this.parameters = facts.parameters
    this.hint = hintFor(init.status, facts.errorCode, facts.parameters, init.authKind, init.role)
  }
}

/**
 * A 2xx whose body is not what the call expects: cut short, an HTML page from something
 * in between, the wrong shape. Not a verdict: the request may well have worked, so a
 * read is repeated and a create looks for what it may have made.
 */
export class UnreadableAnswerError extends Error {
  constructor(
    readonly status: number,
    /** `GET …/exports/6a79…` */
    readonly where: string,
    /** What was wrong, in a few words: `not JSON (text/html): <html>…`, `not an export job`. */
    readonly why: string
  ) {
    super(`Atlas answered ${status} to ${where} with something unreadable: ${why}`)
    this.name = 'UnreadableAnswerError'
  }
}

/**
 * The next try would come after the run's deadline (wait-timeout): the run stops now,
 * saying what Atlas asked, rather than sleep past its time. `cause` is Atlas's answer.
 */
export class OutOfTimeError extends Error {
  constructor(
    override readonly cause: unknown,
    readonly waitMs: number,
    /** Atlas said when to come back (Retry-After), rather than the backoff choosing it. */
    readonly asked: boolean
  ) {
    const wait = `${Math.ceil(waitMs / 1000)} s`
    const why = asked ? `Atlas asked to come back in ${wait}` : `the next try would come in ${wait}`
    super(
      `${cause instanceof Error ? cause.message : String(cause)} (${why}, after the run's wait-timeout: the run stops here; a re-run takes over whatever this run made)`
    )
    this.name = 'OutOfTimeError'
  }
}

interface Facts {
  errorCode: string | undefined
  detail: string
  parameters: unknown[]
}

export function headline(status: number, errorCode: string | undefined, detail: string): string {
  return `Atlas API ${status}${errorCode ? ` ${errorCode}` : ''}: ${detail}`
}

/** Pure: the error code and detail of an Atlas (or OAuth, or proxy) error response. */
export function describe(status: number, data: unknown, body: string, headers: Headers): Facts {
  const headerCode = headers.get('x-error-code') ?? undefined
  if (status >= 300 && status < 400) {
    const location = headers.get('location')
    return {
      errorCode: headerCode,
      detail: location ? `redirected to ${location}` : 'a redirect with no Location',
      parameters: []
    }
  }
  if (isRecord(data)) {
    // Admin API errors carry errorCode/detail; the OAuth endpoints carry error/error_description.
    const errorCode = str(data.errorCode) ?? str(data.error) ?? headerCode
    const detail = str(data.detail) ?? str(data.error_description) ?? str(data.reason) ?? reasonPhrase(status)
    return { errorCode, detail, parameters: Array.isArray(data.parameters) ? data.parameters : [] }
  }
  const text = body.trim()
  if (text === '') return { errorCode: headerCode, detail: reasonPhrase(status), parameters: [] }
  const type = headers.get('content-type')?.split(';')[0]?.trim() || 'no content type'
  return { errorCode: headerCode, detail: `non-JSON response (${type}): ${excerpt(text)}`, parameters: [] }
}

/** A short, single-line look at a body that is not JSON (an HTML error page, say). */
export function excerpt(text: string, max = 160): string {
  const plain = text
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
  return plain.length > max ? `${plain.slice(0, max - 1)}…` : plain
}

const ACCESS_LIST_CODES = new Set([
  'IP_ADDRESS_NOT_ON_ACCESS_LIST',
  'ORG_REQUIRES_ACCESS_LIST',
  'IP_ADDRESS_NOT_ON_WHITELIST',
  'ORG_REQUIRES_WHITELIST'
])

/**
 * Signing in failed, whatever the run was doing: the credential was refused (401, the
 * token endpoint's refusal) or the runner's address is not on its access list.
 */
export function isSignInFailure(error: unknown): boolean {
  if (!(error instanceof AtlasError)) return false
  if (error.errorCode === 'USER_UNAUTHORIZED') return false
  return error.status === 401 || ACCESS_LIST_CODES.has(error.errorCode ?? '') || error.request.url.endsWith(TOKEN_PATH)
}

/** Pure: one line of advice for the failures whose cause is well known. */
export function hintFor(
  status: number,
  errorCode: string | undefined,
  parameters: readonly unknown[],
  authKind: AuthKind,
  role?: string
): string | undefined {
  const credential =
    authKind === 'digest'
      ? "the API key ('public-key' and 'private-key')"
      : "the service account ('client-id' and 'client-secret')"
  if (errorCode === 'USER_UNAUTHORIZED' || (status === 403 && !ACCESS_LIST_CODES.has(errorCode ?? ''))) {
    return `Give ${credential} ${role ? `the ${role} role` : 'the role this call needs'} (or Project Owner) on this project.`
  }
  if (status === 401) {
    return `Atlas rejected ${credential}: check both values, and that the credential belongs to the organization that owns the project.`
  }
  if (status === 403) {
    const ip = parameters.find(p => typeof p === 'string' && /^[0-9a-f.:]+$/i.test(p) && /[.:]/.test(p))
    const from = ip ? `this runner's address ${String(ip)}` : "this runner's address"
    return `The API access list of ${credential} must allow ${from}. GitHub-hosted runners change address from run to run: add their ranges, or use a self-hosted runner with a fixed address.`
  }
  if (status >= 300 && status < 400) {
    return "Atlas's Admin API does not redirect, and the action follows no redirect (credentials stay with the host you named): check base-url."
  }
  if (status === 409) {
    return 'Atlas allows one active export per snapshot: an export of this snapshot may already be running.'
  }
  if (status === 429) {
    return "Atlas's rate limit for Cloud Backup calls of this project was reached: run fewer exports at once (max-parallel) or poll less often (poll-interval)."
  }
  if (errorCode === 'INVALID_VERSION_DATE' || errorCode === 'VERSION_GONE') {
    return 'This version of the action speaks an API version Atlas no longer accepts: update the action.'
  }
  return undefined
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

function reasonPhrase(status: number): string {
  return REASONS[status] ?? 'no details in the response'
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout'
}
