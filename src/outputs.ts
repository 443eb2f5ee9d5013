/**
 * Step outputs. They are written as soon as there is something to say, and again
 * when it changes, so a step that then fails still leaves them for `if: failure()`.
 */
import type { ExportJob } from './backup/export-jobs.js'
import { exportUrl } from './destination.js'
import type { ChosenBucket } from './summary.js'

export type SetOutput = (name: string, value: string) => void

/** Pure: the job's outputs, every one of them, empty where Atlas has not said yet. */
export function jobOutputs(job: ExportJob): Record<string, string> {
  const count = (n: number | undefined): string => (typeof n === 'number' ? String(n) : '')
  return {
    'export-job-id': job.id,
    state: job.state,
    'export-bucket-id': job.exportBucketId ?? '',
    prefix: job.prefix ?? '',
    'created-at': job.createdAt ?? '',
    'finished-at': job.finishedAt ?? '',
    'exported-collections': count(job.exportStatus?.exportedCollections),
    'total-collections': count(job.exportStatus?.totalCollections),
    job: JSON.stringify(job)
  }
}

export class Outputs {
  private readonly written = new Map<string, string>()
  private chosenBucket: ChosenBucket | undefined
  private prefix: string | undefined

  constructor(private readonly set: SetOutput) {}

  snapshot(snapshotId: string): void {
    this.write('snapshot-id', snapshotId)
  }

  /** The bucket as far as it is known: its id at once, its name and cloud once read. */
  bucket(bucket: ChosenBucket): void {
    this.chosenBucket = bucket
    this.write('export-bucket-id', bucket.id)
    if (bucket.name) this.write('bucket-name', bucket.name)
    if (bucket.cloudProvider) this.write('cloud-provider', bucket.cloudProvider)
    this.destination()
  }

  job(job: ExportJob): void {
    if (job.snapshotId) this.write('snapshot-id', job.snapshotId)
    for (const [name, value] of Object.entries(jobOutputs(job))) this.write(name, value)
    this.prefix = job.prefix
    this.destination()
  }

  private destination(): void {
    const bucket = this.chosenBucket
    if (!bucket?.name) return
    this.write('export-url', exportUrl(bucket, this.prefix) ?? '')
  }

  errorCode(code: string | undefined): void {
    this.write('error-code', code ?? '')
  }

  /** Only changes reach the output file: a wait of hundreds of polls stays small. */
  private write(name: string, value: string): void {
    if (this.written.get(name) === value) return
    try {
      this.set(name, value)
    } catch (error) {
      throw new Error(`Could not write the step output '${name}' (GITHUB_OUTPUT): ${(error as Error).message}`, { cause: error })
    }
    this.written.set(name, value)
  }
}
