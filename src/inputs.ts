/**
 * Reads every input once, applies the env fallbacks, masks secrets, validates, and
 * returns one immutable settings object. Nothing here touches the network: a bad
 * input fails the step before the first request.
 */
import { parseCustomData, type CustomDatum } from './custom-data.js'
import { formatDuration, parseDuration } from './duration.js'

export type Credentials =
  | { readonly kind: 'digest'; readonly publicKey: string; readonly privateKey: string }
  | { readonly kind: 'service-account'; readonly clientId: string; readonly clientSecret: string }

export type SnapshotChoice = { readonly kind: 'latest' } | { readonly kind: 'new' } | { readonly kind: 'id'; readonly id: string }

export type BucketChoice =
  | { readonly kind: 'id'; readonly id: string }
  | { readonly kind: 'name'; readonly name: string }
  /** export-job-id without export-bucket-id: the job's own. */
  | { readonly kind: 'of-job' }

export interface Inputs {
  readonly credentials: Credentials
  readonly projectId: string
  readonly clusterName: string
  readonly snapshot: SnapshotChoice
  /** Retention of a snapshot taken by `snapshot-id: new`. */
  readonly snapshotRetentionDays: number
  readonly bucket: BucketChoice
  readonly customData: readonly CustomDatum[]
  readonly wait: boolean
  readonly waitTimeoutMs: number
  readonly pollIntervalMs: number
  /** The longest one HTTP request may take before it is abandoned (and retried when that is safe). */
  readonly requestTimeoutMs: number
  /** Without a trailing slash. */
  readonly baseUrl: string
  readonly envelope: boolean
  /** Validate, authenticate, resolve and report; create nothing. */
  readonly dryRun: boolean
  /** When a Successful export of the same snapshot to the same bucket exists: report it, or export again. */
  readonly ifExported: IfExported
  /** Follow this export job instead of creating one. */
  readonly exportJobId: string | undefined
}

export type IfExported = 'reuse' | 'export-again'

/** A bad input: the message names each input and what is wrong with it. */
export class InputError extends Error {
  override name = 'InputError'
}

export type ReadInput = (name: string) => string
export type Env = Readonly<Record<string, string | undefined>>

const HEX24 = /^[a-f0-9]{24}$/
const CLUSTER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9-]*$/
const CLUSTER_NAME_MAX = 64
const DEFAULT_BASE_URL = 'https://cloud.mongodb.com'
const MIN_POLL_MS = 1_000
const MAX_RETENTION_DAYS = 3650
// Atlas's Export Bucket names follow the cloud's bucket rules: 3 to 63 characters.
const BUCKET_NAME = /^[a-zA-Z0-9][a-zA-Z0-9._-]{1,61}[a-zA-Z0-9]$/
const MAX_POLL_MS = 3_600_000
// Timers overflow past 2^31-1 ms (24.8 days); no runner keeps a job alive that long.
const MAX_WAIT_MS = 7 * 24 * 3_600_000

/** Env fallbacks of interface.md, first match wins. */
const FALLBACKS: Record<string, readonly string[]> = {
  'public-key': ['MONGODB_ATLAS_PUBLIC_API_KEY', 'MONGODB_ATLAS_PUBLIC_KEY'],
  'private-key': ['MONGODB_ATLAS_PRIVATE_API_KEY', 'MONGODB_ATLAS_PRIVATE_KEY'],
  'client-id': ['MONGODB_ATLAS_CLIENT_ID'],
  'client-secret': ['MONGODB_ATLAS_CLIENT_SECRET'],
  'project-id': ['MONGODB_ATLAS_PROJECT_ID']
}

const SECRET_INPUTS = ['private-key', 'client-secret'] as const

/** Reads the inputs the way the runner passes them, masking secrets before anything else. */
export function getInputs(runner: { getInput(name: string): string; mask(secret: string): void; readonly env: Env }): Inputs {
  const read: ReadInput = name => withFallback(name, runner.getInput(name), runner.env)
  for (const name of SECRET_INPUTS) {
    const secret = read(name)
    if (secret) runner.mask(secret)
  }
  return parseInputs(read)
}

function withFallback(name: string, value: string, env: Env): string {
  if (value) return value
  for (const variable of FALLBACKS[name] ?? []) {
    const fromEnv = env[variable]?.trim()
    if (fromEnv) return fromEnv
  }
  return ''
}

/** Pure: validates raw input strings (env fallbacks already applied). */
export function parseInputs(read: ReadInput): Inputs {
  const problems: string[] = []
  const get = (name: string): string => read(name).trim()
  function check<T>(name: string, parse: (value: string) => T): T {
    try {
      return parse(get(name))
    } catch (error) {
      if (!(error instanceof Problem)) throw error
      problems.push(`Input '${name}' ${error.message}`)
      return undefined as T
    }
  }

  const credentials = parseCredentials(get, problems)
  const projectId = check('project-id', value =>
    value === '' ? fail('is required (or set MONGODB_ATLAS_PROJECT_ID): the 24-hex id of the Atlas project') : hex24(value)
  )
  const clusterName = check('cluster-name', parseClusterName)
  const snapshot = check('snapshot-id', (value): SnapshotChoice => {
    if (value === '' || value.toLowerCase() === 'latest') return { kind: 'latest' }
    if (value.toLowerCase() === 'new') return { kind: 'new' }
    return { kind: 'id', id: hex24(value, "or 'latest' or 'new'") }
  })
  const snapshotRetentionDays = check('snapshot-retention-days', value => {
    if (value === '') return 1
    if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_RETENTION_DAYS) {
      fail(`must be a whole number of days from 1 to ${MAX_RETENTION_DAYS}; got '${value}'`)
    }
    return Number(value)
  })
  const exportJobId = check('export-job-id', value => (value === '' ? undefined : hex24(value)))
  const bucket = parseBucket(get, problems, exportJobId !== undefined)
  const customData = check('custom-data', () => {
    try {
      return parseCustomData(read('custom-data'))
    } catch (error) {
      return fail((error as Error).message)
    }
  })
  const wait = check('wait', value => bool(value, false))
  const waitTimeoutMs = check('wait-timeout', value => duration(value, 3_600_000, 1_000, MAX_WAIT_MS))
  const pollIntervalMs = check('poll-interval', value => duration(value, 30_000, MIN_POLL_MS, MAX_POLL_MS))
  const requestTimeoutMs = check('request-timeout', value => duration(value, 30_000, 1_000, 600_000))
  const baseUrl = check('base-url', parseBaseUrl)
  const envelope = check('envelope', value => bool(value, false))
  const dryRun = check('dry-run', value => bool(value, false))
  const ifExported = check('if-exported', (value): IfExported => {
    if (value === '' || value === 'reuse') return 'reuse'
    if (value === 'export-again') return 'export-again'
    return fail(`must be reuse or export-again; got '${value}'`)
  })
  if (exportJobId !== undefined) {
    // Following a job: nothing is chosen or created, so what chooses or creates conflicts.
    const conflicts: Array<[string, boolean]> = [
      ["'snapshot-id: new'", snapshot?.kind === 'new'],
      ["'export-bucket-name'", get('export-bucket-name') !== ''],
      ["'if-exported: export-again'", ifExported === 'export-again'],
      ["'dry-run: true'", dryRun === true]
    ]
    for (const [other, set] of conflicts) {
      if (set)
        problems.push(`Inputs 'export-job-id' and ${other} conflict: following an existing job takes no snapshot, bucket name or new export; drop one of them`)
    }
  }

  if (problems.length > 0) throw new InputError(problems.join('\n'))
  return Object.freeze({
    credentials,
    projectId,
    clusterName,
    snapshot,
    snapshotRetentionDays,
    bucket,
    customData: Object.freeze(customData),
    wait,
    waitTimeoutMs,
    pollIntervalMs,
    requestTimeoutMs,
    baseUrl,
    envelope,
    dryRun,
    ifExported,
    exportJobId
  })
}

/** What is wrong with one input's value; `check` adds the input's name. */
class Problem extends Error {}

function fail(message: string): never {
  throw new Problem(message)
}

function parseCredentials(get: (name: string) => string, problems: string[]): Credentials {
  const publicKey = get('public-key')
  const privateKey = get('private-key')
  const clientId = get('client-id')
  const clientSecret = get('client-secret')
  const apiKey = publicKey !== '' || privateKey !== ''
  const serviceAccount = clientId !== '' || clientSecret !== ''
  const require = (name: string, value: string, partner: string, variable: string): void => {
    if (value === '') problems.push(`Input '${name}' is required with '${partner}' (or set ${variable})`)
    else if (/\s/.test(value)) problems.push(`Input '${name}' must not contain white space`)
  }
  if (apiKey && serviceAccount) {
    problems.push("Inputs 'public-key'/'private-key' and 'client-id'/'client-secret' are both set: give one credential, an API key or a service account")
  } else if (apiKey) {
    require('public-key', publicKey, 'private-key', 'MONGODB_ATLAS_PUBLIC_API_KEY')
    require('private-key', privateKey, 'public-key', 'MONGODB_ATLAS_PRIVATE_API_KEY')
    return { kind: 'digest', publicKey, privateKey }
  } else if (serviceAccount) {
    require('client-id', clientId, 'client-secret', 'MONGODB_ATLAS_CLIENT_ID')
    require('client-secret', clientSecret, 'client-id', 'MONGODB_ATLAS_CLIENT_SECRET')
  } else {
    problems.push(
      "No Atlas credentials: set 'client-id' and 'client-secret' (a service account) or 'public-key' and 'private-key' (an API key), or their MONGODB_ATLAS_* env variables"
    )
  }
  return { kind: 'service-account', clientId, clientSecret }
}

function parseBucket(get: (name: string) => string, problems: string[], followingJob: boolean): BucketChoice {
  const id = get('export-bucket-id')
  const name = get('export-bucket-name')
  if (id !== '' && name !== '') {
    problems.push("Inputs 'export-bucket-id' and 'export-bucket-name' are both set: give one of them")
  } else if (name !== '') {
    if (!BUCKET_NAME.test(name)) {
      problems.push(`Input 'export-bucket-name' must be a bucket name of 3 to 63 letters, digits, dots, hyphens or underscores; got '${name}'`)
    }
    return { kind: 'name', name }
  } else if (id === '') {
    // A job followed by export-job-id names its own bucket.
    if (followingJob) return { kind: 'of-job' }
    problems.push("Input 'export-bucket-id' is required (or 'export-bucket-name'): the Export Bucket to export to")
  } else if (!HEX24.test(id)) {
    problems.push(`Input 'export-bucket-id' must be 24 hexadecimal digits (0-9, a-f); got '${id}'`)
  }
  return { kind: 'id', id }
}

function hex24(value: string, alternative = ''): string {
  if (HEX24.test(value)) return value
  return fail(`must be 24 hexadecimal digits (0-9, a-f)${alternative ? ` ${alternative}` : ''}; got '${value}'`)
}

function parseClusterName(value: string): string {
  if (value === '') fail('is required: the name of the Atlas cluster')
  if (value.length > CLUSTER_NAME_MAX) fail(`must be at most ${CLUSTER_NAME_MAX} characters, got ${value.length}`)
  if (!CLUSTER_NAME.test(value)) fail(`must be letters, digits and hyphens, starting with a letter or digit; got '${value}'`)
  return value
}

function bool(value: string, fallback: boolean): boolean {
  if (value === '') return fallback
  if (/^(true|yes|on)$/i.test(value)) return true
  if (/^(false|no|off)$/i.test(value)) return false
  return fail(`must be true or false; got '${value}'`)
}

function duration(value: string, fallback: number, min: number, max: number): number {
  if (value === '') return fallback
  const ms = parseDuration(value)
  if (ms === undefined) fail(`must be a duration like 90s, 15m or 1h30m (or a number of seconds); got '${value}'`)
  if (ms < min || ms > max) fail(`must be between ${formatDuration(min)} and ${formatDuration(max)}; got '${value}'`)
  return ms
}

function parseBaseUrl(value: string): string {
  if (value === '') return DEFAULT_BASE_URL
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return fail(`must be a URL like ${DEFAULT_BASE_URL}; got '${value}'`)
  }
  if (url.username || url.password) fail('must not contain a user name or password')
  if (url.search || url.hash) fail(`must not have a query or fragment; got '${value}'`)
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    fail(`must use https (plain http only for a loopback host such as 127.0.0.1); got '${value}'`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') fail(`must use https; got '${value}'`)
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
}
