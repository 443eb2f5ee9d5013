/**
 * Atlas's states are compared as the Atlas CLI compares them, ignoring case: export job
 * states (`Successful`) and snapshot states (`completed`) alike.
 */
export function sameState(state: string | undefined, expected: string): boolean {
  return state?.toLowerCase() === expected.toLowerCase()
}
