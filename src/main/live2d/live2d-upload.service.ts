import type { MultipartFile } from '@fastify/multipart';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { createWriteStream, promises as fs } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DATA_FOLDER } from '../../shared/config/config.tokens';
import type { DataFolder } from '../../shared/data/data-folder';
import { isAlive } from '../../shared/data/atomic-file';
import { ModelLocatorService } from './model-locator.service';
import { AllowedRootsService } from '../files/allowed-roots.service';
import { MIB, UPLOAD_LIMITS } from '../http/upload-limits.const';
import { clearModelLipSync } from './lip-sync.cleaner';
import { errorText, type WireResult } from '../http/wire-outcome';
import { listFilesRecursive } from './model-tree.walker';
import { ZIP_LIMITS, ZipExtractor } from './upload-zip.extractor';
import { isArchiveJunk, isValidModelName, normaliseUploadPath } from './model-name.validator';
import { drainRequest, multipartError, TOO_LARGE_FILE, TOO_MANY_FILES, UploadRejected } from './upload.errors';

/** Walk bounds of a staged upload: as many entries as an upload may hold, any sensible depth. */
const STAGED_WALK = { maxDepth: 32, maxEntries: UPLOAD_LIMITS.files * 4 };
const BAD_PATH_CODES: ReadonlySet<string> = new Set(['EISDIR', 'ENOTDIR', 'EEXIST', 'ENAMETOOLONG']);
const TOO_LARGE_TOTAL = `上传的文件总大小超过限制 (最大 ${UPLOAD_LIMITS.totalBytes / MIB}MB)`;

/** Counts the bytes of the whole upload and fails as soon as they exceed the total limit. */
class Budget extends Transform {
  constructor(private readonly state: { used: number }) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.state.used += chunk.length;
    if (this.state.used > UPLOAD_LIMITS.totalBytes) cb(new UploadRejected(413, TOO_LARGE_TOTAL));
    else cb(null, chunk);
  }
}

/**
 * POST /api/live2d/upload_model (spec §3.3): a model folder sent as repeated `files` parts (file
 * name = webkitRelativePath) or as one .zip. Everything is staged in a temp folder inside the data
 * folder, validated (exactly one model3.json), moved to <data>/live2d/<name> (never over an
 * existing model) and the motions' lip-sync curves are cleared.
 */
@Injectable()
export class Live2dUploadService implements OnModuleInit {
  private readonly logger = new Logger('Live2dUpload');

  constructor(
    @Inject(DATA_FOLDER) private readonly folder: DataFolder,
    private readonly roots: AllowedRootsService,
    private readonly locator: ModelLocatorService,
  ) {}

  /** Removes staging folders left by a main process that died mid-upload. */
  async onModuleInit(): Promise<void> {
    const names = await fs.readdir(this.folder.root).catch(() => [] as string[]);
    for (const name of names) {
      const m = /^\.live2d-upload-(\d+)-[0-9a-f]+$/.exec(name);
      if (m === null || Number(m[1]) === process.pid || isAlive(Number(m[1]))) continue;
      await fs.rm(join(this.folder.root, name), { recursive: true, force: true }).catch(() => undefined);
    }
  }

  async upload(req: FastifyRequest): Promise<WireResult> {
    if (!req.isMultipart()) return { status: 400, body: { success: false, error: '没有上传文件' } };
    const staging = join(this.folder.root, `.live2d-upload-${process.pid}-${randomBytes(6).toString('hex')}`);
    await fs.mkdir(join(staging, 'tree'), { recursive: true });
    try {
      const result = await this.stageAndInstall(req, staging);
      this.locator.invalidate();
      return { status: 200, body: result };
    } catch (err) {
      const rejected = err instanceof UploadRejected ? err : multipartError(err);
      if (rejected !== undefined) {
        await drainRequest(req);
        return { status: rejected.status, body: { success: false, error: rejected.message } };
      }
      this.logger.error(`上传Live2D模型失败: ${errorText(err)}`);
      await drainRequest(req);
      return { status: 500, body: { success: false, error: errorText(err) } };
    } finally {
      await fs.rm(staging, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  private async stageAndInstall(req: FastifyRequest, staging: string): Promise<Record<string, unknown>> {
    const tree = join(staging, 'tree');
    const zips: Array<{ path: string; stem: string }> = [];
    const budget = { used: 0 };
    let files = 0;
    for await (const part of req.parts({ preservePath: true })) {
      if (part.type !== 'file') continue;
      if (part.fieldname !== 'files' && part.fieldname !== 'file') {
        part.file.resume();
        continue;
      }
      files += 1;
      if (files > UPLOAD_LIMITS.files) throw new UploadRejected(413, TOO_MANY_FILES);
      const rel = normaliseUploadPath(part.filename);
      if (rel === undefined) throw new UploadRejected(400, '非法文件路径');
      if (rel.toLowerCase().endsWith('.zip')) {
        const path = join(staging, `archive-${zips.length}.zip`);
        await this.save(part, path, budget);
        zips.push({ path, stem: basename(rel).slice(0, -4) });
        continue;
      }
      if (isArchiveJunk(rel)) {
        part.file.resume();
        continue;
      }
      const target = join(tree, rel);
      try {
        await fs.mkdir(dirname(target), { recursive: true });
      } catch {
        throw new UploadRejected(400, '非法文件路径');
      }
      await this.save(part, target, budget);
    }
    if (files === 0) throw new UploadRejected(400, '没有上传文件');
    // Archives share the bounds of one upload: everything extracted, all archives together, stays
    // within totalBytes, and their entries plus the folder files within the file count.
    let extracted = 0;
    let entries = files - zips.length;
    for (const zip of zips) {
      const stem = isValidModelName(zip.stem) ? zip.stem : 'model';
      const limits = { ...ZIP_LIMITS, maxTotalBytes: Math.max(0, ZIP_LIMITS.maxTotalBytes - extracted), maxEntries: Math.max(0, ZIP_LIMITS.maxEntries - entries) };
      const extractor = new ZipExtractor(zip.path, join(tree, stem), limits);
      extracted += await extractor.extractAll();
      entries += extractor.entries;
      await fs.rm(zip.path, { force: true });
    }
    return this.install(tree, zips.length > 0);
  }

  /** Streams one part to disk, counted against the total; 413 when the file itself was too large. */
  private async save(part: MultipartFile, path: string, budget: { used: number }): Promise<void> {
    try {
      await pipeline(part.file, new Budget(budget), createWriteStream(path));
    } catch (err) {
      // A part sent where an earlier one made a folder (`A/x/y` then `A/x`), or a name longer than
      // the disk allows, is a bad path of the request, not a server error.
      if (BAD_PATH_CODES.has((err as NodeJS.ErrnoException).code ?? '')) throw new UploadRejected(400, '非法文件路径');
      throw err;
    }
    if (part.file.truncated) throw new UploadRejected(413, TOO_LARGE_FILE);
  }

  private async install(tree: string, fromZip: boolean): Promise<Record<string, unknown>> {
    const found = (await listFilesRecursive(tree, ['.model3.json'], STAGED_WALK)).filter((f) => !isArchiveJunk(f));
    if (found.length === 0) throw new UploadRejected(400, '未找到.model3.json文件');
    if (found.length > 1) throw new UploadRejected(400, '上传的文件中包含多个.model3.json文件');
    const model3Rel = found[0];
    const root = dirname(join(tree, model3Rel));
    // A folder upload always has a top folder; a file sent alone is named after its model3.json.
    const name = root === tree ? basename(model3Rel).replace(/\.model3\.json$/, '') : basename(root);
    if (!isValidModelName(name)) throw new UploadRejected(400, '非法文件路径');
    const live2dDir = this.folder.live2dDir;
    await fs.mkdir(live2dDir, { recursive: true });
    const target = await (await this.roots.guard()).resolve(join(live2dDir, name));
    if (target === undefined) throw new UploadRejected(400, '非法文件路径');
    const exists = `模型 ${name} 已存在，请先删除或重命名现有模型`;
    try {
      await fs.mkdir(target); // exclusive: a model that exists is never overwritten, even by a racing upload
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new UploadRejected(400, exists);
      throw err;
    }
    try {
      for (const entry of await fs.readdir(root)) await move(join(root, entry), join(target, entry));
    } catch (err) {
      await fs.rm(target, { recursive: true, force: true }).catch(() => undefined);
      throw err;
    }
    await clearModelLipSync(target, join(target, basename(model3Rel))).catch((err: unknown) => {
      this.logger.warn(`处理 motion 文件时发生错误: ${errorText(err)}`);
    });
    this.logger.log(`成功上传Live2D模型: ${name}${fromZip ? ' (zip)' : ''} -> ${target}`);
    return { success: true, message: `模型 ${name} 上传成功`, model_name: name, model_path: target };
  }
}

/** rename, or copy + remove when the data folder spans devices. */
async function move(from: string, to: string): Promise<void> {
  try {
    await fs.rename(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    await fs.cp(from, to, { recursive: true, errorOnExist: true, force: false });
    await fs.rm(from, { recursive: true, force: true });
  }
}
