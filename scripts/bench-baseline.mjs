// The bench's baseline: the least a Node script can do to create an export job with an
// API key as the action does (knowing where it lands, never exporting a snapshot twice),
// with no framework: an unauthenticated GET of the bucket for the Digest challenge, the
// bucket (nc=1), the export list (nc=2), then the POST (nc=3). MD5, qop=auth. No input
// checks, no retries, no outputs.
import { createHash, randomBytes } from 'node:crypto'

const {
  ATLAS_URL,
  ATLAS_PUBLIC_KEY,
  ATLAS_PRIVATE_KEY,
  ATLAS_PROJECT_ID,
  ATLAS_CLUSTER,
  ATLAS_SNAPSHOT_ID,
  ATLAS_BUCKET_ID
} = process.env
const path = `/api/atlas/v2/groups/${ATLAS_PROJECT_ID}/clusters/${ATLAS_CLUSTER}/backup/exports`
const type = 'application/vnd.atlas.2023-01-01+json'
const body = JSON.stringify({ snapshotId: ATLAS_SNAPSHOT_ID, exportBucketId: ATLAS_BUCKET_ID })
const bucketPath = `/api/atlas/v2/groups/${ATLAS_PROJECT_ID}/backup/exportBuckets/${ATLAS_BUCKET_ID}`
const send = (method, headers, uri = path, accept = type) =>
  fetch(`${ATLAS_URL}${uri}`, {
    method,
    headers: { Accept: accept, ...(method === 'POST' ? { 'Content-Type': type } : {}), ...headers },
    ...(method === 'POST' ? { body } : {})
  })

const challenge = await send('GET', {}, bucketPath, 'application/vnd.atlas.2024-05-30+json')
await challenge.arrayBuffer()
const header = challenge.headers.get('www-authenticate') ?? ''
const param = name => new RegExp(`${name}="?([^",]*)"?`).exec(header)?.[1] ?? ''
const md5 = text => createHash('md5').update(text).digest('hex')
const [realm, nonce, cnonce] = [param('realm'), param('nonce'), randomBytes(8).toString('hex')]
const ha1 = md5(`${ATLAS_PUBLIC_KEY}:${realm}:${ATLAS_PRIVATE_KEY}`)
const authorization = (method, nc, uri = path) =>
  `Digest username="${ATLAS_PUBLIC_KEY}", realm="${realm}", nonce="${nonce}", uri="${uri}", qop=auth, nc=${nc}, cnonce="${cnonce}", response="${md5(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${md5(`${method}:${uri}`)}`)}", algorithm=MD5`
const bucket = await send(
  'GET',
  { Authorization: authorization('GET', '00000001', bucketPath) },
  bucketPath,
  'application/vnd.atlas.2024-05-30+json'
)
if (bucket.status !== 200 || !(await bucket.json()).bucketName) process.exit(1)
const list = await send('GET', { Authorization: authorization('GET', '00000002') })
const jobs = await list.json()
if (list.status !== 200 || !Array.isArray(jobs.results)) process.exit(1)
const answer = await send('POST', { Authorization: authorization('POST', '00000003') })
const job = await answer.json()
if (answer.status !== 200) process.exit(1)
console.log(job.id)
