/**
 * The job summary on the run page: what was exported where, at a glance, and when the
 * run went red, what failed, Atlas's error code and what to do. Pure: main.ts writes it.
 */
import { days, formatDuration } from './duration.js'
import { isSuccessful, isTerminal, type ExportJob, type JobOrigin } from './backup/export-jobs.js'
import type { Inputs } from './inputs.js'
import { exportUrl } from './destination.js'
import { collectionsText, exportDuration } from './progress.js'

export type Stage = 'inputs' | 'connect' | 'sign-in' | 'read-job' | 'bucket' | 'snapshot' | 'take-snapshot' | 'create' | 'wait'

const STAGE_TEXT: Record<Stage, string> = {
  inputs: 'Checking the inputs',
  connect: 'Connecting to Atlas',
  'sign-in': 'Signing in to Atlas',
  'read-job': 'Reading the export job',
  bucket: 'Finding the Export Bucket',
  snapshot: 'Choosing the snapshot',
  'take-snapshot': 'Taking the on-demand snapshot',
  create: 'Creating the export job',
  wait: 'Waiting for the export job'
}

export interface Failure {
  /** The annotation's title and the summary's headline. */
  readonly title: string
  readonly message: string
  readonly errorCode?: string | undefined
  readonly hint?: string | undefined
}

export const FAILED = 'Atlas export failed'
/** A wait that ran out: the step is red, but the export goes on and may well succeed. */
export const STILL_RUNNING = 'Atlas export still running: the wait stopped (wait-timeout)'

export type SnapshotOrigin = 'given' | 'latest' | 'new' | 'of-job'

export interface ChosenBucket {
  readonly id: string
  readonly name?: string | undefined
  readonly cloudProvider?: string | undefined
  readonly serviceUrl?: string | undefined
}

export interface ChosenSnapshot {
  /** None yet: a dry run of `snapshot-id: new`, or a snapshot still being taken. */
  readonly id?: string | undefined
  readonly origin: SnapshotOrigin
  readonly createdAt?: string | undefined
}

/** What the run learned, filled in by main.ts as it goes; everything in it may be shown. */
export interface RunReport {
  stage: Stage
  inputs?: Pick<Inputs, 'projectId' | 'clusterName' | 'customData' | 'wait' | 'dryRun' | 'snapshotRetentionDays'>
  bucket?: ChosenBucket
  snapshot?: ChosenSnapshot
  job?: ExportJob
  origin?: JobOrigin
  failure?: Failure
}

const ORIGIN_TEXT: Record<JobOrigin, string> = {
  created: '',
  recovered: ' (the create call lost its answer; the job it made was found and used)',
  'taken-over': ' (taken over: an export of this snapshot to this bucket was already running)',
  reused: ' (reused: this snapshot was already exported to this bucket; nothing was created)',
  followed: ' (followed: started earlier, given by export-job-id)'
}

export function renderSummary(report: RunReport): string {
  const lines: string[] = [`## ${headline(report)}`, '']
  const rows = tableRows(report).map(([name, value]) => `| ${name} | ${value} |`)
  // The first row is the table's header: no empty header row above it.
  if (rows.length > 0) lines.push(rows[0] as string, '|---|---|', ...rows.slice(1), '')
  const failure = report.failure
  if (failure?.title === STILL_RUNNING) {
    lines.push('### The export goes on', '', escape(failure.message), '')
  } else if (failure) {
    const [first, ...more] = failure.message.split('\n')
    lines.push('### What went wrong', '', `**${STAGE_TEXT[report.stage]}** failed: ${escape(first ?? '')}`)
    for (const line of more) lines.push(escape(line))
    lines.push('')
    if (failure.errorCode) lines.push(`- Atlas error code: \`${escapeCode(failure.errorCode)}\``)
    if (failure.hint) lines.push(`- What to do: ${escape(failure.hint)}`)
    if (report.job && !isTerminal(report.job.state)) {
      lines.push(`- The export job itself goes on in Atlas: \`${report.job.id}\`.`)
    }
    lines.push('')
  } else if (report.inputs?.dryRun) {
    lines.push(
      'Dry run: the inputs, the credentials, the cluster, the snapshot and the bucket were checked; nothing was created.',
      '',
      'What a dry run cannot prove: that the credential may create the export (or take a snapshot). Atlas offers no check without side effects; the roles each call needs are in the README.',
      ''
    )
  } else if (report.job && report.origin === 'reused') {
    const when = report.job.finishedAt ?? report.job.createdAt
    lines.push(
      `This snapshot was already exported to this bucket by job ${code(report.job.id)}${when ? ` (finished ${when})` : ''}: nothing was created. \`if-exported: export-again\` would export it anew.`,
      ''
    )
  } else if (report.job && !isTerminal(report.job.state) && !report.inputs?.wait) {
    lines.push('The export runs on in Atlas; `wait: true` would follow it to the end.', '')
  }
  return `${lines.join('\n')}\n`
}

function headline(report: RunReport): string {
  if (report.failure?.title === STILL_RUNNING) return `⏳ ${STILL_RUNNING}`
  if (report.failure) return '❌ Atlas snapshot export failed'
  if (report.inputs?.dryRun) return '🧪 Atlas snapshot export: dry run, nothing exported'
  const state = report.job?.state ?? ''
  if (isSuccessful(state) && report.origin === 'reused') return '✅ Atlas snapshot already exported: reused'
  if (isSuccessful(state)) return '✅ Atlas snapshot export succeeded'
  return `🚀 Atlas snapshot export started (${state || 'no job'})`
}

function snapshotText(report: RunReport): string | undefined {
  const snapshot = report.snapshot
  if (!snapshot) return undefined
  const taken = snapshot.createdAt ? `, taken ${snapshot.createdAt}` : ''
  const kept = days(report.inputs?.snapshotRetentionDays ?? 1)
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
        : `a new on-demand snapshot${report.inputs?.dryRun ? ' would be taken' : ''} (kept ${kept})`
  }
}

function tableRows(report: RunReport): Array<[string, string]> {
  const rows: Array<[string, string]> = []
  const add = (name: string, value: string | undefined): void => {
    if (value) rows.push([name, value])
  }
  const { inputs, job, bucket } = report
  add('Project', inputs && code(inputs.projectId))
  add('Cluster', inputs && code(inputs.clusterName))
  add('Snapshot', snapshotText(report))
  const bucketId = job?.exportBucketId ?? bucket?.id
  const about = [bucket?.name && escape(bucket.name), bucket?.cloudProvider && escape(bucket.cloudProvider)].filter(Boolean).join(', ')
  add('Export bucket', bucketId && `${code(bucketId)}${about ? ` (${about})` : ''}`)
  if (job) {
    add('Export job', `${code(job.id)}${ORIGIN_TEXT[report.origin ?? 'created']}`)
    // A failure's reason is told once, under "What went wrong".
    const reason = report.failure ? '' : [job.stateReason?.errorCode, job.stateReason?.message].filter(Boolean).join(' ')
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
  const customData = job?.customData?.length ? job.customData : inputs?.customData
  if (customData?.length) add('Custom data', customData.map(({ key, value }) => code(`${key}=${value}`)).join(' '))
  return rows
}

/** Inline code that survives any value: backticks doubled around, pipes escaped for the table. */
function code(value: string | undefined): string | undefined {
  if (!value) return undefined
  const fence = value.includes('`') ? '``' : '`'
  return `${fence}${value.replace(/\|/g, '\\|').replace(/\n/g, ' ')}${fence}`
}

function escapeCode(value: string): string {
  return value.replace(/[`|]/g, '')
}

function escape(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/[<>]/g, c => (c === '<' ? '&lt;' : '&gt;'))
}
