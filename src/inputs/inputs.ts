/**
 * Reads every input once, applies the env fallbacks, masks secrets, validates, and
 * returns one immutable settings object. Nothing here touches the network: a bad
 * input fails the step before the first request.
 */
import type { IfExported } from '../backup/export-jobs.js'
import { isFleet, parseClusterEntries, type ClusterEntry } from './cluster-entries.js'
import { parseCustomData, type CustomDatum } from './custom-data.js'
import { proxyProblems } from '../atlas/proxy.js'
import type { Runner } from '../runner/runner.js'
import { formatDuration, parseDuration } from './duration.js'

export type Credentials =
  | { readonly kind: 'digest'; readonly publicKey: string; readonly privateKey: string }
  | { readonly kind: 'service-account'; readonly clientId: string; readonly clientSecret: string }

export type SnapshotChoice =
  { readonly kind: 'latest' } | { readonly kind: 'new' } | { readonly kind: 'id'; readonly id: string }

export type BucketChoice =
  | { readonly kind: 'id'; readonly id: string }
  | { readonly kind: 'name'; readonly name: string }
  /** export-job-id without export-bucket-id: the job's own. */
  | { readonly kind: 'of-job' }

export interface Inputs {
  readonly credentials: Credentials
  readonly projectId: string
  /** The one cluster of a single run; '' in a fleet run. */
  readonly clusterName: string
  /** What `cluster-name` says: names, patterns and exclusions, in the order given. */
  readonly clusters: readonly ClusterEntry[]
  /** Several clusters (more than one entry, or a pattern): the project's clusters are listed. */
  readonly fleet: boolean
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

/** A bad input: the message names each input and what is wrong with it. */
export class InputError extends Error {
  override name = 'InputError'
}

export type ReadInput = (name: string) => string

const HEX24 = /^[a-f0-9]{24}$/
const DEFAULT_BASE_URL = 'https://cloud.mongodb.com'
const MIN_POLL_MS = 1_000
const MAX_RETENTION_DAYS = 3650
// Atlas's Export Bucket names follow the cloud's bucket rules: 3 to 63 characters.
const BUCKET_NAME = /^[a-zA-Z0-9][a-zA-Z0-9._-]{1,61}[a-zA-Z0-9]$/
const MAX_POLL_MS = 3_600_000
// Timers overflow past 2^31-1 ms (24.8 days); no runner keeps a job alive that long.
const MAX_WAIT_MS = 7 * 24 * 3_600_000

/** The env variables an input falls back to (the README's Inputs), first match wins. */
const FALLBACKS: Record<string, readonly string[]> = {
  'public-key': ['MONGODB_ATLAS_PUBLIC_API_KEY', 'MONGODB_ATLAS_PUBLIC_KEY'],
  'private-key': ['MONGODB_ATLAS_PRIVATE_API_KEY', 'MONGODB_ATLAS_PRIVATE_KEY'],
  'client-id': ['MONGODB_ATLAS_CLIENT_ID'],
  'client-secret': ['MONGODB_ATLAS_CLIENT_SECRET'],
  'project-id': ['MONGODB_ATLAS_PROJECT_ID']
}

const SECRET_INPUTS = ['private-key', 'client-secret'] as const

/** Reads the inputs the way the runner passes them, masking secrets before anything else. */
export function getInputs(runner: Pick<Runner, 'getInput' | 'mask' | 'env'>): Inputs {
  const read: ReadInput = name => withFallback(name, runner.getInput(name), runner.env)
  for (const name of SECRET_INPUTS) {
    const secret = read(name)
    if (secret) runner.mask(secret)
  }
  // The proxy variables are settings of the run too: one that cannot work fails with the inputs.
  const proxy = proxyProblems(runner.env)
  let inputs: Inputs
  try {
    inputs = parseInputs(read)
  } catch (error) {
    if (error instanceof InputError && proxy.length > 0) throw new InputError([error.message, ...proxy].join('\n'))
    throw error
  }
  if (proxy.length > 0) throw new InputError(proxy.join('\n'))
  return inputs
}

function withFallback(name: string, value: string, env: Runner['env']): string {
  if (value) return value
  for (const variable of FALLBACKS[name] ?? []) {
    const fromEnv = env[variable]?.trim()
    if (fromEnv) return fromEnv
  }
  return ''
}

/** Pure: validates raw input strings (env fallbacks already applied), every problem at once. */
export function parseInputs(read: ReadInput): Inputs {
  const problems = new Problems(read)
  const credentials = parseCredentials(problems)
  const target = parseTarget(problems)
  const timing = parseTiming(problems)
  const connection = parseConnection(problems)
  const customData = problems.check('custom-data', [], parseCustomData)
  problems.throwIfAny()
  return Object.freeze({ credentials, ...target, ...timing, ...connection, customData: Object.freeze(customData) })
}

/** The problems found so far; `check` reads one input, and keeps the fallback when its value is wrong. */
class Problems {
  private readonly found: string[] = []

  constructor(private readonly read: ReadInput) {}

  get(name: string): string {
    return this.read(name).trim()
  }

  /** `parse` throws an Error saying what is wrong with the value (`must be …`); this adds the input's name. */
  check<T>(name: string, fallback: T, parse: (value: string) => T): T {
    try {
      return parse(this.get(name))
    } catch (error) {
      if (!(error instanceof Error) || error instanceof InputError) throw error
      this.found.push(`Input '${name}' ${error.message}`)
      return fallback
    }
  }

  /** A problem of several inputs together, worded whole. */
  add(problem: string): void {
    this.found.push(problem)
  }

  throwIfAny(): void {
    if (this.found.length > 0) throw new InputError(this.found.join('\n'))
  }
}

function fail(message: string): never {
  throw new Error(message)
}

function parseCredentials(problems: Problems): Credentials {
  const [publicKey, privateKey, clientId, clientSecret] = [
    'public-key',
    'private-key',
    'client-id',
    'client-secret'
  ].map(name => problems.get(name)) as [string, string, string, string]
  const apiKey = publicKey !== '' || privateKey !== ''
  const serviceAccount = clientId !== '' || clientSecret !== ''
  const require = (name: string, partner: string): void =>
    void problems.check(name, '', value => {
      if (value === '') fail(`is required with '${partner}' (or set ${FALLBACKS[name]?.[0]})`)
      if (/\s/.test(value)) fail('must not contain white space')
      return value
    })
  if (apiKey && serviceAccount) {
    problems.add(
      "Inputs 'public-key'/'private-key' and 'client-id'/'client-secret' are both set: give one credential, an API key or a service account"
    )
  } else if (apiKey) {
    require('public-key', 'private-key')
    require('private-key', 'public-key')
    return { kind: 'digest', publicKey, privateKey }
  } else if (serviceAccount) {
    require('client-id', 'client-secret')
    require('client-secret', 'client-id')
  } else {
    problems.add(
      "No Atlas credentials: set 'client-id' and 'client-secret' (a service account) or 'public-key' and 'private-key' (an API key), or their MONGODB_ATLAS_* env variables"
    )
  }
  return { kind: 'service-account', clientId, clientSecret }
}

/** What is exported where: project, cluster, snapshot, bucket, a job to follow, what to do when it was exported. */
function parseTarget(
  problems: Problems
): Pick<
  Inputs,
  | 'projectId'
  | 'clusterName'
  | 'clusters'
  | 'fleet'
  | 'snapshot'
  | 'snapshotRetentionDays'
  | 'bucket'
  | 'exportJobId'
  | 'ifExported'
  | 'dryRun'
> {
  const projectId = problems.check('project-id', '', value =>
    value === ''
      ? fail('is required (or set MONGODB_ATLAS_PROJECT_ID): the 24-hex id of the Atlas project')
      : hex24(value)
  )
  const clusters = problems.check<readonly ClusterEntry[]>('cluster-name', [], parseClusterEntries)
  const fleet = isFleet(clusters)
  const clusterName = fleet ? '' : (clusters[0]?.text ?? '')
  const snapshot = problems.check<SnapshotChoice>('snapshot-id', { kind: 'latest' }, value => {
    if (value === '' || value.toLowerCase() === 'latest') return { kind: 'latest' }
    if (value.toLowerCase() === 'new') return { kind: 'new' }
    return { kind: 'id', id: hex24(value, "or 'latest' or 'new'") }
  })
  const snapshotRetentionDays = problems.check('snapshot-retention-days', 1, value => {
    if (value === '') return 1
    if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_RETENTION_DAYS) {
      fail(`must be a whole number of days from 1 to ${MAX_RETENTION_DAYS}; got '${value}'`)
    }
    return Number(value)
  })
  const exportJobId = problems.check<string | undefined>('export-job-id', undefined, value =>
    value === '' ? undefined : hex24(value)
  )
  const bucket = parseBucket(problems, exportJobId !== undefined)
  const dryRun = problems.check('dry-run', false, value => bool(value, false))
  const ifExported = problems.check<IfExported>('if-exported', 'reuse', value => {
    if (value === '' || value === 'reuse') return 'reuse'
    if (value === 'export-again') return 'export-again'
    return fail(`must be reuse or export-again; got '${value}'`)
  })
  if (exportJobId !== undefined) {
    // Following a job: nothing is chosen or created, so what chooses or creates conflicts.
    const conflicts: Array<[string, boolean]> = [
      ["'snapshot-id: new'", snapshot.kind === 'new'],
      ["'export-bucket-name'", bucket.kind === 'name'],
      ["'if-exported: export-again'", ifExported === 'export-again'],
      ["'dry-run: true'", dryRun]
    ]
    for (const [other, set] of conflicts) {
      if (set) {
        problems.add(
          `Inputs 'export-job-id' and ${other} conflict: following an existing job takes no snapshot, bucket name or new export; drop one of them`
        )
      }
    }
  }
  if (fleet) {
    // A snapshot id and a job belong to one cluster.
    if (snapshot.kind === 'id') {
      problems.add(
        "Input 'snapshot-id' is a snapshot id, which belongs to one cluster: with several clusters in 'cluster-name' it must be 'latest' or 'new'"
      )
    }
    if (exportJobId !== undefined) {
      problems.add(
        "Inputs 'export-job-id' and a 'cluster-name' of several clusters conflict: a job belongs to one cluster"
      )
    }
  }
  return {
    projectId,
    clusterName,
    clusters: Object.freeze(clusters),
    fleet,
    snapshot,
    snapshotRetentionDays,
    bucket,
    exportJobId,
    ifExported,
    dryRun
  }
}

function parseBucket(problems: Problems, followingJob: boolean): BucketChoice {
  const id = problems.get('export-bucket-id')
  const name = problems.get('export-bucket-name')
  if (id !== '' && name !== '') {
    problems.add("Inputs 'export-bucket-id' and 'export-bucket-name' are both set: give one of them")
    return { kind: 'id', id }
  }
  if (name !== '') {
    problems.check('export-bucket-name', '', value =>
      BUCKET_NAME.test(value)
        ? value
        : fail(`must be a bucket name of 3 to 63 letters, digits, dots, hyphens or underscores; got '${value}'`)
    )
    return { kind: 'name', name }
  }
  // A job followed by export-job-id names its own bucket.
  if (id === '' && followingJob) return { kind: 'of-job' }
  problems.check('export-bucket-id', '', value =>
    value === '' ? fail("is required (or 'export-bucket-name'): the Export Bucket to export to") : hex24(value)
  )
  return { kind: 'id', id }
}

function parseTiming(
  problems: Problems
): Pick<Inputs, 'wait' | 'waitTimeoutMs' | 'pollIntervalMs' | 'requestTimeoutMs'> {
  return {
    wait: problems.check('wait', false, value => bool(value, false)),
    waitTimeoutMs: problems.check('wait-timeout', 3_600_000, value => duration(value, 3_600_000, 1_000, MAX_WAIT_MS)),
    pollIntervalMs: problems.check('poll-interval', 30_000, value => duration(value, 30_000, MIN_POLL_MS, MAX_POLL_MS)),
    requestTimeoutMs: problems.check('request-timeout', 30_000, value => duration(value, 30_000, 1_000, 600_000))
  }
}

function parseConnection(problems: Problems): Pick<Inputs, 'baseUrl' | 'envelope'> {
  return {
    baseUrl: problems.check('base-url', DEFAULT_BASE_URL, parseBaseUrl),
    envelope: problems.check('envelope', false, value => bool(value, false))
  }
}

function hex24(value: string, alternative = ''): string {
  if (HEX24.test(value)) return value
  return fail(`must be 24 hexadecimal digits (0-9, a-f)${alternative ? ` ${alternative}` : ''}; got '${value}'`)
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
  const path = url.pathname.replace(/\/+$/, '')
  if (/\/api\/atlas(\/v\d+)?$/.test(path)) {
    fail(
      `is Atlas's address without the API's path (the action adds /api/atlas/v2): use '${url.origin}'; got '${value}'`
    )
  }
  return `${url.origin}${path}`
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
}
