/**
 * Export Buckets: by id (does it exist?) or by name (which id?). Version 2024-05-30,
 * whose id field is `_id` and which knows AWS, Azure and GCP buckets.
 */
import { type AtlasClient, type Expectation } from '../atlas/client.js'
import { isRecord } from '../atlas/json.js'
import { listAll, pageOf } from '../atlas/pages.js'
import { API_VERSION, ROLE } from './api.js'

export interface ExportBucket {
  readonly _id: string
  readonly bucketName: string
  readonly cloudProvider?: string
  /** Azure only: the storage account's blob endpoint, the container possibly part of it. */
  readonly serviceUrl?: string
}

/** No bucket, or several, of the name asked for; `buckets` are the project's. */
export class BucketNameError extends Error {
  constructor(
    readonly bucketName: string,
    readonly matches: readonly ExportBucket[],
    readonly buckets: readonly ExportBucket[]
  ) {
    super(`${matches.length} Export Buckets of this project are named '${bucketName}'`)
    this.name = 'BucketNameError'
  }
}

function isBucket(data: unknown): boolean {
  return isRecord(data) && typeof data._id === 'string' && typeof data.bucketName === 'string'
}

const A_BUCKET: Expectation = { what: 'an Export Bucket', test: isBucket }
const BUCKETS = pageOf('Export Buckets', isBucket)

function bucketsPath(projectId: string): string {
  return `/api/atlas/v2/groups/${projectId}/backup/exportBuckets`
}

export async function getExportBucket(client: AtlasClient, projectId: string, id: string): Promise<ExportBucket> {
  return client.call<ExportBucket>({
    method: 'GET',
    path: `${bucketsPath(projectId)}/${id}`,
    version: API_VERSION.exportBuckets,
    expect: A_BUCKET,
    role: ROLE.readOnly
  })
}

/** Exactly one bucket of that name, or a BucketNameError. */
export async function findExportBucketByName(
  client: AtlasClient,
  projectId: string,
  name: string
): Promise<ExportBucket> {
  const buckets = await listAll<ExportBucket>(client, {
    path: bucketsPath(projectId),
    version: API_VERSION.exportBuckets,
    expect: BUCKETS,
    role: ROLE.readOnly
  })
  const matches = buckets.filter(bucket => bucket.bucketName === name)
  if (matches.length !== 1) throw new BucketNameError(name, matches, buckets)
  return matches[0] as ExportBucket
}
