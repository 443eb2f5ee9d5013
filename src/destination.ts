/**
 * Where an export lands, written the way each cloud's own tool takes it, so a user can
 * paste it into `aws s3 ls`, `gsutil ls` or `az storage blob list`.
 */
import type { ExportBucket } from './backup/export-buckets.js'

/**
 * Pure: `s3://<bucket>/<prefix>` (AWS), `gs://<bucket>/<prefix>` (GCP), or the Azure
 * `serviceUrl` and the prefix, the container appearing once (a serviceUrl may or may
 * not end with it). Undefined while Atlas has not set the prefix, or for a cloud not
 * known.
 */
export function exportUrl(bucket: Pick<ExportBucket, 'bucketName' | 'cloudProvider' | 'serviceUrl'>, prefix: string | undefined): string | undefined {
  const path = prefix?.replace(/^\/+/, '')
  if (!path) return undefined
  switch (bucket.cloudProvider?.toUpperCase()) {
    case 'AWS':
      return `s3://${bucket.bucketName}/${path}`
    case 'GCP':
      return `gs://${bucket.bucketName}/${path}`
    case 'AZURE': {
      if (!bucket.serviceUrl) return undefined
      const service = bucket.serviceUrl.replace(/\/+$/, '')
      const container = new URL(service).pathname.replace(/^\/+/, '')
      return container === '' ? `${service}/${bucket.bucketName}/${path}` : `${service}/${path}`
    }
    default:
      return undefined
  }
}
