import { createWriteStream, promises as fs } from 'node:fs';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createInflateRaw } from 'node:zlib';
import { MIB } from '../http/upload-limits.const';
import { TOO_LARGE_EXTRACTED, TOO_MANY_ZIP_ENTRIES, UploadRejected } from './upload.errors';

export interface ZipLimits {
  readonly maxEntries: number;
  /** All entries together, uncompressed (what a zip bomb inflates to). */
  readonly maxTotalBytes: number;
  readonly maxEntryBytes: number;
}

export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly flags: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localHeaderOffset: number;
  readonly isDirectory: boolean;
  readonly isSymlink: boolean;
}

const EOCD_SIG = 0x06054b50;
const CDH_SIG = 0x02014b50;
const LFH_SIG = 0x04034b50;
const CORRUPT = 'ZIP文件无效或已损坏';

function decodeName(bytes: Buffer, utf8Flag: boolean): string {
  if (utf8Flag) return bytes.toString('utf8');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    try {
      return new TextDecoder('gbk').decode(bytes); // Chinese Windows archivers write GBK names without the UTF-8 flag
    } catch {
      return bytes.toString('latin1');
    }
  }
}

async function readAt(fh: fs.FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buf, 0, length, position);
  if (bytesRead !== length) throw new UploadRejected(400, CORRUPT);
  return buf;
}

/**
 * Reads the central directory (the authoritative list: it alone carries the Unix mode that marks
 * symlinks). Refuses ZIP64, encrypted entries, unknown compression, symlinks, too many entries
 * and declared sizes above the limits — before anything is extracted.
 */
export async function readZipEntries(fh: fs.FileHandle, limits: ZipLimits): Promise<ZipEntry[]> {
  const { size: fileSize } = await fh.stat();
  if (fileSize < 22) throw new UploadRejected(400, CORRUPT);
  const tailLen = Math.min(fileSize, 22 + 0xffff);
  const tail = await readAt(fh, fileSize - tailLen, tailLen);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i -= 1) if (tail.readUInt32LE(i) === EOCD_SIG) { eocd = i; break; }
  if (eocd < 0) throw new UploadRejected(400, CORRUPT);
  const count = tail.readUInt16LE(eocd + 10);
  const cdSize = tail.readUInt32LE(eocd + 12);
  const cdOffset = tail.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff || cdSize === 0xffffffff) throw new UploadRejected(400, '不支持ZIP64格式的压缩包');
  if (count > limits.maxEntries) throw new UploadRejected(413, TOO_MANY_ZIP_ENTRIES);
  if (cdOffset + cdSize > fileSize) throw new UploadRejected(400, CORRUPT);
  const cd = await readAt(fh, cdOffset, cdSize);
  const entries: ZipEntry[] = [];
  let total = 0;
  for (let p = 0, i = 0; i < count; i += 1) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== CDH_SIG) throw new UploadRejected(400, CORRUPT);
    const madeBy = cd.readUInt16LE(p + 4);
    const flags = cd.readUInt16LE(p + 8);
    const method = cd.readUInt16LE(p + 10);
    const compressedSize = cd.readUInt32LE(p + 20);
    const size = cd.readUInt32LE(p + 24);
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    const externalAttrs = cd.readUInt32LE(p + 38);
    const localHeaderOffset = cd.readUInt32LE(p + 42);
    if (p + 46 + nameLen > cd.length) throw new UploadRejected(400, CORRUPT);
    const name = decodeName(cd.subarray(p + 46, p + 46 + nameLen), (flags & 0x800) !== 0);
    p += 46 + nameLen + extraLen + commentLen;
    const unixMode = madeBy >> 8 === 3 ? externalAttrs >>> 16 : 0;
    const isSymlink = (unixMode & 0o170000) === 0o120000;
    if (isSymlink) throw new UploadRejected(400, `压缩包中不允许包含符号链接: ${name}`);
    if (compressedSize === 0xffffffff || size === 0xffffffff || localHeaderOffset === 0xffffffff) throw new UploadRejected(400, '不支持ZIP64格式的压缩包');
    const isDirectory = name.endsWith('/') || name.endsWith('\\');
    if (!isDirectory) {
      if ((flags & 0x1) !== 0) throw new UploadRejected(400, `压缩包中的文件已加密: ${name}`);
      if (method !== 0 && method !== 8) throw new UploadRejected(400, `不支持的压缩方式: ${name}`);
      if (size > limits.maxEntryBytes) throw new UploadRejected(413, `文件过大，单个文件最大允许 ${limits.maxEntryBytes / MIB}MB: ${name}`);
      total += size;
      if (total > limits.maxTotalBytes) throw new UploadRejected(413, TOO_LARGE_EXTRACTED);
    }
    entries.push({ name, method, flags, compressedSize, size, localHeaderOffset, isDirectory, isSymlink });
  }
  return entries;
}

/** Counts inflated bytes and stops the stream as soon as an entry outgrows its declared size. */
class SizeGuard extends Transform {
  seen = 0;
  constructor(private readonly max: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.max) cb(new UploadRejected(400, CORRUPT));
    else cb(null, chunk);
  }
}

/**
 * Extracts one entry to `target` (exclusive create), never writing more than its declared size:
 * an entry that inflates beyond what the directory announced is a bomb or a broken archive.
 */
export async function extractZipEntry(fh: fs.FileHandle, entry: ZipEntry, target: string): Promise<number> {
  const header = await readAt(fh, entry.localHeaderOffset, 30);
  if (header.readUInt32LE(0) !== LFH_SIG) throw new UploadRejected(400, CORRUPT);
  const start = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  const guard = new SizeGuard(entry.size);
  const out = createWriteStream(target, { flags: 'wx' });
  try {
    // An empty entry still goes through the pipeline: a failed create (a duplicate entry name, a
    // folder in the way) is the archive's fault (400), and a non-empty declared size is a lie.
    if (entry.compressedSize === 0) await pipeline(Readable.from([]), guard, out);
    else {
      const source = fh.createReadStream({ start, end: start + entry.compressedSize - 1, autoClose: false });
      if (entry.method === 8) await pipeline(source, createInflateRaw(), guard, out);
      else await pipeline(source, guard, out);
    }
  } catch (err) {
    if (err instanceof UploadRejected) throw err;
    throw new UploadRejected(400, CORRUPT);
  }
  if (guard.seen !== entry.size) throw new UploadRejected(400, CORRUPT);
  return guard.seen;
}
