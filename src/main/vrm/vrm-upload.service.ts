import type { MultipartFile } from '@fastify/multipart';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { randomBytes } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import { extname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { isAlive } from '../../shared/data/atomic-file';
import { errorText, wireFail as fail, wireOk, type WireResult } from '../http/wire-outcome';
import { VRM_MAX_FILE_BYTES, VRM_USER_PATH } from './vrm.const';
import { VrmFilesService } from './vrm-files.service';
import { drainRequest } from '../live2d/upload.errors';

interface UploadKind {
  readonly ext: '.vrm' | '.vrma';
  readonly label: string;
  readonly animation: boolean;
}

export const VRM_MODEL_UPLOAD: UploadKind = { ext: '.vrm', label: 'VRM模型', animation: false };
export const VRM_ANIMATION_UPLOAD: UploadKind = { ext: '.vrma', label: '动作文件', animation: true };

/** Longest file name in UTF-8 bytes: the hidden temp name adds up to 30 bytes, and disks allow 255. */
const MAX_NAME_BYTES = 200;
/** `.<file>.<pid>.<hex>.uploading`: a hidden upload in progress (never listed, never served). */
const TEMP_NAME = /^\..+\.(\d+)\.[0-9a-f]{8}\.uploading$/;

/** The file name of an upload without any folder part; undefined when it could not be a plain file name. */
function plainFileName(raw: string): string | undefined {
  const name = raw.replace(/\\/g, '/').split('/').pop() ?? '';
  // eslint-disable-next-line no-control-regex -- control characters are refused
  if (name === '' || name.startsWith('.') || Buffer.byteLength(name) > MAX_NAME_BYTES || /[\u0000-\u001f\u007f:]/.test(name)) return undefined;
  return name;
}

/**
 * POST /api/model/vrm/upload and /upload_animation (upstream): multipart `file`, streamed to a
 * hidden temp file in the target folder and published with an exclusive link, so an existing file
 * is never overwritten even by a racing upload. Larger than 200 MB → 413 (upstream answered 400).
 */
@Injectable()
export class VrmUploadService implements OnModuleInit {
  private readonly logger = new Logger('VrmUpload');

  constructor(private readonly files: VrmFilesService) {}

  /** Removes the temp files of uploads whose main process died mid-upload (up to 200 MB each). */
  async onModuleInit(): Promise<void> {
    for (const dir of [this.files.userDir, this.files.userAnimationDir]) {
      for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
        const m = TEMP_NAME.exec(name);
        if (m === null || Number(m[1]) === process.pid || isAlive(Number(m[1]))) continue;
        await fs.rm(join(dir, name), { force: true }).catch(() => undefined);
      }
    }
  }

  async upload(req: FastifyRequest, kind: UploadKind): Promise<WireResult> {
    if (!req.isMultipart()) return fail(400, '没有上传文件');
    let part: MultipartFile | undefined;
    try {
      part = await req.file({ limits: { fileSize: VRM_MAX_FILE_BYTES, files: 1 } });
    } catch (err) {
      return fail(400, errorText(err));
    }
    if (part === undefined) return fail(400, '没有上传文件');
    const result = await this.save(part, kind).catch((err: unknown) => fail(500, errorText(err)));
    if (result.status !== 200) {
      part.file.resume();
      await drainRequest(req);
    }
    return result;
  }

  private async save(part: MultipartFile, kind: UploadKind): Promise<WireResult> {
    const filename = plainFileName(part.filename ?? '');
    if (filename === undefined) return fail(400, `文件名无效或过长（最多${MAX_NAME_BYTES}字节，不能以.开头）`);
    if (!filename.toLowerCase().endsWith(kind.ext)) return fail(400, `文件必须是${kind.ext}格式`);
    const dir = kind.animation ? this.files.userAnimationDir : this.files.userDir;
    await fs.mkdir(dir, { recursive: true });
    const target = join(dir, filename);
    const exists = `${kind.label} ${filename} 已存在${kind.animation ? '' : '，请先删除或重命名现有模型'}`;
    if (await fs.lstat(target).then(() => true, () => false)) return fail(400, exists);
    const tmp = join(dir, `.${filename}.${process.pid}.${randomBytes(4).toString('hex')}.uploading`);
    try {
      await pipeline(part.file, createWriteStream(tmp, { flags: 'wx' }));
      if (part.file.truncated) return fail(413, `文件过大，最大允许 ${VRM_MAX_FILE_BYTES / 1024 / 1024}MB`);
      try {
        await fs.link(tmp, target);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') return fail(400, exists);
        throw err;
      }
      const { size } = await fs.stat(target);
      this.logger.log(`成功上传${kind.label}: ${filename} (${(size / 1024 / 1024).toFixed(2)}MB)`);
      const message = `${kind.label} ${filename} 上传成功`;
      if (kind.animation) return wireOk({ success: true, message, filename, file_path: `${VRM_USER_PATH}/animation/${filename}` });
      return wireOk({ success: true, message, model_name: filename.slice(0, -extname(filename).length), model_url: `${VRM_USER_PATH}/${filename}`, file_size: size });
    } finally {
      await fs.rm(tmp, { force: true }).catch(() => undefined);
    }
  }
}
