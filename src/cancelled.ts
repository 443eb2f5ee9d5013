/** The workflow run was cancelled: whatever was under way stops here, and nothing new starts. */
export class CancelledError extends Error {
  constructor() {
    super('The run was cancelled.')
    this.name = 'CancelledError'
  }
}

export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError()
}
