/**
 * Where an export lands, written the way each cloud's own tool takes it, so a user can
 * paste it into `aws s3 ls`, `gsutil ls` or `az storage blob list`.
 */
import type { BucketInfo } from './record.js'

/**
 * Pure: `s3://<bucket>/<prefix>` (AWS), `gs://<bucket>/<prefix>` (GCP), or the Azure
 * `serviceUrl` and the prefix, the container appearing once (a serviceUrl may or may
 * not end with it). Undefined while Atlas has not set the prefix, while the bucket's
 * name is not known, or for a cloud not known.
 */
export function exportUrl(
  bucket: Pick<BucketInfo, 'name' | 'cloudProvider' | 'serviceUrl'>,
  prefix: string | undefined
): string | undefined {
  const path = prefix?.replace(/^\/+/, '')
  const bucketName = bucket.name
  if (!path || !bucketName) return undefined
  switch (bucket.cloudProvider?.toUpperCase()) {
    case 'AWS':
      return `s3://${bucketName}/${path}`
    case 'GCP':
      return `gs://${bucketName}/${path}`
    case 'AZURE': {
      if (!bucket.serviceUrl) return undefined
      // Read as text, not as a URL: a serviceUrl without a scheme is shown as it is, never thrown on.
      const service = bucket.serviceUrl.replace(/\/+$/, '')
      const container = service
        .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
        .split('/')
        .slice(1)
        .join('/')
      return container === '' ? `${service}/${bucketName}/${path}` : `${service}/${path}`
    }
    default:
      return undefined
  }
}
