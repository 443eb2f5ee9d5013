/**
 * The job summary on the run page: what was exported where, at a glance, and when the
 * run went red, what failed, Atlas's error code and what to do. Pure: it renders the
 * run's record and nothing else.
 */
import { collectionsText, exportDuration, isSuccessful, isTerminal, type JobOrigin } from '../backup/export-jobs.js'
import { days, formatDuration } from '../inputs/duration.js'
import { STILL_RUNNING } from './annotations.js'
import { exportUrl } from './destination.js'
import { MAX_FAILURE_TEXT } from './failure.js'
import { clip, cutWhole } from './text.js'
import { runFailure, type ExportRecord, type Failure, type RunRecord, type Stage } from './record.js'

const STAGE_TEXT: Record<Stage, string> = {
  inputs: 'Checking the inputs',
  'sign-in': 'Signing in to Atlas',
  clusters: "Choosing the project's clusters",
  'read-job': 'Reading the export job',
  bucket: 'Finding the Export Bucket',
  snapshot: 'Choosing the snapshot',
  'take-snapshot': 'Taking the on-demand snapshot',
  look: 'Looking for earlier exports of this snapshot',
  create: 'Creating the export job',
  wait: 'Waiting for the export job'
}

const ORIGIN_TEXT: Record<JobOrigin, string> = {
  created: '',
  recovered: ' (the create call lost its answer; the job it made was found and used)',
  'taken-over': ' (taken over: an export of this snapshot to this bucket was already running)',
  reused: ' (reused: this snapshot was already exported to this bucket; nothing was created)',
  followed: ' (followed: started earlier, given by export-job-id)'
}

/** GitHub drops a job summary over 1 MiB whole: this one is cut well before, with a mark. */
export const MAX_SUMMARY_BYTES = 1_000_000

export function renderSummary(record: RunRecord): string {
  const markdown = record.fleet ? renderFleetSummary(record) : renderOne(record)
  if (Buffer.byteLength(markdown) <= MAX_SUMMARY_BYTES) return markdown
  return `${cutWhole(markdown, MAX_SUMMARY_BYTES / 4)}\n\n*(The summary was cut here: GitHub shows at most 1 MiB. The exports output has every cluster.)*\n`
}

function renderOne(record: RunRecord): string {
  const one = onlyExport(record)
  const failure = runFailure(record)
  const lines: string[] = [`## ${headline(record, one, failure)}`, '']
  const rows = tableRows(record, one, failure).map(([name, value]) => `| ${name} | ${value} |`)
  // The first row is the table's header: no empty header row above it.
  if (rows.length > 0) lines.push(rows[0] as string, '|---|---|', ...rows.slice(1), '')
  if (failure) lines.push(...failureSection(failure, one))
  else lines.push(...outcomeSection(record, one))
  return `${lines.join('\n')}\n`
}

function onlyExport(record: RunRecord): ExportRecord | undefined {
  return record.exports.length === 1 ? record.exports[0] : undefined
}

function headline(record: RunRecord, one: ExportRecord | undefined, failure: Failure | undefined): string {
  const state = one?.job?.state ?? ''
  switch (failure?.kind) {
    case undefined:
      break
    case 'still-running':
      return `⏳ ${STILL_RUNNING}`
    case 'bad-input':
      return '❌ Atlas snapshot export not started: an input is wrong'
    case 'export-failed':
      return failure.alreadyEnded ? `❌ Atlas export job had already ended ${state}` : `❌ Atlas export job ${state}`
    case 'cancelled':
      return '🛑 Atlas snapshot export cancelled'
    default:
      return '❌ Atlas snapshot export failed'
  }
  if (record.settings?.dryRun) return '🧪 Atlas snapshot export: dry run, nothing exported'
  if (isSuccessful(state) && one?.origin === 'reused') return '✅ Atlas snapshot already exported: reused'
  if (isSuccessful(state)) return '✅ Atlas snapshot export succeeded'
  return `🚀 Atlas snapshot export started (${state || 'no job'})`
}

function failureSection(failure: Failure, one: ExportRecord | undefined): string[] {
  const lines: string[] = []
  const [first, ...more] = failure.message.split('\n')
  const stage = failure.stage ? STAGE_TEXT[failure.stage] : 'The run'
  switch (failure.kind) {
    case 'still-running':
      return ['### The export goes on', '', escape(failure.message), '']
    case 'cancelled':
      lines.push('### The run was cancelled', '', `**${stage}** was interrupted: ${escape(first ?? '')}`)
      break
    case 'export-failed':
      lines.push('### What went wrong', '', escape(first ?? ''))
      break
    default:
      lines.push('### What went wrong', '', `**${stage}** failed: ${escape(first ?? '')}`)
  }
  for (const line of more) lines.push(escape(line))
  lines.push('')
  if (failure.errorCode) lines.push(`- Atlas error code: \`${escapeCode(failure.errorCode)}\``)
  if (failure.hint) lines.push(`- What to do: ${escape(failure.hint)}`)
  if (failure.kind !== 'cancelled' && one?.job && !isTerminal(one.job.state)) {
    lines.push(`- The export job itself goes on in Atlas: \`${one.job.id}\`.`)
  }
  lines.push('')
  return lines
}

function outcomeSection(record: RunRecord, one: ExportRecord | undefined): string[] {
  const job = one?.job
  if (record.settings?.dryRun) {
    return [
      'Dry run: the inputs, the credentials, the cluster, the snapshot, the earlier exports and the bucket were checked; nothing was created.',
      ...(one?.plan ? ['', planText(one)] : []),
      '',
      'What a dry run cannot prove: that the credential may create the export (or take a snapshot). Atlas offers no check without side effects; the roles each call needs are in the README.',
      ''
    ]
  }
  if (job && one?.origin === 'reused') {
    const when = job.finishedAt ?? job.createdAt
    return [
      `This snapshot was already exported to this bucket by job ${code(job.id)}${when ? ` (finished ${when})` : ''}: nothing was created. \`if-exported: export-again\` would export it anew.`,
      ''
    ]
  }
  if (job && !isTerminal(job.state) && !record.settings?.wait) {
    return ['The export runs on in Atlas; `wait: true` would follow it to the end.', '']
  }
  return []
}

/** A dry run's plan, as a sentence. */
function planText(one: ExportRecord): string {
  const plan = one.plan
  if (plan?.kind === 'reuse') {
    const finished = plan.job.finishedAt ? `, finished ${plan.job.finishedAt}` : ''
    return `A real run would reuse export job ${code(plan.job.id)} (${escape(plan.job.state)}${finished}).`
  }
  if (plan?.kind === 'take-over')
    return `A real run would take over export job ${code(plan.job.id)} (${escape(plan.job.state)}).`
  return one.snapshot?.id
    ? 'A real run would create an export job.'
    : 'A real run would take the snapshot and create an export job of it.'
}

function snapshotText(record: RunRecord, one: ExportRecord): string | undefined {
  const snapshot = one.snapshot
  if (!snapshot) return undefined
  const taken = snapshot.createdAt ? `, taken ${snapshot.createdAt}` : ''
  const kept = days(record.settings?.snapshotRetentionDays ?? 1)
  switch (snapshot.origin) {
    case 'given':
      return code(snapshot.id)
    case 'of-job':
      return `${code(snapshot.id)} (the export job's)`
    case 'latest':
      return `${code(snapshot.id)} (chosen as \`latest\`${taken})`
    case 'new':
      return snapshot.id
        ? `${code(snapshot.id)} (taken on demand for this run, kept ${kept})`
        : `a new on-demand snapshot${record.settings?.dryRun ? ' would be taken' : ''} (kept ${kept})`
  }
}

function tableRows(
  record: RunRecord,
  one: ExportRecord | undefined,
  failure: Failure | undefined
): Array<[string, string]> {
  const rows: Array<[string, string]> = []
  const add = (name: string, value: string | undefined): void => {
    if (value) rows.push([name, value])
  }
  const { settings, bucket } = record
  const job = one?.job
  add('Project', settings && code(settings.projectId))
  add('Cluster', one && code(one.cluster))
  add('Snapshot', one && snapshotText(record, one))
  const bucketId = job?.exportBucketId ?? bucket?.id
  const about = [bucket?.name && escape(bucket.name), bucket?.cloudProvider && escape(bucket.cloudProvider)]
    .filter(Boolean)
    .join(', ')
  add('Export bucket', bucketId && `${code(bucketId)}${about ? ` (${about})` : ''}`)
  if (job) {
    add('Export job', `${code(job.id)}${ORIGIN_TEXT[one?.origin ?? 'created']}`)
    // A failure's reason is told once, under "What went wrong".
    const reason = failure ? '' : [job.stateReason?.errorCode, job.stateReason?.message].filter(Boolean).join(' ')
    add('State', escape(job.state) + (reason ? `: ${escape(reason)}` : ''))
    add('Destination', bucket ? code(exportUrl(bucket, job.prefix)) : undefined)
    add('Prefix', code(job.prefix))
    add('Created', job.createdAt)
    add('Finished', job.finishedAt)
    const took = exportDuration(job)
    add('Duration', took === undefined ? undefined : formatDuration(took))
    add('Collections', collectionsText(job))
    if (job.components?.length) add('Components', job.components.map(c => code(c.replicaSetName)).join(', '))
  }
  const customData = job?.customData?.length ? job.customData : settings?.customData
  if (customData?.length) add('Custom data', customData.map(({ key, value }) => code(`${key}=${value}`)).join(' '))
  return rows
}

/**
 * A fleet run: the counts in the headline, one row per cluster, the clusters passed
 * over on one line, then what went wrong, cluster by cluster.
 */
function renderFleetSummary(record: RunRecord): string {
  const lines: string[] = [`## ${fleetHeadline(record)}`, '']
  const { settings, bucket } = record
  const about = [bucket?.name && escape(bucket.name), bucket?.cloudProvider && escape(bucket.cloudProvider)].filter(
    Boolean
  )
  const where = [
    settings && `Project ${code(settings.projectId)}`,
    bucket && `Export bucket ${code(bucket.id)}${about.length > 0 ? ` (${about.join(', ')})` : ''}`
  ].filter(Boolean)
  if (where.length > 0) lines.push(where.join(' · '), '')
  if (record.exports.length > 0) {
    lines.push('| Cluster | State | Snapshot | Destination | Export job |', '|---|---|---|---|---|')
    for (const one of record.exports) lines.push(fleetRow(record, one))
    lines.push('')
  }
  if (record.passedOver?.length) {
    lines.push(`Passed over: ${record.passedOver.map(p => `${code(p.name)} (${escape(p.why)})`).join(', ')}`, '')
  }
  if (record.failure) lines.push(...failureSection(record.failure, undefined))
  for (const one of record.exports) {
    if (!one.failure) continue
    lines.push(`### ${code(one.cluster)}`, '', ...failureSection(one.failure, one).slice(2))
  }
  if (!record.failure && settings?.dryRun) {
    lines.push(
      'Dry run: nothing was created. What a dry run cannot prove: that the credential may create the exports (or take snapshots).',
      ''
    )
  }
  return `${lines.join('\n')}\n`
}

function fleetHeadline(record: RunRecord): string {
  const failure = record.failure
  if (failure?.kind === 'cancelled') return '🛑 Atlas snapshot export cancelled'
  if (failure)
    return failure.kind === 'bad-input'
      ? '❌ Atlas snapshot export not started: an input is wrong'
      : '❌ Atlas snapshot export failed'
  const count = (test: (one: ExportRecord) => boolean): number => record.exports.filter(test).length
  const failed = count(one => one.failure !== undefined)
  const stillRunning = count(one => one.failure?.kind === 'still-running')
  const done = count(one => !one.failure && isSuccessful(one.job?.state ?? ''))
  const running = count(one => !one.failure && one.job !== undefined && !isTerminal(one.job.state))
  const skipped = record.passedOver?.length ?? 0
  const parts = (
    record.settings?.dryRun
      ? [[record.exports.length, 'would be exported']]
      : [
          [done, 'exported'],
          [running, 'started'],
          [failed, 'failed']
        ]
  ).concat([[skipped, 'skipped']]) as Array<[number, string]>
  const text = parts
    .filter(([n]) => n > 0)
    .map(([n, what]) => `${n} ${what}`)
    .join(', ')
  const icon = record.settings?.dryRun
    ? '🧪'
    : failed > stillRunning
      ? '❌'
      : stillRunning > 0
        ? '⏳'
        : running > 0
          ? '🚀'
          : '✅'
  return `${icon} Atlas snapshot export: ${text || 'nothing to export'}`
}

function fleetRow(record: RunRecord, one: ExportRecord): string {
  const job = one.job
  const state = one.failure && !job ? 'failed' : escape(job?.state ?? (one.plan ? planState(one) : ''))
  const snapshot = code(job?.snapshotId ?? one.snapshot?.id) ?? (one.snapshot?.origin === 'new' ? 'new' : '')
  const destination = (record.bucket && code(exportUrl(record.bucket, job?.prefix))) ?? ''
  const origin = job && one.origin && one.origin !== 'created' ? ` (${one.origin})` : ''
  return `| ${code(one.cluster)} | ${state} | ${snapshot} | ${destination} | ${job ? `${code(job.id)}${origin}` : ''} |`
}

/** Pure: a dry run's plan for one cluster, in a table cell. */
function planState(one: ExportRecord): string {
  const plan = one.plan
  if (plan?.kind === 'reuse') return `would reuse ${code(plan.job.id)}`
  if (plan?.kind === 'take-over') return `would take over ${code(plan.job.id)}`
  return 'would create'
}

/** How much of one value from a server a table cell shows. */
const MAX_CELL = 1_000

/** Inline code that survives any value: backticks doubled around, pipes escaped for the table. */
function code(text: string | undefined): string | undefined {
  if (!text) return undefined
  const value = clip(text, MAX_CELL)
  const fence = value.includes('`') ? '``' : '`'
  return `${fence}${value.replace(/\|/g, '\\|').replace(/\n/g, ' ')}${fence}`
}

function escapeCode(value: string): string {
  return value.replace(/[`|]/g, '')
}

function escape(text: string): string {
  return clip(text, MAX_FAILURE_TEXT)
    .replace(/\|/g, '\\|')
    .replace(/[<>]/g, c => (c === '<' ? '&lt;' : '&gt;'))
}
