import { Injectable, Logger } from '@nestjs/common';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { errorText, wireFail as fail, wireOk, type WireResult } from '../http/wire-outcome';
import { PathGuard } from '../files/path-guard';
import { pyRepr, VRM_USER_PATH } from './vrm.const';
import { VrmEmotionService } from './vrm-emotion.service';
import { VrmFilesService } from './vrm-files.service';

/** DELETE /api/model/vrm/model (by URL) and /model/{name} (upstream): only top-level user .vrm files. */
@Injectable()
export class VrmDeleteService {
  private readonly logger = new Logger('VrmDelete');

  constructor(
    private readonly files: VrmFilesService,
    private readonly emotions: VrmEmotionService,
  ) {}

  /**
   * The user's top-level `<file>` when it is (or links to) a regular file inside <data>/vrm. The
   * entry itself is answered, not a link's target: deleting an alias must not delete its target.
   */
  private async userFile(file: string): Promise<string | undefined> {
    const entry = join(this.files.userDir, file);
    return (await new PathGuard([this.files.userDir]).file(entry)) === undefined ? undefined : entry;
  }

  async byUrl(url: string): Promise<WireResult> {
    if (!url.startsWith(`${VRM_USER_PATH}/`)) return fail(400, '只能删除用户导入的 VRM 模型');
    const rel = url.slice(VRM_USER_PATH.length + 1);
    if (rel === '' || rel.includes('..') || rel.startsWith('/') || rel.includes('\0')) return fail(400, '无效的模型路径');
    if (rel.includes('/') || rel.includes('\\') || !rel.toLowerCase().endsWith('.vrm') || rel.startsWith('.')) return fail(400, '无效的模型路径');
    const target = await this.userFile(rel);
    if (target === undefined) return fail(404, '模型文件不存在');
    try {
      await fs.unlink(target);
      this.logger.log(`已删除 VRM 模型: ${rel}`);
      return wireOk({ success: true, message: `VRM 模型 ${rel.slice(0, -4)} 已删除` });
    } catch (err) {
      return fail(500, errorText(err));
    }
  }

  async byName(name: string): Promise<WireResult> {
    if (name === '' || name.includes('/') || name.includes('\\') || name.includes('..') || name.includes('\0') || name.startsWith('.')) {
      return fail(400, `无效的模型名称: ${pyRepr(name)}`);
    }
    const target = await this.userFile(`${name}.vrm`);
    if (target === undefined) return fail(404, `未在用户目录中找到模型 ${name}，可能是内置模型，无法删除`);
    try {
      await fs.unlink(target);
      await this.emotions.forget(name);
      this.logger.log(`已删除VRM模型: ${name}`);
      return wireOk({ success: true, message: `模型 ${name} 已成功删除` });
    } catch (err) {
      return fail(500, errorText(err));
    }
  }
}
