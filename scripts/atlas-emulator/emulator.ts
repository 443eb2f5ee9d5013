/**
 * A local Atlas for tests and the demo: a real HTTP server on 127.0.0.1 that answers
 * like the recorded Atlas responses (headers, content types, key order, error bodies
 * with X-Error-Code), with Digest and OAuth, versioned media types, the envelope,
 * paging, export jobs that move along a timeline, and faults injected on demand.
 */
import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'
import { gzipSync } from 'node:zlib'
import { DigestServer, type DigestAlgorithm } from './digest-server.js'

export const ORG_ID = 'a0123456789abcdef012345a'

export interface EmuSnapshot {
  id: string
  status: 'queued' | 'inProgress' | 'completed' | 'failed'
  snapshotType: 'onDemand' | 'scheduled' | 'fallback'
  createdAt?: string
  description?: string
  /** Each read of the snapshot applies the next step; absent or spent: it stays as it is. */
  timeline?: Array<Partial<EmuSnapshot>>
  retentionInDays?: number
}

export interface EmuCluster {
  name: string
  type: 'replicaSet' | 'shardedCluster'
  snapshots: EmuSnapshot[]
  /** Shard replica-set names of a sharded cluster. */
  shards?: string[]
  /** Cloud Backup on (default true). */
  backupEnabled?: boolean
  paused?: boolean
  /** `M10` (default) and up are dedicated; `M0`, `M2`, `M5` are shared tiers (provider TENANT). */
  instanceSize?: string
}

/** As Atlas's 2024-05-30 schema has them: the role fields are required per cloud. */
export type EmuBucket =
  | {
      _id: string
      bucketName: string
      cloudProvider: 'AWS'
      iamRoleId: string
      region?: string
      requirePrivateNetworking?: boolean
    }
  | { _id: string; bucketName: string; cloudProvider: 'AZURE'; roleId: string; serviceUrl: string; tenantId: string }
  | { _id: string; bucketName: string; cloudProvider: 'GCP'; roleId: string }

export interface TimelineStep {
  state: string
  exportStatus?: { exportedCollections: number; totalCollections: number }
  stateReason?: { errorCode: string; message: string }
}

export interface EmuJob {
  id: string
  groupId: string
  clusterName: string
  snapshotId: string
  exportBucketId: string
  createdAt: string
  customData: Array<{ key: string; value: string }>
  prefix: string
  timeline: TimelineStep[]
  step: number
  finishedAt?: string
  components?: Array<{ exportId: string; replicaSetName: string }>
}

export interface EmuProject {
  id: string
  clusters: EmuCluster[]
  buckets: EmuBucket[]
}

export interface RecordedRequest {
  readonly method: string
  readonly path: string
  readonly query: URLSearchParams
  readonly auth: 'digest' | 'bearer' | 'basic' | 'none'
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
  readonly body: string
  /** When it arrived (ms since the epoch). */
  readonly at: number
  /** The client's port: requests on one connection share it. */
  readonly port: number
  /** The resource version the answer was given in. */
  servedVersion?: string
  status: number
}

export type Fault =
  | { readonly status: number; readonly body?: string; readonly headers?: Record<string, string> }
  | { readonly hang: true }
  | { readonly reset: true }
  /** Headers promise the whole body; the connection closes halfway through it. */
  | { readonly truncated: string }
  /** A 200 whose body never ends (64 KiB chunks until the client hangs up, 256 MiB at most). */
  | { readonly endless: true }
  /** A 200 whose gzip body (Content-Encoding: gzip) unpacks to this many zero bytes. */
  | { readonly gzipZeros: number }
  /** A status line written as it is, in Latin-1 (`404 Não encontrado`, `600 Odd`), with this body. */
  | { readonly statusLine: string; readonly body: string }

export interface FaultRule {
  readonly method?: string
  /** Matched against the path (no query). */
  readonly path?: RegExp
  /** How many matching requests it hits; then it is spent. Default 1. */
  times?: number
  /** Matching requests let through before it starts hitting. Default 0. */
  after?: number
  /** Also before authentication (a proxy or load balancer answering). Default: after. */
  readonly beforeAuth?: boolean
  readonly fault: Fault
  /** Let the request through to Atlas first, then answer with the fault (a lost response). */
  readonly afterProcessing?: boolean
}

export interface EmulatorOptions {
  readonly apiKeys?: Record<string, string>
  readonly serviceAccounts?: Record<string, string>
  readonly digestAlgorithm?: DigestAlgorithm
  /** The algorithm token as the challenge spells it (`md5`): RFC 7616 tokens are case-insensitive. */
  readonly digestAlgorithmToken?: string
  readonly nonceMaxUses?: number
  readonly tokenLifetimeSeconds?: number
  /** Atlas stops taking a token this long after minting it, whatever expires_in said. */
  readonly tokenRealLifetimeSeconds?: number
  readonly projects?: EmuProject[]
  /** The states a new export job goes through. Default: Queued, InProgress, Successful. */
  readonly exportTimeline?: TimelineStep[]
  /**
   * How jobs move along their timeline. Atlas moves them with time: with this set, a job
   * is at step floor(age / timelineStepMs). Unset, each read of the job moves it one step
   * (one poll, one step): a test convenience that keeps step-by-step tests exact.
   */
  readonly timelineStepMs?: number
  /** The emulator's clock (ms since the epoch): a test with a fake clock shares it. */
  readonly now?: () => number
  /** Steps an on-demand snapshot goes through, one per read. Default: inProgress, completed. */
  readonly snapshotTimeline?: Array<Partial<EmuSnapshot>>
  /** Every authenticated API call is refused as from an address not on the access list. */
  readonly accessListDeniesIp?: string
  /** The credential lacks the export role: creating an export is refused. */
  readonly missingExportRole?: boolean
  /** Requests per second allowed for API calls; beyond that 429 with Retry-After. */
  readonly rateLimitPerSecond?: number
  readonly log?: (line: string) => void
}

const JSON_TYPE = 'application/json'
const COMMON_HEADERS: Record<string, string> = {
  // As on every recorded Atlas response.
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  Server: 'mdbws',
  'Strict-Transport-Security': 'max-age=31536000; includeSubdomains;',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'X-Permitted-Cross-Domain-Policies': 'none'
}
const CHALLENGE_BODY =
  '{\n  "error" : 401,\n  "reason" : "Unauthorized",\n  "detail" : "You are not authorized for this resource.",\n  "errorCode" : "UNEXPECTED_ERROR"\n}'
const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  406: 'Not Acceptable',
  409: 'Conflict',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable'
}

let idCounter = 0
/** A 24-hex id shaped like a MongoDB ObjectId (time first), unique in this process. */
export function objectId(): string {
  const time = Math.floor(Date.now() / 1000)
    .toString(16)
    .padStart(8, '0')
  return `${time}${randomBytes(5).toString('hex')}${(++idCounter).toString(16).padStart(6, '0')}`.slice(0, 24)
}

/** Atlas prints ISO timestamps to the second. */
export function atlasTime(ms = Date.now()): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

class HttpAnswer {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly errorCode?: string
  ) {}
}

function apiError(status: number, errorCode: string, detail: string, parameters: unknown[] = []): HttpAnswer {
  return new HttpAnswer(
    status,
    { detail, error: status, errorCode, parameters, reason: REASONS[status] ?? '' },
    errorCode
  )
}

/** Atlas serializes with keys in alphabetical order; so does the emulator. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .filter(key => (value as Record<string, unknown>)[key] !== undefined)
        .map(key => [key, sortKeys((value as Record<string, unknown>)[key])])
    )
  }
  return value
}

export class AtlasEmulator {
  readonly requests: RecordedRequest[] = []
  readonly projects: EmuProject[]
  readonly jobs: EmuJob[] = []
  readonly tokens = new Map<string, { expiresAt: number; clientId: string }>()
  tokensIssued = 0
  /** Every access token handed out, revoked or not: none may ever appear in a log. */
  readonly issuedTokens: string[] = []
  tokensRevoked = 0
  readonly faults: FaultRule[] = []
  readonly digest: DigestServer
  url = ''
  private server: Server | undefined
  private readonly sockets = new Set<Socket>()
  private rateWindow = { second: 0, count: 0 }

  constructor(readonly options: EmulatorOptions = {}) {
    this.projects = options.projects ?? []
    this.digest = new DigestServer(() => this.options.apiKeys ?? {}, {
      algorithm: options.digestAlgorithm,
      algorithmToken: options.digestAlgorithmToken,
      nonceMaxUses: options.nonceMaxUses
    })
  }

  /** With `tls`, an https server whose URL names `hostname` (which only a test proxy may resolve). */
  async start(port = 0, tls?: { key: string; cert: string; hostname: string }): Promise<this> {
    const handler = (req: IncomingMessage, res: ServerResponse): void => void this.handle(req, res)
    this.server = tls ? createTlsServer({ key: tls.key, cert: tls.cert }, handler) : createServer(handler)
    this.server.on(tls ? 'secureConnection' : 'connection', socket => {
      this.sockets.add(socket)
      socket.on('close', () => this.sockets.delete(socket))
    })
    await new Promise<void>(resolve => this.server?.listen(port, '127.0.0.1', resolve))
    const bound = (this.server.address() as AddressInfo).port
    this.url = tls ? `https://${tls.hostname}:${bound}` : `http://127.0.0.1:${bound}`
    return this
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy()
    await new Promise<void>(resolve => (this.server ? this.server.close(() => resolve()) : resolve()))
  }

  inject(rule: FaultRule): void {
    this.faults.push({ times: 1, ...rule })
  }

  /** Requests that reached the Admin API (not the OAuth endpoints), optionally filtered. */
  apiRequests(filter: { method?: string; path?: RegExp } = {}): RecordedRequest[] {
    return this.requests.filter(
      r =>
        r.path.startsWith('/api/atlas/') &&
        (!filter.method || r.method === filter.method) &&
        (!filter.path || filter.path.test(r.path))
    )
  }

  /** An export job made before the run (an earlier run's, say): in the list, and readable. */
  seedJob(
    job: Pick<EmuJob, 'clusterName' | 'snapshotId' | 'exportBucketId' | 'createdAt'> & {
      state: string
      timeline?: TimelineStep[]
    }
  ): EmuJob {
    const project = this.projects[0] as EmuProject
    const seeded: EmuJob = {
      id: objectId(),
      groupId: project.id,
      customData: [],
      prefix: `exported_snapshots/${ORG_ID}/${project.id}/${job.clusterName}/earlier/${Math.floor(Date.parse(job.createdAt) / 1000)}`,
      timeline: job.timeline ?? [{ state: job.state }],
      step: 0,
      ...(['Successful', 'Failed', 'Cancelled'].includes(job.state) ? { finishedAt: job.createdAt } : {}),
      clusterName: job.clusterName,
      snapshotId: job.snapshotId,
      exportBucketId: job.exportBucketId,
      createdAt: job.createdAt
    }
    this.jobs.push(seeded)
    return seeded
  }

  jobsOf(clusterName: string): EmuJob[] {
    return this.jobs.filter(job => job.clusterName === clusterName)
  }

  // ---- the HTTP layer -------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator')
    const body = await readBody(req)
    const authorization = req.headers.authorization ?? ''
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      auth: /^Digest /i.test(authorization)
        ? 'digest'
        : /^Bearer /i.test(authorization)
          ? 'bearer'
          : /^Basic /i.test(authorization)
            ? 'basic'
            : 'none',
      headers: req.headers,
      body,
      at: Date.now(),
      port: req.socket.remotePort ?? 0,
      status: 0
    }
    this.requests.push(record)
    const send = (status: number, payload: string, headers: Record<string, string>): void => {
      record.status = status
      this.options.log?.(`${record.method} ${req.url} -> ${status}`)
      res.writeHead(status, { ...COMMON_HEADERS, Date: new Date().toUTCString(), ...headers })
      res.end(payload)
    }

    if (this.applyFault(record, true, send, res)) return
    if (url.pathname.startsWith('/api/oauth/')) {
      this.answer(this.oauth(record), record, send, false)
      return
    }
    // Atlas's token bucket counts API requests; a Digest challenge (no credentials yet) is not one.
    const limited = record.auth === 'none' ? undefined : this.rateLimit()
    if (limited) {
      this.answer(limited, record, send, url.searchParams.get('envelope') === 'true', { 'Retry-After': '1' })
      return
    }
    const denied = this.authenticate(record, req.url ?? '/', authorization)
    if (denied) {
      send(denied.status, denied.body, denied.headers)
      return
    }
    const lostResponse = this.faults.find(f => f.afterProcessing && matches(f, record))
    if (!lostResponse && this.applyFault(record, false, send, res)) return
    let answer: HttpAnswer
    try {
      answer = this.route(record)
    } catch (error) {
      answer = error instanceof HttpAnswer ? error : apiError(500, 'UNEXPECTED_ERROR', String(error))
    }
    if (lostResponse && this.applyFault(record, false, send, res)) return
    this.answer(answer, record, send, url.searchParams.get('envelope') === 'true')
  }

  private applyFault(
    record: RecordedRequest,
    beforeAuth: boolean,
    send: (status: number, payload: string, headers: Record<string, string>) => void,
    res: ServerResponse
  ): boolean {
    const rule = this.faults.find(f => (f.times ?? 1) > 0 && !!f.beforeAuth === beforeAuth && matches(f, record))
    if (!rule) return false
    if ((rule.after ?? 0) > 0) {
      rule.after = (rule.after ?? 0) - 1
      return false
    }
    rule.times = (rule.times ?? 1) - 1
    const fault = rule.fault
    if ('hang' in fault) {
      record.status = -1
      return true
    }
    if ('reset' in fault) {
      record.status = -2
      res.socket?.destroy()
      return true
    }
    if ('truncated' in fault) {
      record.status = -3
      res.writeHead(200, {
        'Content-Type': 'application/vnd.atlas.2023-01-01+json;charset=utf-8',
        'Content-Length': String(fault.truncated.length)
      })
      res.write(fault.truncated.slice(0, Math.floor(fault.truncated.length / 2)))
      setTimeout(() => res.socket?.destroy(), 20)
      return true
    }
    if ('endless' in fault) {
      record.status = -4
      res.writeHead(200, { 'Content-Type': 'application/vnd.atlas.2023-01-01+json;charset=utf-8' })
      const chunk = Buffer.alloc(64 * 1024, 0x20)
      let sent = 0
      const more = (): void => {
        while (sent < 256 * 1024 * 1024 && !res.destroyed) {
          sent += chunk.length
          if (!res.write(chunk)) return void res.once('drain', more)
        }
        res.end()
      }
      res.write('{"results": [')
      more()
      return true
    }
    if ('gzipZeros' in fault) {
      record.status = -5
      const body = gzipSync(Buffer.alloc(fault.gzipZeros))
      res.writeHead(200, {
        'Content-Type': 'application/vnd.atlas.2023-01-01+json;charset=utf-8',
        'Content-Encoding': 'gzip',
        'Content-Length': String(body.length)
      })
      res.end(body)
      return true
    }
    if ('statusLine' in fault) {
      record.status = Number(fault.statusLine.split(' ')[0])
      const head = `HTTP/1.1 ${fault.statusLine}\r\nContent-Type: ${JSON_TYPE}\r\nContent-Length: ${Buffer.byteLength(fault.body)}\r\nConnection: close\r\n\r\n`
      res.socket?.end(Buffer.concat([Buffer.from(head, 'latin1'), Buffer.from(fault.body)]))
      return true
    }
    send(fault.status, fault.body ?? '', { 'Content-Type': JSON_TYPE, ...fault.headers })
    return true
  }

  private answer(
    answer: HttpAnswer,
    record: RecordedRequest,
    send: (status: number, payload: string, headers: Record<string, string>) => void,
    envelope: boolean,
    extraHeaders: Record<string, string> = {}
  ): void {
    const version = record.servedVersion ? `${record.servedVersion}+json` : acceptedVersion(record)
    const headers: Record<string, string> = {
      ...extraHeaders,
      'Ratelimit-Limit': '1200',
      'Ratelimit-Remaining': '1199'
    }
    const isError = answer.status >= 400
    headers['Content-Type'] = isError || !version ? JSON_TYPE : `application/vnd.atlas.${version};charset=utf-8`
    if (answer.errorCode) headers['X-Error-Code'] = answer.errorCode
    if (answer.body === undefined) {
      send(answer.status, '', headers)
      return
    }
    if (envelope) {
      const content = sortKeys(answer.body)
      const isList = !isError && content !== null && typeof content === 'object' && 'results' in content
      const wrapped = isList ? { status: answer.status, ...(content as object) } : { content, status: answer.status }
      send(200, JSON.stringify(wrapped), headers)
      return
    }
    send(answer.status, JSON.stringify(sortKeys(answer.body)), headers)
  }

  private authenticate(
    record: RecordedRequest,
    requestUri: string,
    authorization: string
  ): { status: number; body: string; headers: Record<string, string> } | undefined {
    const challenge = (stale: boolean) => ({
      status: 401,
      body: CHALLENGE_BODY,
      headers: { 'Content-Type': JSON_TYPE, 'Www-Authenticate': this.digest.challenge(stale) }
    })
    if (record.auth === 'bearer') {
      const token = this.tokens.get(authorization.slice('Bearer '.length))
      if (token && token.expiresAt > this.now()) return undefined
      const body = {
        detail: 'Invalid or expired access token.',
        error: 401,
        errorCode: 'UNAUTHORIZED',
        parameters: [],
        reason: 'Unauthorized'
      }
      return {
        status: 401,
        body: JSON.stringify(body),
        headers: { 'Content-Type': JSON_TYPE, 'X-Error-Code': 'UNAUTHORIZED' }
      }
    }
    if (record.auth !== 'digest') return challenge(false)
    const verdict = this.digest.verify(record.method, requestUri, authorization)
    if (verdict.ok) return undefined
    this.options.log?.(`digest rejected: ${verdict.why}`)
    return challenge(verdict.stale)
  }

  private rateLimit(): HttpAnswer | undefined {
    const limit = this.options.rateLimitPerSecond
    if (!limit) return undefined
    const second = Math.floor(Date.now() / 1000)
    if (this.rateWindow.second !== second) this.rateWindow = { second, count: 0 }
    this.rateWindow.count++
    if (this.rateWindow.count <= limit) return undefined
    return apiError(
      429,
      'RATE_LIMITED_TOKEN_BUCKET',
      `Rate limit exceeded. Please retry after 1 seconds. Request capacity: ${limit}. Refill rate: ${limit} per 1 seconds.`,
      ['api/atlas/v2', 1, limit, limit, 1]
    )
  }

  // ---- OAuth ----------------------------------------------------------------------

  private oauth(record: RecordedRequest): HttpAnswer {
    const basic = /^Basic (.+)$/.exec(String(record.headers.authorization ?? ''))
    const [clientId, secret] = basic
      ? Buffer.from(basic[1] as string, 'base64')
          .toString()
          .split(/:(.*)/s)
      : []
    const known = clientId !== undefined && (this.options.serviceAccounts ?? {})[clientId] === secret
    const invalidClient = new HttpAnswer(401, {
      error_description: 'Invalid credentials provided.',
      error: 'invalid_client'
    })
    if (record.method !== 'POST')
      return new HttpAnswer(405, { error: 'invalid_request', error_description: 'POST only' })
    if (!known || clientId === undefined) return invalidClient
    if (!String(record.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return new HttpAnswer(400, { error: 'invalid_request', error_description: 'Form body expected.' })
    }
    const form = new URLSearchParams(record.body)
    if (record.path === '/api/oauth/token') {
      if (form.get('grant_type') !== 'client_credentials') {
        return new HttpAnswer(400, { error: 'unsupported_grant_type', error_description: 'Unsupported grant type.' })
      }
      const lifetime = this.options.tokenLifetimeSeconds ?? 3600
      const token = `emu_at_${randomBytes(24).toString('base64url')}`
      const real = this.options.tokenRealLifetimeSeconds ?? lifetime
      this.tokens.set(token, { expiresAt: this.now() + real * 1000, clientId })
      this.tokensIssued++
      this.issuedTokens.push(token)
      return new HttpAnswer(200, { access_token: token, expires_in: lifetime, token_type: 'Bearer' })
    }
    if (record.path === '/api/oauth/revoke') {
      if (this.tokens.delete(form.get('token') ?? '')) this.tokensRevoked++
      return new HttpAnswer(200, undefined)
    }
    return new HttpAnswer(404, { error: 'not_found' })
  }

  // ---- the Admin API ----------------------------------------------------------------

  private route(record: RecordedRequest): HttpAnswer {
    const parts = record.path.split('/').filter(Boolean).map(decodeURIComponent)
    // api atlas v2 groups {groupId} ...
    if (parts[0] !== 'api' || parts[1] !== 'atlas' || parts[2] !== 'v2' || parts[3] !== 'groups' || !parts[4]) {
      throw apiError(404, 'RESOURCE_NOT_FOUND', `Cannot find resource ${record.path}.`, [record.path])
    }
    const rest = parts.slice(5)
    if (rest[0] === 'clusters' && rest.length === 1) {
      record.servedVersion = this.servedVersion(record, ['2023-02-01', '2024-08-05'])
      return this.clusterList(this.project(parts[4]), record)
    }
    const isBuckets = rest[0] === 'backup' && rest[1] === 'exportBuckets'
    record.servedVersion = this.servedVersion(record, isBuckets ? ['2023-01-01', '2024-05-30'] : ['2023-01-01'])
    const project = this.project(parts[4])
    if (isBuckets) return this.buckets(project, record, rest[2])
    if (rest[0] !== 'clusters' || !rest[1] || rest[2] !== 'backup') {
      throw apiError(404, 'RESOURCE_NOT_FOUND', `Cannot find resource ${record.path}.`, [record.path])
    }
    const cluster = this.cluster(project, rest[1])
    const [resource, ...tail] = rest.slice(3)
    if (this.options.accessListDeniesIp) {
      const ip = this.options.accessListDeniesIp
      throw apiError(403, 'IP_ADDRESS_NOT_ON_ACCESS_LIST', `IP address ${ip} is not allowed to access this resource.`, [
        ip
      ])
    }
    if (resource === 'exports') return this.exports(project, cluster, record, tail[0])
    if (resource === 'snapshots') return this.snapshots(project, cluster, record, tail)
    throw apiError(404, 'RESOURCE_NOT_FOUND', `Cannot find resource ${record.path}.`, [record.path])
  }

  private project(id: string | undefined): EmuProject {
    if (!id || !/^[a-f0-9]{24}$/.test(id))
      throw apiError(404, 'INVALID_GROUP_ID', `An invalid group ID ${id} was specified.`, [id])
    const project = this.projects.find(p => p.id === id)
    if (!project) throw apiError(404, 'GROUP_NOT_FOUND', `No group with ID ${id} exists.`, [id])
    return project
  }

  /** The project's clusters, shaped as the recorded list (`Clusters/List…`) has them. */
  private clusterList(project: EmuProject, record: RecordedRequest): HttpAnswer {
    if (record.method !== 'GET') throw apiError(405, 'METHOD_NOT_ALLOWED', 'Method not allowed.')
    return this.page(
      record,
      project.clusters.map((cluster, i) => {
        const size = cluster.instanceSize ?? 'M10'
        const shared = ['M0', 'M2', 'M5'].includes(size)
        const region = {
          electableSpecs: { instanceSize: size, nodeCount: 3 },
          priority: 7,
          providerName: shared ? 'TENANT' : 'AWS',
          ...(shared ? { backingProviderName: 'AWS' } : {}),
          regionName: 'US_EAST_1'
        }
        return {
          backupEnabled: cluster.backupEnabled ?? true,
          clusterType: cluster.type === 'shardedCluster' ? 'SHARDED' : 'REPLICASET',
          groupId: project.id,
          id: `6a799f06c0eb9e7a${String(i).padStart(8, '0')}`,
          mongoDBMajorVersion: '7.0',
          name: cluster.name,
          paused: cluster.paused ?? false,
          replicationSpecs: [{ regionConfigs: [region], zoneName: 'Zone 1' }],
          stateName: 'IDLE'
        }
      })
    )
  }

  private cluster(project: EmuProject, name: string): EmuCluster {
    const cluster = project.clusters.find(c => c.name === name)
    if (!cluster)
      throw apiError(404, 'CLUSTER_NOT_FOUND', `No cluster named ${name} exists in group ${project.id}.`, [
        name,
        project.id
      ])
    return cluster
  }

  /**
   * The resource version Atlas serves for the Accept header's date: the newest one on or
   * before it (a later date such as 2025-03-12 gets 2023-01-01 for exports); a date
   * before every version, or none, is a 406.
   */
  private servedVersion(record: RecordedRequest, versions: string[]): string {
    const asked = acceptedVersion(record)?.replace(/\+json$/, '')
    const version = asked && /^\d{4}-\d{2}-\d{2}$/.test(asked) ? versions.filter(v => v <= asked).at(-1) : undefined
    if (!asked || !version) {
      throw apiError(406, 'INVALID_VERSION_DATE', 'Invalid accept header or version date.')
    }
    if (record.method === 'POST') {
      const type = String(record.headers['content-type'] ?? '')
      if (!type.startsWith('application/json') && !type.startsWith(`application/vnd.atlas.${asked}+json`)) {
        throw apiError(415, 'UNSUPPORTED_MEDIA_TYPE', `Unsupported content type ${type}.`)
      }
    }
    return version
  }

  private buckets(project: EmuProject, record: RecordedRequest, id: string | undefined): HttpAnswer {
    if (record.method !== 'GET') throw apiError(405, 'METHOD_NOT_ALLOWED', 'Method not allowed.')
    // 2023-01-01's schema is AWS's alone: Azure and GCP buckets are not served in it
    // (how Atlas refuses them is not published; here they are simply not there).
    const served =
      record.servedVersion === '2023-01-01' ? project.buckets.filter(b => b.cloudProvider === 'AWS') : project.buckets
    if (id) {
      const bucket = served.find(b => b._id === id)
      if (!bucket)
        throw apiError(404, 'EXPORT_BUCKET_NOT_FOUND', `No export Bucket with ID ${id} does not exist.`, [id])
      return new HttpAnswer(200, bucket)
    }
    return this.page(record, served)
  }

  private snapshots(project: EmuProject, cluster: EmuCluster, record: RecordedRequest, tail: string[]): HttpAnswer {
    const sharded = cluster.type === 'shardedCluster'
    if (record.method === 'GET' && tail.length === 0) {
      // The replica-set list of a sharded cluster is empty; its snapshots are listed apart.
      return this.page(record, sharded ? [] : cluster.snapshots.map(s => this.snapshotView(project, cluster, s)))
    }
    if (record.method === 'GET' && tail[0] === 'shardedClusters' && tail.length === 1) {
      const results = sharded ? cluster.snapshots.map(s => this.snapshotView(project, cluster, s)) : []
      return new HttpAnswer(200, { links: [this.link(record, 'self')], results, totalCount: results.length })
    }
    if (record.method === 'POST' && tail.length === 0) return this.takeSnapshot(cluster, record)
    const id = tail[0] === 'shardedCluster' ? tail[1] : tail[0]
    if (record.method === 'GET' && id && tail.length === (tail[0] === 'shardedCluster' ? 2 : 1)) {
      const snapshot = cluster.snapshots.find(s => s.id === id)
      // The replica-set path answers for a sharded cluster's snapshots too (Terraform's
      // acceptance test reads them so); the sharded path only for sharded clusters.
      if (!snapshot || (tail[0] === 'shardedCluster' && !sharded)) {
        throw apiError(404, 'SNAPSHOT_NOT_FOUND', `No snapshot with ID ${id} exists for cluster ${cluster.name}.`, [
          id,
          cluster.name
        ])
      }
      const step = snapshot.timeline?.shift()
      if (step) Object.assign(snapshot, step)
      if (snapshot.status === 'completed') snapshot.createdAt ??= atlasTime()
      return new HttpAnswer(200, this.snapshotView(project, cluster, snapshot))
    }
    throw apiError(404, 'RESOURCE_NOT_FOUND', `Cannot find resource ${record.path}.`, [record.path])
  }

  private takeSnapshot(cluster: EmuCluster, record: RecordedRequest): HttpAnswer {
    let body: { description?: unknown; retentionInDays?: unknown }
    try {
      body = JSON.parse(record.body) as typeof body
    } catch {
      throw apiError(400, 'MALFORMED_JSON', 'The request body is not valid JSON.')
    }
    if (typeof body.retentionInDays !== 'number' || body.retentionInDays < 1) {
      throw apiError(400, 'INVALID_ATTRIBUTE', 'Invalid attribute retentionInDays specified.', ['retentionInDays'])
    }
    const snapshot: EmuSnapshot = {
      id: objectId(),
      status: 'queued',
      snapshotType: 'onDemand',
      // Stored as Atlas would store text: a lone surrogate (half an emoji) becomes U+FFFD.
      description: String(body.description ?? '').replace(
        /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
        '\uFFFD'
      ),
      retentionInDays: body.retentionInDays,
      timeline: structuredClone(this.options.snapshotTimeline ?? [{ status: 'inProgress' }, { status: 'completed' }])
    }
    cluster.snapshots.push(snapshot)
    const project = this.projects.find(p => p.clusters.includes(cluster)) as EmuProject
    return new HttpAnswer(200, this.snapshotView(project, cluster, snapshot))
  }

  private snapshotView(project: EmuProject, cluster: EmuCluster, s: EmuSnapshot): Record<string, unknown> {
    const base = `${this.url}/api/atlas/v2/groups/${project.id}/clusters/${cluster.name}`
    return {
      cloudProvider: s.status === 'queued' ? undefined : 'AWS',
      copyRegions: [],
      createdAt: s.createdAt,
      description: s.description ?? 'emulated snapshot',
      expiresAt: atlasTime(Date.parse(s.createdAt ?? atlasTime()) + (s.retentionInDays ?? 1) * 86_400_000),
      frequencyType: s.snapshotType === 'onDemand' ? 'ondemand' : 'daily',
      id: s.id,
      links: [
        { href: `${base}/backup/snapshots/${s.id}`, rel: 'self' },
        { href: base, rel: 'https://cloud.mongodb.com/cluster' }
      ],
      mongodVersion: '8.0.29',
      policyItems: [],
      snapshotType: s.snapshotType,
      status: s.status,
      storageSizeBytes: 1582854144,
      type: cluster.type,
      ...(cluster.type === 'replicaSet'
        ? { replicaSetName: cluster.name }
        : {
            configServerType: 'EMBEDDED',
            members: (cluster.shards ?? []).map(rs => ({ cloudProvider: 'AWS', id: objectId(), replicaSetName: rs }))
          })
    }
  }

  private exports(
    project: EmuProject,
    cluster: EmuCluster,
    record: RecordedRequest,
    id: string | undefined
  ): HttpAnswer {
    const jobs = this.jobs.filter(j => j.groupId === project.id && j.clusterName === cluster.name)
    if (record.method === 'GET' && id) {
      const job = jobs.find(j => j.id === id)
      if (!job) throw apiError(404, 'EXPORT_JOB_NOT_FOUND', `No export job with ID ${id} exists.`, [id])
      this.advance(job)
      return new HttpAnswer(200, this.jobView(job))
    }
    if (record.method === 'GET') {
      if (this.options.timelineStepMs) jobs.forEach(j => this.advance(j))
      return this.page(
        record,
        jobs.map(j => this.jobView(j))
      )
    }
    if (record.method !== 'POST' || id) throw apiError(405, 'METHOD_NOT_ALLOWED', 'Method not allowed.')
    return this.createExport(project, cluster, record, jobs)
  }

  private createExport(project: EmuProject, cluster: EmuCluster, record: RecordedRequest, jobs: EmuJob[]): HttpAnswer {
    if (this.options.missingExportRole) {
      throw apiError(403, 'USER_UNAUTHORIZED', 'Current user is not authorized to perform this action.')
    }
    let body: Record<string, unknown>
    try {
      body = JSON.parse(record.body) as Record<string, unknown>
    } catch {
      throw apiError(400, 'MALFORMED_JSON', 'The request body is not valid JSON.')
    }
    for (const field of ['snapshotId', 'exportBucketId']) {
      if (typeof body[field] !== 'string')
        throw apiError(400, 'MISSING_ATTRIBUTE', `The required attribute ${field} was not specified.`, [field])
      if (!/^[a-f0-9]{24}$/.test(body[field] as string)) {
        throw apiError(400, 'INVALID_ATTRIBUTE', `Invalid attribute ${field} specified.`, [field])
      }
    }
    const snapshot = cluster.snapshots.find(s => s.id === body.snapshotId)
    if (!snapshot) {
      throw apiError(
        404,
        'SNAPSHOT_NOT_FOUND',
        `No snapshot with ID ${body.snapshotId} exists for cluster ${cluster.name}.`,
        [body.snapshotId, cluster.name]
      )
    }
    const bucket = project.buckets.find(b => b._id === body.exportBucketId)
    if (!bucket) {
      throw apiError(
        404,
        'EXPORT_BUCKET_NOT_FOUND',
        `No export Bucket with ID ${body.exportBucketId} does not exist.`,
        [body.exportBucketId]
      )
    }
    // Codes below are the emulator's own: Atlas's spec names none for these answers.
    if (snapshot.status !== 'completed' || snapshot.snapshotType === 'fallback') {
      throw apiError(400, 'INVALID_SNAPSHOT_FOR_EXPORT', `Snapshot ${snapshot.id} cannot be exported.`, [snapshot.id])
    }
    // One running export per snapshot: Queued or InProgress (not a state Atlas may add later).
    const active = jobs.find(j => j.snapshotId === snapshot.id && ['Queued', 'InProgress'].includes(this.state(j)))
    if (active) {
      throw apiError(
        409,
        'EXPORT_ALREADY_IN_PROGRESS',
        `An export of snapshot ${snapshot.id} is already in progress.`,
        [snapshot.id]
      )
    }
    const now = this.now()
    const created = new Date(Date.parse(snapshot.createdAt ?? atlasTime()))
    const snapshotDate = created.toISOString().slice(0, 16).replace(':', '')
    const job: EmuJob = {
      id: objectId(),
      groupId: project.id,
      clusterName: cluster.name,
      snapshotId: snapshot.id,
      exportBucketId: bucket._id,
      createdAt: atlasTime(now),
      customData: Array.isArray(body.customData) ? (body.customData as EmuJob['customData']) : [],
      prefix: `exported_snapshots/${ORG_ID}/${project.id}/${cluster.name}/${snapshotDate}/${Math.floor(now / 1000)}`,
      timeline: structuredClone(
        this.options.exportTimeline ?? [{ state: 'Queued' }, { state: 'InProgress' }, { state: 'Successful' }]
      ),
      step: 0,
      components:
        cluster.type === 'shardedCluster'
          ? (cluster.shards ?? []).map(rs => ({ exportId: objectId(), replicaSetName: rs }))
          : undefined
    }
    this.jobs.push(job)
    return new HttpAnswer(200, this.jobView(job))
  }

  private now(): number {
    return this.options.now?.() ?? Date.now()
  }

  private state(job: EmuJob): string {
    // A step's state is served as it is, null included (an old job's, say).
    const step = job.timeline[Math.min(job.step, job.timeline.length - 1)]
    return step === undefined ? 'Queued' : step.state
  }

  /** Each read of a job moves it one step along its timeline; the last step stays. */
  private advance(job: EmuJob): void {
    const stepMs = this.options.timelineStepMs
    if (stepMs)
      job.step = Math.min(Math.floor((this.now() - Date.parse(job.createdAt)) / stepMs), job.timeline.length - 1)
    else if (job.step < job.timeline.length - 1) job.step++
    if (['Successful', 'Failed', 'Cancelled'].includes(this.state(job)) && !job.finishedAt)
      job.finishedAt = atlasTime(this.now())
  }

  private jobView(job: EmuJob): Record<string, unknown> {
    const step = job.timeline[Math.min(job.step, job.timeline.length - 1)] ?? { state: 'Queued' }
    return {
      components: job.components,
      createdAt: job.createdAt,
      customData: job.customData,
      exportBucketId: job.exportBucketId,
      exportStatus: job.components ? undefined : (step.exportStatus ?? { exportedCollections: 0, totalCollections: 0 }),
      finishedAt: job.finishedAt,
      id: job.id,
      prefix: job.prefix,
      snapshotId: job.snapshotId,
      state: step.state,
      stateReason: step.stateReason
    }
  }

  private page(record: RecordedRequest, all: unknown[]): HttpAnswer {
    const itemsPerPage = Number(record.query.get('itemsPerPage') ?? 100)
    const pageNum = Number(record.query.get('pageNum') ?? 1)
    if (!Number.isInteger(itemsPerPage) || itemsPerPage < 1 || itemsPerPage > 500) {
      throw apiError(400, 'INVALID_QUERY_PARAMETER', 'Invalid query parameter itemsPerPage specified.', [
        'itemsPerPage'
      ])
    }
    const results = all.slice((pageNum - 1) * itemsPerPage, pageNum * itemsPerPage)
    const links = [this.link(record, 'self')]
    if (pageNum * itemsPerPage < all.length) links.push(this.link(record, 'next', pageNum + 1))
    if (pageNum > 1) links.push(this.link(record, 'previous', pageNum - 1))
    const includeCount = record.query.get('includeCount') !== 'false'
    return new HttpAnswer(200, { links, results, ...(includeCount ? { totalCount: all.length } : {}) })
  }

  private link(record: RecordedRequest, rel: string, pageNum?: number): { href: string; rel: string } {
    const query = new URLSearchParams(record.query)
    if (pageNum !== undefined) query.set('pageNum', String(pageNum))
    // Atlas's own links name an internal host (the recordings say localhost:8080).
    return { href: `http://localhost:8080${record.path}?${query}`, rel }
  }
}

function matches(rule: FaultRule, record: RecordedRequest): boolean {
  return (!rule.method || rule.method === record.method) && (!rule.path || rule.path.test(record.path))
}

function acceptedVersion(record: RecordedRequest): string | undefined {
  const accept = String(record.headers.accept ?? '')
  return /application\/vnd\.atlas\.(\d{4}-\d{2}-\d{2}\+json)/.exec(accept)?.[1]
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

export async function startEmulator(options: EmulatorOptions = {}, port = 0): Promise<AtlasEmulator> {
  return new AtlasEmulator(options).start(port)
}
