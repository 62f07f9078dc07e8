import { Injectable } from '@nestjs/common';
import { constants, promises as fs } from 'node:fs';
import { wireFail, wireOk, type WireResult } from '../http/wire-outcome';
import { ACCESS_DENIED, STEAM_UNAVAILABLE } from './workshop.const';
import type { PublishBodyDto } from './workshop.dto';
import { WorkshopItemsService } from './workshop-items.service';

const fail = (status: number, error: string, message?: string): WireResult => wireFail(status, error, message !== undefined ? { message } : {});

/** The original decoded the paths it was sent once more (they come URL-encoded from some pages). */
function decodeOnce(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** Steam's published file id as a JSON number when it is exact, else as digits. */
const fileId = (digits: string): number | string => (Number.isSafeInteger(Number(digits)) ? Number(digits) : digits);

/**
 * POST /api/steam/workshop/publish without Steam: everything the original checks before uploading
 * is checked (fields, folder exists / is a folder / is not empty / is readable, preview image), an
 * item that already carries its `steam_workshop_id_<id>.txt` marker answers that id as the original
 * does without uploading again, and a real upload answers the Steam-unavailable 503.
 */
@Injectable()
export class WorkshopPublishService {
  constructor(private readonly items: WorkshopItemsService) {}

  async publish(body: PublishBodyDto): Promise<WireResult> {
    const visibility = typeof body.visibility === 'number' ? body.visibility : typeof body.visibility === 'string' && /^\s*\d+\s*$/.test(body.visibility) ? Number(body.visibility) : NaN;
    // int(visibility) in the original; values other than 0/1/2 meant public.
    if (!Number.isInteger(visibility)) return fail(400, `无效的可见性设置: ${String(body.visibility).slice(0, 50)}`);

    const shown = decodeOnce(body.content_folder);
    const folder = await this.items.resolve(shown);
    if (folder === undefined) return fail(403, ACCESS_DENIED);
    const stats = await fs.stat(folder).catch(() => undefined);
    if (!stats) return fail(404, '内容文件夹不存在', `指定的内容文件夹不存在: ${shown}`);
    if (!stats.isDirectory()) return fail(400, '不是有效的文件夹', `指定的路径不是有效的文件夹: ${shown}`);
    const readable = await fs.access(folder, constants.R_OK | constants.X_OK).then(
      () => true,
      () => false,
    );
    if (!readable) return fail(403, '没有文件夹访问权限', `没有读取内容文件夹的权限: ${shown}`);
    const entries = await fs.readdir(folder).catch(() => undefined);
    if (entries === undefined) return fail(403, '没有文件夹访问权限', `没有读取内容文件夹的权限: ${shown}`);
    if (entries.length === 0) return fail(400, '内容文件夹为空', `内容文件夹为空，请确保包含要上传的文件: ${shown}`);

    const preview = await this.preview(body.preview_image, folder);
    if (preview.kind !== 'ok') return preview.answer;

    const marker = await this.items.marker(folder);
    if (marker !== undefined) return wireOk({ success: true, published_file_id: fileId(marker), message: '发布成功' });
    // CreateItem / SubmitItemUpdate need Steamworks, which has no binding here.
    return { status: 503, body: { ...STEAM_UNAVAILABLE } };
  }

  /** The given preview (relative = inside the content folder), else one found in the folder; '' when none. */
  private async preview(raw: string | undefined, folder: string): Promise<{ kind: 'ok'; path: string } | { kind: 'bad'; answer: WireResult }> {
    if (raw) {
      const shown = decodeOnce(raw);
      const path = await (await this.items.guard()).resolve(shown, folder);
      if (path === undefined) return { kind: 'bad', answer: fail(403, ACCESS_DENIED) };
      const stats = await fs.stat(path).catch(() => undefined);
      if (stats) {
        if (!stats.isFile()) return { kind: 'bad', answer: fail(400, '预览图片无效', `预览图片路径不是有效的文件: ${shown}`) };
        return { kind: 'ok', path };
      }
    }
    return { kind: 'ok', path: (await this.items.findPreview(folder)) ?? '' };
  }
}
