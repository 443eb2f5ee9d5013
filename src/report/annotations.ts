/**
 * The failure annotations of a run, from its record: the run's own failure once, or one
 * per failed cluster, a fleet's titled with the cluster's name.
 */
import type { ExportJob } from '../backup/export-jobs.js'
import type { Failure, RunRecord } from './record.js'

/** A wait that ran out: the step is red, but the export goes on and may well succeed. */
export const STILL_RUNNING = 'Atlas export still running: the wait stopped (wait-timeout)'

/** Annotations of a fleet's failed clusters, one each up to this many, then one that counts the rest. */
const MAX_CLUSTER_ANNOTATIONS = 10

/** Pure: the title of a failure's annotation (`job`: the export's job, when it has one). */
export function failureTitle(failure: Failure, job: ExportJob | undefined): string {
  switch (failure.kind) {
    case 'bad-input':
      return 'Atlas export not started: an input is wrong'
    case 'export-failed':
      return `Atlas export job ${job?.state ?? 'failed'}`
    case 'still-running':
      return STILL_RUNNING
    case 'cancelled':
      return 'Atlas export cancelled'
    default:
      return 'Atlas export failed'
  }
}

/** Pure: the run's failure once, or one per failed cluster (named in the title of a fleet's), the hint on its own line. */
export function annotationsOf(record: RunRecord): Array<{ message: string; title: string }> {
  const text = (failure: Failure): string => (failure.hint ? `${failure.message}\n${failure.hint}` : failure.message)
  if (record.failure)
    return [{ message: text(record.failure), title: failureTitle(record.failure, record.exports[0]?.job) }]
  const failed = record.exports.filter(one => one.failure)
  const annotations = failed.slice(0, MAX_CLUSTER_ANNOTATIONS).map(one => {
    const failure = one.failure as Failure
    const title = failureTitle(failure, one.job)
    return { message: text(failure), title: record.fleet ? `${title}: ${one.cluster}` : title }
  })
  const rest = failed.slice(MAX_CLUSTER_ANNOTATIONS)
  if (rest.length > 0) {
    annotations.push({
      title: `Atlas export failed: ${rest.length} more cluster${rest.length === 1 ? '' : 's'}`,
      message: `Also failed: ${rest.map(one => one.cluster).join(', ')} (each in the job summary and the exports output).`
    })
  }
  return annotations
}
