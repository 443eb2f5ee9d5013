/**
 * The Export Bucket of the run: given by id, or found by name. Read once, for where the
 * export lands (its name and cloud).
 */
import type { AtlasClient } from '../atlas/client.js'
import {
  BucketNameError,
  findExportBucketByName,
  getExportBucket,
  type ExportBucket
} from '../backup/export-buckets.js'
import { InputError, type BucketChoice } from '../inputs/inputs.js'
import type { Log } from '../runner/log.js'
import type { BucketInfo } from '../report/record.js'

/** The bucket the inputs name (`of-job` buckets are read by `readBucket` once the job is known). */
export async function resolveBucket(
  client: AtlasClient,
  projectId: string,
  choice: Exclude<BucketChoice, { kind: 'of-job' }>,
  log: Log
): Promise<BucketInfo> {
  if (choice.kind === 'id') return readBucket(client, projectId, choice.id, log)
  try {
    const bucket = await findExportBucketByName(client, projectId, choice.name)
    log.info(`Export Bucket '${bucket.bucketName}' is ${bucket._id} (${bucket.cloudProvider ?? 'unknown cloud'}).`)
    return info(bucket)
  } catch (error) {
    throw error instanceof BucketNameError ? new InputError(bucketNameProblem(error)) : error
  }
}

/** One read of the bucket: that it exists, and where the export lands (its name and cloud). */
export async function readBucket(client: AtlasClient, projectId: string, id: string, log: Log): Promise<BucketInfo> {
  const bucket = await getExportBucket(client, projectId, id)
  log.info(`Export Bucket ${bucket._id}: '${bucket.bucketName}' (${bucket.cloudProvider ?? 'unknown cloud'}).`)
  return info(bucket)
}

function info(bucket: ExportBucket): BucketInfo {
  return { id: bucket._id, name: bucket.bucketName, cloudProvider: bucket.cloudProvider, serviceUrl: bucket.serviceUrl }
}

/** Pure: what is wrong with `export-bucket-name`, listing what exists. */
function bucketNameProblem({ bucketName, matches, buckets }: BucketNameError): string {
  const describe = (b: ExportBucket): string => `${b.bucketName} (${b.cloudProvider ?? '?'}, ${b._id})`
  if (matches.length > 1) {
    return `Input 'export-bucket-name': ${matches.length} Export Buckets of this project are named '${bucketName}': ${matches.map(describe).join(', ')}. Use export-bucket-id to say which.`
  }
  const existing =
    buckets.length > 0
      ? `The project's Export Buckets: ${buckets.map(describe).join(', ')}.`
      : 'The project has no Export Bucket.'
  return `Input 'export-bucket-name': no Export Bucket of this project is named '${bucketName}'. ${existing}`
}
