/**
 * Step outputs, derived from the run's record. They are written as soon as there is
 * something to say, and again when it changes, so a step that then fails still leaves
 * them for `if: failure()`.
 */
import type { ExportJob } from '../backup/export-jobs.js'
import { exportUrl } from './destination.js'
import { runFailure, type RunRecord } from './record.js'
import { clip, jsonWithin } from './text.js'

export type SetOutput = (name: string, value: string) => void

/** GitHub keeps an output of up to 1 MB; every output stays under it, whatever a server sent. */
export const MAX_OUTPUT_BYTES = 1_000_000 - 1_024

/** Pure: the job's own outputs, every one of them, empty where Atlas has not said yet. */
export function jobOutputs(job: ExportJob): Record<string, string> {
  const count = (n: number | undefined): string => (typeof n === 'number' ? String(n) : '')
  return {
    'export-job-id': job.id,
    state: job.state,
    prefix: job.prefix ?? '',
    'created-at': job.createdAt ?? '',
    'finished-at': job.finishedAt ?? '',
    'exported-collections': count(job.exportStatus?.exportedCollections),
    'total-collections': count(job.exportStatus?.totalCollections),
    job: jsonWithin(job, MAX_OUTPUT_BYTES)
  }
}

/** One element of the `exports` output: a cluster's export, every field a string (`""` when absent). */
export interface ExportOutput {
  readonly cluster: string
  readonly state: string
  readonly exportJobId: string
  readonly snapshotId: string
  readonly exportBucketId: string
  readonly bucketName: string
  readonly cloudProvider: string
  readonly prefix: string
  readonly exportUrl: string
  readonly createdAt: string
  readonly finishedAt: string
  readonly origin: string
  readonly errorCode: string
  readonly error: string
}

/** Pure: the `exports` output, one element per cluster exported or attempted, in the run's order. */
export function exportsOf(record: RunRecord): ExportOutput[] {
  const { bucket } = record
  return record.exports.map(one => {
    const job = one.job
    // What failed the whole run failed each of its exports too.
    const failure = one.failure ?? (record.failure?.kind === 'cancelled' ? undefined : record.failure)
    return {
      cluster: one.cluster,
      state: job?.state ?? '',
      exportJobId: job?.id ?? '',
      snapshotId: job?.snapshotId ?? one.snapshot?.id ?? '',
      exportBucketId: job?.exportBucketId ?? bucket?.id ?? '',
      bucketName: bucket?.name ?? '',
      cloudProvider: bucket?.cloudProvider ?? '',
      prefix: job?.prefix ?? '',
      exportUrl: (bucket && exportUrl(bucket, job?.prefix)) ?? '',
      createdAt: job?.createdAt ?? '',
      finishedAt: job?.finishedAt ?? '',
      origin: job ? (one.origin ?? '') : '',
      errorCode: failure?.errorCode ?? '',
      error: failure?.message ?? ''
    }
  })
}

/**
 * Pure: every output the record supports so far. The single-export outputs describe the
 * run's one export; `error-code` is set once the run has ended or failed.
 */
export function outputsOf(record: RunRecord): Record<string, string> {
  const outputs: Record<string, string> = {}
  const only = record.exports.length === 1 ? record.exports[0] : undefined
  const { bucket } = record
  const job = only?.job
  const snapshotId = job?.snapshotId ?? only?.snapshot?.id
  if (snapshotId) outputs['snapshot-id'] = snapshotId
  const bucketId = job?.exportBucketId ?? bucket?.id
  if (bucketId) outputs['export-bucket-id'] = bucketId
  if (bucket?.name) outputs['bucket-name'] = bucket.name
  if (bucket?.cloudProvider) outputs['cloud-provider'] = bucket.cloudProvider
  if (job) Object.assign(outputs, jobOutputs(job))
  if (bucket?.name && only) outputs['export-url'] = exportUrl(bucket, job?.prefix) ?? ''
  if (record.exports.length > 0) outputs.exports = jsonWithin(exportsOf(record), MAX_OUTPUT_BYTES)
  const failure = runFailure(record)
  if (failure?.kind === 'cancelled') return outputs
  if (failure || record.ended) outputs['error-code'] = failure?.errorCode ?? ''
  return outputs
}

/** Writes outputs, only those that changed: a wait of hundreds of polls stays small. */
export class OutputWriter {
  private readonly written = new Map<string, string>()

  constructor(private readonly set: SetOutput) {}

  write(outputs: Record<string, string>): void {
    for (const [name, text] of Object.entries(outputs)) {
      // JSON outputs are bounded as JSON (outputsOf); a plain text one is clipped with a mark.
      const value = Buffer.byteLength(text) > MAX_OUTPUT_BYTES ? clip(text, MAX_OUTPUT_BYTES / 4) : text
      if (this.written.get(name) === value) continue
      try {
        this.set(name, value)
      } catch (error) {
        throw new Error(`Could not write the step output '${name}' (GITHUB_OUTPUT): ${(error as Error).message}`, {
          cause: error
        })
      }
      this.written.set(name, value)
    }
  }
}
