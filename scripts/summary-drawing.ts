/**
 * The README's picture of a job summary (docs/summary.svg), drawn from the markdown the
 * action's own renderSummary (src/report/summary.ts) makes for one fixed run: the latest
 * snapshot exported and waited for, with fixed ids and times. The picture changes only
 * when the summary does; a test keeps the committed file equal to it.
 */
import type { ExportJob } from '../src/backup/export-jobs.js'
import type { RunRecord } from '../src/report/record.js'
import { renderSummary } from '../src/report/summary.js'
import { BUCKET_ID, CLUSTER, LATEST_SNAPSHOT_ID, PROJECT_ID } from './atlas-emulator/scenario.js'

const PREFIX = `exported_snapshots/a0123456789abcdef012345a/${PROJECT_ID}/${CLUSTER}/2026-12-01T0138/1796110728`

/** A run as the flow records it: `snapshot-id: latest`, `wait: true`, two custom-data pairs. */
export function pictureRun(): RunRecord {
  const customData = [
    { key: 'purpose', value: 'nightly' },
    { key: 'ticket', value: 'OPS-1234' }
  ]
  const job: ExportJob = {
    id: '6b0e79881d888f0d92000001',
    snapshotId: LATEST_SNAPSHOT_ID,
    exportBucketId: BUCKET_ID,
    state: 'Successful',
    prefix: PREFIX,
    createdAt: '2026-12-01T07:38:48Z',
    finishedAt: '2026-12-01T07:51:20Z',
    exportStatus: { exportedCollections: 3, totalCollections: 3 },
    customData
  }
  return {
    settings: { projectId: PROJECT_ID, customData, wait: true, dryRun: false, snapshotRetentionDays: 1 },
    bucket: { id: BUCKET_ID, name: 'test-bucket', cloudProvider: 'AWS' },
    exports: [
      {
        cluster: CLUSTER,
        snapshot: { id: LATEST_SNAPSHOT_ID, origin: 'latest', createdAt: '2026-12-01T01:38:48Z' },
        job,
        origin: 'created'
      }
    ],
    ended: true
  }
}

const FONT = "-apple-system, 'Segoe UI', Helvetica, Arial, sans-serif"
const MONO = 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace'
const CHAR = 7.4 // average advance at 14px, near enough to size the columns
const MONO_CHAR = 7.8

/** A cell's text as runs of plain and `code` text. */
function runs(cell: string): Array<{ text: string; code: boolean }> {
  return cell
    .split(/(`[^`]+`)/)
    .filter(Boolean)
    .map(part =>
      part.startsWith('`') ? { text: part.slice(1, -1), code: true } : { text: part.replace(/\\\|/g, '|'), code: false }
    )
}

function width(cell: string): number {
  return runs(cell).reduce((w, r) => w + r.text.length * (r.code ? MONO_CHAR : CHAR), 0)
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

function textAt(x: number, y: number, cell: string, weight = 'normal'): string {
  let cursor = x
  return runs(cell)
    .map(r => {
      const w = r.text.length * (r.code ? MONO_CHAR : CHAR)
      const piece = r.code
        ? `<rect x="${cursor - 2}" y="${y - 14}" width="${w + 4}" height="19" rx="4" fill="#eff1f3"/><text x="${cursor}" y="${y}" font-family="${MONO}" font-size="13">${escapeXml(r.text)}</text>`
        : `<text x="${cursor}" y="${y}" font-family="${FONT}" font-size="14" font-weight="${weight}">${escapeXml(r.text)}</text>`
      cursor += w + (r.code ? 4 : 0)
      return piece
    })
    .join('')
}

/** The summary's markdown drawn as GitHub lays a summary out. */
export function summaryPicture(markdown = renderSummary(pictureRun())): string {
  const lines = markdown.split('\n')
  const heading = (lines.find(l => l.startsWith('## ')) ?? '').slice(3)
  const rows = lines
    .filter(l => l.startsWith('| ') && !l.startsWith('|---'))
    .map(l => l.slice(2, -2).split(/ (?<!\\)\| /))
  const paragraphs = lines.filter(l => l !== '' && !l.startsWith('|') && !l.startsWith('#'))
  const first = Math.max(...rows.map(r => width(r[0] ?? ''))) + 26
  const second = Math.max(...rows.map(r => width(r[1] ?? ''))) + 26
  const pad = 24
  const rowHeight = 34
  const tableTop = 70
  const svgWidth = Math.ceil(pad * 2 + first + second)
  const afterTable = tableTop + rows.length * rowHeight + 30
  const svgHeight = afterTable + paragraphs.length * 24 + pad

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${svgWidth}" height="${svgHeight}" viewBox="0 0 ${svgWidth} ${svgHeight}">`,
    `<rect width="100%" height="100%" fill="#ffffff" stroke="#d1d9e0" rx="6"/>`,
    `<text x="${pad}" y="44" font-family="${FONT}" font-size="22" font-weight="600" fill="#1f2328">${escapeXml(heading)}</text>`,
    `<line x1="${pad}" y1="56" x2="${svgWidth - pad}" y2="56" stroke="#d1d9e0"/>`
  ]
  rows.forEach((row, i) => {
    const y = tableTop + i * rowHeight
    if (i % 2 === 1)
      parts.push(`<rect x="${pad}" y="${y}" width="${first + second}" height="${rowHeight}" fill="#f6f8fa"/>`)
    parts.push(`<rect x="${pad}" y="${y}" width="${first}" height="${rowHeight}" fill="none" stroke="#d1d9e0"/>`)
    parts.push(
      `<rect x="${pad + first}" y="${y}" width="${second}" height="${rowHeight}" fill="none" stroke="#d1d9e0"/>`
    )
    parts.push(
      `<g fill="#1f2328">${textAt(pad + 13, y + 22, row[0] ?? '', i === 0 ? '600' : 'normal')}${textAt(pad + first + 13, y + 22, row[1] ?? '', i === 0 ? '600' : 'normal')}</g>`
    )
  })
  paragraphs.forEach((p, i) => parts.push(`<g fill="#1f2328">${textAt(pad, afterTable + i * 24, p)}</g>`))
  parts.push('</svg>')
  return `${parts.join('\n')}\n`
}
