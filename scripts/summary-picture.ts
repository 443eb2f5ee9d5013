/**
 * `npm run docs:summary`: runs the bundle against the emulator (the demo's scenario:
 * `latest`, waiting until Successful) and draws the job summary it wrote as
 * docs/summary.svg, laid out as GitHub shows a summary: the README's picture of a real
 * run, redrawn from a real run whenever the summary changes.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startEmulator } from './atlas-emulator/emulator.js'
import { ROOT, runAction } from './run-action.js'
import { digestInputs, standardOptions } from './atlas-emulator/scenario.js'

const emulator = await startEmulator(
  standardOptions({
    exportTimeline: [
      { state: 'Queued' },
      { state: 'InProgress', exportStatus: { exportedCollections: 1, totalCollections: 3 } },
      { state: 'Successful', exportStatus: { exportedCollections: 3, totalCollections: 3 } }
    ]
  })
)
const run = await runAction(
  digestInputs(emulator.url, {
    'snapshot-id': 'latest',
    wait: 'true',
    'poll-interval': '1s',
    'custom-data': 'purpose=nightly\nticket=OPS-1234'
  })
)
await emulator.close()
if (run.exitCode !== 0) throw new Error(`the run failed:\n${run.stdout}`)

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

const lines = run.summary.split('\n')
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
  parts.push(`<rect x="${pad + first}" y="${y}" width="${second}" height="${rowHeight}" fill="none" stroke="#d1d9e0"/>`)
  parts.push(
    `<g fill="#1f2328">${textAt(pad + 13, y + 22, row[0] ?? '', i === 0 ? '600' : 'normal')}${textAt(pad + first + 13, y + 22, row[1] ?? '', i === 0 ? '600' : 'normal')}</g>`
  )
})
paragraphs.forEach((p, i) => parts.push(`<g fill="#1f2328">${textAt(pad, afterTable + i * 24, p)}</g>`))
parts.push('</svg>')

mkdirSync(join(ROOT, 'docs'), { recursive: true })
writeFileSync(join(ROOT, 'docs', 'summary.svg'), `${parts.join('\n')}\n`)
console.log(`docs/summary.svg: ${rows.length} rows, ${svgWidth}×${svgHeight}`)
