import type { FastifyRequest } from 'fastify';
import { MIB, UPLOAD_LIMITS } from '../http/upload-limits.const';

/** A refused upload: `status` and the message sent as `{"success": false, "error"}`. */
export class UploadRejected extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'UploadRejected';
  }
}

export const TOO_LARGE_FILE = `文件过大，单个文件最大允许 ${UPLOAD_LIMITS.fileBytes / MIB}MB`;
export const TOO_MANY_FILES = `上传的文件数量超过限制 (最多 ${UPLOAD_LIMITS.files} 个)`;
/** Archives are bounded by what one upload may hold (all archives of an upload together). */
export const TOO_MANY_ZIP_ENTRIES = `压缩包中的文件数量超过限制 (最多 ${UPLOAD_LIMITS.files} 个)`;
export const TOO_LARGE_EXTRACTED = `解压后的文件总大小超过限制 (最大 ${UPLOAD_LIMITS.totalBytes / MIB}MB)`;

/** Maps @fastify/multipart's own limit and parse errors to our 413 / 400 answers; undefined for anything else. */
export function multipartError(err: unknown): UploadRejected | undefined {
  const code = (err as { code?: unknown }).code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') return new UploadRejected(413, TOO_LARGE_FILE);
  if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') return new UploadRejected(413, TOO_MANY_FILES);
  if (typeof code === 'string' && code.startsWith('FST_')) return new UploadRejected(400, err instanceof Error ? err.message : String(err));
  return undefined;
}
/**
 * Reads and discards what is left of a refused upload, so the client (still sending) receives our
 * answer instead of a reset connection. Bounded in time: a stalled client does not hold us.
 */
export async function drainRequest(req: FastifyRequest, timeoutMs = 30_000): Promise<void> {
  const raw = req.raw;
  if (raw.readableEnded || raw.destroyed) return;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    raw.once('end', done).once('close', done).once('error', done);
    raw.unpipe();
    raw.resume();
  });
}
