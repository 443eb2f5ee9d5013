/** Kept equal to package.json's version by a test (src/ cannot import package.json: rootDir). */
export const ACTION_VERSION = '1.0.0'
