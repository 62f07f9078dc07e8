/** Size bounds of main's requests; larger ones get 413 with a message saying the limit. */
export const UPLOAD_LIMITS = {
  /** JSON bodies (a screenshot for proactive chat is the largest the UI sends). */
  jsonBodyBytes: 32 * 1024 * 1024,
  /** One uploaded file (a VRM model is the largest; upstream allows 200 MiB). */
  fileBytes: 200 * 1024 * 1024,
  /** Files in one Live2D folder upload. */
  files: 2000,
  /** All files of one upload together. */
  totalBytes: 500 * 1024 * 1024,
} as const;

export const MIB = 1024 * 1024;
