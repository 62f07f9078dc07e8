import { Body, Controller, Get, HttpCode, Logger, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { promises as fs } from 'node:fs';
import { WireException, wireError } from '../../shared/http/wire.exception';
import { send } from '../http/wire-outcome';
import { wireBody } from '../http/wire-body.pipe';
import { ACCESS_DENIED, STEAM_UNAVAILABLE } from './workshop.const';
import { LocalItemQueryDto, PublishBodyDto, ScanBodyDto, UnsubscribeBodyDto, UploadStatusQueryDto, WorkshopConfigBodyDto } from './workshop.dto';
import { WorkshopConfigService, type WorkshopConfig } from './workshop-config.service';
import { WorkshopItemsService, type LocalItem } from './workshop-items.service';
import { WorkshopPublishService } from './workshop-publish.service';

const steamUnavailable = (): WireException => new WireException(503, { ...STEAM_UNAVAILABLE });
const badItemId = (): WireException => wireError(400, '无效的物品ID', { message: '提供的物品ID不是有效的数字' });
const ITEM_ID = /^\d{1,20}$/;

/**
 * The workshop router (spec §3.5). Steam does not exist here: the Steam-only endpoints check their
 * input, then answer the original's 503 "Steamworks未初始化" (the UI shows its Steam hint); the local
 * endpoints (config, local items, upload status, publish checks) work for real.
 */
@ApiTags('workshop')
@Controller('api/steam/workshop')
export class WorkshopController {
  private readonly logger = new Logger(WorkshopController.name);

  constructor(
    private readonly config: WorkshopConfigService,
    private readonly items: WorkshopItemsService,
    private readonly publisher: WorkshopPublishService,
  ) {}

  @Get('subscribed-items')
  @ApiOperation({ summary: 'Subscribed Steam workshop items (Steam unavailable: 503)' })
  subscribedItems(): never {
    throw steamUnavailable();
  }

  @Get('item/:item_id/path')
  @ApiParam({ name: 'item_id', description: 'Published file id' })
  @ApiOperation({ summary: 'Install folder of a subscribed item (Steam unavailable: 503)' })
  itemPath(@Param('item_id') itemId: string): never {
    if (!ITEM_ID.test(itemId)) throw badItemId();
    throw steamUnavailable();
  }

  @Get('item/:item_id')
  @ApiParam({ name: 'item_id', description: 'Published file id' })
  @ApiOperation({ summary: 'Details of a workshop item (Steam unavailable: 503)' })
  item(@Param('item_id') itemId: string): never {
    if (!ITEM_ID.test(itemId)) throw badItemId();
    throw steamUnavailable();
  }

  @Post('unsubscribe')
  @ApiOperation({ summary: 'Unsubscribe from an item (Steam unavailable: 503)' })
  unsubscribe(@Body(wireBody(UnsubscribeBodyDto, { status: 400 })) body: UnsubscribeBodyDto): never {
    const id = body.item_id;
    if (id === undefined || id === null || id === '' || id === 0 || id === false) throw wireError(400, '缺少必要参数', { message: '请求中缺少物品ID' });
    if (!((typeof id === 'number' && Number.isSafeInteger(id)) || (typeof id === 'string' && /^\s*-?\d{1,20}\s*$/.test(id)))) throw badItemId();
    throw steamUnavailable();
  }

  @Get('config')
  @ApiOperation({ summary: 'workshop_config.json (defaults when missing)' })
  async getConfig(): Promise<{ success: boolean; config?: WorkshopConfig; error?: string }> {
    try {
      return { success: true, config: await this.config.read() };
    } catch (err) {
      return { success: false, error: err instanceof Error ? err.message : String(err) };
    }
  }

  @Post('config')
  @HttpCode(200)
  @ApiOperation({ summary: 'Merge default_workshop_folder / auto_create_folder / user_mod_folder into workshop_config.json; creates the folder' })
  async saveConfig(@Body(wireBody(WorkshopConfigBodyDto)) body: WorkshopConfigBodyDto): Promise<{ success: boolean; config?: WorkshopConfig; error?: string }> {
    for (const folder of [body.default_workshop_folder, body.user_mod_folder]) {
      if (folder && !(await this.items.acceptableFolderSetting(folder))) return { success: false, error: `不能使用该文件夹作为创意工坊文件夹: ${folder}` };
    }
    try {
      const merged = await this.config.mergeFields({ default_workshop_folder: body.default_workshop_folder, auto_create_folder: body.auto_create_folder, user_mod_folder: body.user_mod_folder });
      const folder = merged.auto_create_folder !== false ? this.config.folderToCreate(merged) : undefined;
      if (folder !== undefined) await fs.mkdir(folder, { recursive: true });
      return { success: true, config: merged };
    } catch (err) {
      this.logger.warn(`saving workshop config failed: ${err instanceof Error ? err.message : String(err)}`);
      return { success: false, error: err instanceof Error ? err.message : String(err) };
    }
  }

  @Post('local-items/scan')
  @HttpCode(200)
  @ApiOperation({ summary: 'Item folders (immediate sub-folders) of the workshop folder or of folder_path' })
  async scan(@Body(wireBody(ScanBodyDto, { status: 400 })) body: ScanBodyDto): Promise<Record<string, unknown>> {
    const r = await this.items.scan(body.folder_path);
    const extra = { default_path_used: r.defaultUsed };
    switch (r.kind) {
      case 'denied':
        throw wireError(403, ACCESS_DENIED, extra);
      case 'missing':
        throw wireError(404, `指定的文件夹不存在: ${r.path}`, extra);
      case 'not_dir':
        throw wireError(400, `指定的路径不是文件夹: ${r.path}`, extra);
      case 'ok':
        return { success: true, local_items: r.items, published_items: [], folder_path: r.path, default_path_used: r.defaultUsed };
    }
  }

  @Get('local-items/:item_id')
  @ApiParam({ name: 'item_id', description: 'local_<n>' })
  @ApiOperation({ summary: 'One local item (its folder given as folder_path)' })
  async localItem(@Param('item_id') itemId: string, @Query() q: LocalItemQueryDto): Promise<{ success: true; item: LocalItem }> {
    const r = await this.items.localItem(itemId, q.folder_path);
    switch (r.kind) {
      case 'no_folder':
        throw wireError(400, '未提供文件夹路径');
      case 'denied':
        throw wireError(403, ACCESS_DENIED);
      case 'bad_id':
        throw wireError(400, '无效的物品ID格式');
      case 'missing':
        throw wireError(404, '物品不存在');
      case 'ok':
        return { success: true, item: r.item };
    }
  }

  @Get('check-upload-status')
  @ApiOperation({ summary: 'Whether an item folder was published (steam_workshop_id_<id>.txt marker)' })
  async uploadStatus(@Query() q: UploadStatusQueryDto): Promise<{ success: true; is_published: boolean; published_file_id: string | null }> {
    const r = await this.items.uploadStatus(q.item_path);
    switch (r.kind) {
      case 'no_path':
        throw wireError(400, '未提供物品文件夹路径');
      case 'denied':
        throw wireError(403, ACCESS_DENIED);
      case 'not_dir':
        throw wireError(400, '无效的物品文件夹路径');
      case 'ok':
        return { success: true, is_published: r.publishedFileId !== null, published_file_id: r.publishedFileId };
    }
  }

  @Post('publish')
  @HttpCode(200)
  @ApiOperation({ summary: 'Publish a folder to the workshop (checks only; already published → its id; else Steam unavailable 503)' })
  async publish(@Body(wireBody(PublishBodyDto, { status: 400 })) body: PublishBodyDto): Promise<unknown> {
    return send(await this.publisher.publish(body));
  }
}
