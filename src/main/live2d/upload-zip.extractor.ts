import { promises as fs } from 'node:fs';
import { dirname, join } from 'node:path';
import { UPLOAD_LIMITS } from '../http/upload-limits.const';
import { TOO_LARGE_EXTRACTED, UploadRejected } from './upload.errors';
import { extractZipEntry, readZipEntries, type ZipLimits } from './upload-zip.reader';
import { isArchiveJunk, normaliseUploadPath } from './model-name.validator';

/** The bounds of one uploaded archive: the same as a folder upload's (UPLOAD_LIMITS). */
export const ZIP_LIMITS: ZipLimits = {
  maxEntries: UPLOAD_LIMITS.files,
  maxTotalBytes: UPLOAD_LIMITS.totalBytes,
  maxEntryBytes: UPLOAD_LIMITS.fileBytes,
};

/**
 * Extracts an uploaded .zip into a staging folder. The whole central directory is checked first
 * (entry count, declared sizes, symlinks, `..`/absolute names → 400 非法文件路径), then each entry
 * is inflated with its declared size as a hard cap, so a zip bomb stops at the limit.
 */
export class ZipExtractor {
  /** Entries of the central directory (files and folders), known once extractAll has read it. */
  entries = 0;

  constructor(
    private readonly archive: string,
    private readonly dest: string,
    private readonly limits: ZipLimits = ZIP_LIMITS,
  ) {}

  async extractAll(): Promise<number> {
    const fh = await fs.open(this.archive, 'r');
    try {
      const entries = await readZipEntries(fh, this.limits);
      this.entries = entries.length;
      const plan: Array<{ entry: (typeof entries)[number]; rel: string }> = [];
      for (const entry of entries) {
        // Unlike a browser's relative path, an absolute entry name is refused, not re-rooted.
        const absolute = /^[\\/]/.test(entry.name) || /^[A-Za-z]:/.test(entry.name);
        const rel = absolute ? undefined : normaliseUploadPath(entry.name);
        if (rel === undefined) {
          if (/^[\\/.]*$/.test(entry.name) && entry.isDirectory) continue; // "./" style root entries
          throw new UploadRejected(400, '非法文件路径');
        }
        if (!isArchiveJunk(rel)) plan.push({ entry, rel });
      }
      await fs.mkdir(this.dest, { recursive: true });
      let total = 0;
      for (const { entry, rel } of plan) {
        const target = join(this.dest, rel);
        try {
          await fs.mkdir(entry.isDirectory ? target : dirname(target), { recursive: true });
        } catch {
          throw new UploadRejected(400, '非法文件路径');
        }
        if (entry.isDirectory) continue;
        total += await extractZipEntry(fh, entry, target);
        if (total > this.limits.maxTotalBytes) throw new UploadRejected(413, TOO_LARGE_EXTRACTED);
      }
      return total;
    } finally {
      await fh.close();
    }
  }
}
