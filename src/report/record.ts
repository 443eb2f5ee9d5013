/**
 * The run's record: what the run learned and what happened, one record per export.
 * It is the single source of the step outputs, the summary and the annotations; the
 * flow changes it only through a Recorder, which hands every change to the outputs.
 */
import type { Decision, ExportJob, JobOrigin } from '../backup/export-jobs.js'
import type { Inputs } from '../inputs/inputs.js'

/** Where a run, or one export, is; a failure names the stage it happened in. */
export type Stage =
  'inputs' | 'sign-in' | 'clusters' | 'bucket' | 'read-job' | 'snapshot' | 'take-snapshot' | 'look' | 'create' | 'wait'

/**
 * - `bad-input`: an input is wrong (nothing was sent, or what was sent shows the input is wrong)
 * - `atlas-refused`: Atlas answered with an error
 * - `unreachable`: no answer came (network, proxy, TLS), or none that could be read
 * - `export-failed`: the export job ended Failed or Cancelled
 * - `still-running`: the wait ran out; the export goes on in Atlas
 * - `cancelled`: the workflow run was cancelled
 * - `error`: anything else (a snapshot that cannot be exported, a bug)
 */
export type FailureKind =
  'bad-input' | 'atlas-refused' | 'unreachable' | 'export-failed' | 'still-running' | 'cancelled' | 'error'

export interface Failure {
  readonly kind: FailureKind
  /** Where it happened; undefined for what no step owns. */
  readonly stage?: Stage | undefined
  readonly message: string
  readonly errorCode?: string | undefined
  readonly hint?: string | undefined
  /** `export-failed`: the job had ended before this run read it (`export-job-id`). */
  readonly alreadyEnded?: boolean
}

export interface BucketInfo {
  readonly id: string
  readonly name?: string | undefined
  readonly cloudProvider?: string | undefined
  readonly serviceUrl?: string | undefined
}

export type SnapshotOrigin = 'given' | 'latest' | 'new' | 'of-job'

export interface SnapshotInfo {
  /** None yet: a dry run of `snapshot-id: new`, or a snapshot still being taken. */
  readonly id?: string | undefined
  readonly origin: SnapshotOrigin
  readonly createdAt?: string | undefined
}

/** One cluster's export: what it exports, its job, and how it ended. */
export interface ExportRecord {
  readonly cluster: string
  stage?: Stage
  snapshot?: SnapshotInfo
  job?: ExportJob
  origin?: JobOrigin
  /** A dry run: what a real run would do. */
  plan?: Decision
  failure?: Failure
}

export type RunSettings = Pick<Inputs, 'projectId' | 'customData' | 'wait' | 'dryRun' | 'snapshotRetentionDays'>

/** A cluster a pattern matched that cannot be exported. */
export interface PassedOver {
  readonly name: string
  /** `backup off`, `paused`, `shared tier`. */
  readonly why: string
}

export interface RunRecord {
  stage?: Stage
  settings?: RunSettings
  /** Several clusters (`cluster-name` with more than one entry, or a pattern). */
  fleet?: boolean
  passedOver?: readonly PassedOver[]
  /** The one Export Bucket of the run. */
  bucket?: BucketInfo
  readonly exports: ExportRecord[]
  /** What concerns every export (an input, signing in, the bucket, a cancel); an export's own is in its record. */
  failure?: Failure
  /** The run has come to its end (and nothing failed it, unless `failure` says so). */
  ended?: boolean
}

/** Pure: the failure that decides the run (the run's own, else the first export's). */
export function runFailure(record: RunRecord): Failure | undefined {
  return record.failure ?? record.exports.find(e => e.failure)?.failure
}

/** Pure: the stages whose failure concerns every export of the run, not one cluster. */
export function concernsEveryExport(stage: Stage | undefined): boolean {
  return stage === undefined || ['inputs', 'sign-in', 'clusters', 'bucket'].includes(stage)
}

/** The one writer of the record: every change is handed on at once (to the outputs). */
export class Recorder {
  readonly record: RunRecord = { exports: [] }

  constructor(private readonly changed: (record: RunRecord) => void) {}

  /** Changes the run's record, then hands it on. */
  run(change: (record: RunRecord) => void): void {
    change(this.record)
    this.changed(this.record)
  }

  /** Changes one export's record (made on first use), then hands the run's on. */
  export(cluster: string, change: (record: ExportRecord) => void): void {
    let one = this.record.exports.find(e => e.cluster === cluster)
    if (!one) {
      one = { cluster }
      this.record.exports.push(one)
    }
    change(one)
    this.changed(this.record)
  }
}
