/**
 * `npm run docs:summary`: redraws docs/summary.svg, the README's picture of a job summary,
 * from the action's own summary code (scripts/summary-drawing.ts).
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from './run-action.js'
import { summaryPicture } from './summary-drawing.js'

const svg = summaryPicture()
writeFileSync(join(ROOT, 'docs', 'summary.svg'), svg)
console.log(`docs/summary.svg: ${svg.length} bytes`)
