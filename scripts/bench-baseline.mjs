// The bench's baseline: the least a Node script can do to create an export job with an
// API key, with no framework: one unauthenticated POST for the Digest challenge, one
// POST with the answer (MD5, qop=auth, nc=1). No input checks, no retries, no outputs.
import { createHash, randomBytes } from 'node:crypto'

const { ATLAS_URL, ATLAS_PUBLIC_KEY, ATLAS_PRIVATE_KEY, ATLAS_PROJECT_ID, ATLAS_CLUSTER, ATLAS_SNAPSHOT_ID, ATLAS_BUCKET_ID } = process.env
const path = `/api/atlas/v2/groups/${ATLAS_PROJECT_ID}/clusters/${ATLAS_CLUSTER}/backup/exports`
const type = 'application/vnd.atlas.2023-01-01+json'
const body = JSON.stringify({ snapshotId: ATLAS_SNAPSHOT_ID, exportBucketId: ATLAS_BUCKET_ID })
const post = headers => fetch(`${ATLAS_URL}${path}`, { method: 'POST', headers: { Accept: type, 'Content-Type': type, ...headers }, body })

const challenge = await post({})
await challenge.arrayBuffer()
const header = challenge.headers.get('www-authenticate') ?? ''
const param = name => new RegExp(`${name}="?([^",]*)"?`).exec(header)?.[1] ?? ''
const md5 = text => createHash('md5').update(text).digest('hex')
const [realm, nonce, cnonce] = [param('realm'), param('nonce'), randomBytes(8).toString('hex')]
const ha1 = md5(`${ATLAS_PUBLIC_KEY}:${realm}:${ATLAS_PRIVATE_KEY}`)
const response = md5(`${ha1}:${nonce}:00000001:${cnonce}:auth:${md5(`POST:${path}`)}`)
const answer = await post({
  Authorization: `Digest username="${ATLAS_PUBLIC_KEY}", realm="${realm}", nonce="${nonce}", uri="${path}", qop=auth, nc=00000001, cnonce="${cnonce}", response="${response}", algorithm=MD5`
})
const job = await answer.json()
if (answer.status !== 200) process.exit(1)
console.log(job.id)
