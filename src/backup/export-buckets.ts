/**
 * Export Buckets: by id (does it exist?) or by name (which id?). Version 2024-05-30,
 * whose id field is `_id` and which knows AWS, Azure and GCP buckets.
 */
import { ROLE } from './roles.js'
import { API_VERSION } from './versions.js'
import { type AtlasClient, type Expectation } from '../atlas/client.js'
import { isRecord } from '../atlas/errors.js'
import { listAll, pageOf } from '../atlas/pages.js'

export interface ExportBucket {
  readonly _id: string
  readonly bucketName: string
  readonly cloudProvider?: string
  /** Azure only: the storage account's blob endpoint, the container possibly part of it. */
  readonly serviceUrl?: string
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

export async function findExportBucketByName(client: AtlasClient, projectId: string, name: string): Promise<ExportBucket> {
  const buckets = await listAll<ExportBucket>(client, {
    path: bucketsPath(projectId),
    version: API_VERSION.exportBuckets,
    expect: BUCKETS,
    role: ROLE.readOnly
  })
  return pickBucketByName(buckets, name)
}

/** Pure: exactly one bucket of that name, or an error that lists what exists. */
function pickBucketByName(buckets: readonly ExportBucket[], name: string): ExportBucket {
  const matches = buckets.filter(bucket => bucket.bucketName === name)
  if (matches.length === 1) return matches[0] as ExportBucket
  const describe = (b: ExportBucket): string => `${b.bucketName} (${b.cloudProvider ?? '?'}, ${b._id})`
  if (matches.length > 1) {
    throw new Error(
      `Input 'export-bucket-name': ${matches.length} Export Buckets of this project are named '${name}': ${matches.map(describe).join(', ')}. Use export-bucket-id to say which.`
    )
  }
  const existing = buckets.length > 0 ? `The project's Export Buckets: ${buckets.map(describe).join(', ')}.` : 'The project has no Export Bucket.'
  throw new Error(`Input 'export-bucket-name': no Export Bucket of this project is named '${name}'. ${existing}`)
}
