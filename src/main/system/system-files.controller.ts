import { Controller, Get, HttpCode, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { createReadStream } from 'node:fs';
import { WireException, wireError } from '../../shared/http/wire.exception';
import { FileExistsQueryDto, FindFirstImageQueryDto, ProxyImageQueryDto } from './system.dto';
import { SystemFilesService } from './system-files.service';

const INVALID_FOLDER = '无效的文件夹路径';

/** The file helpers of the workshop manager (spec §3.10), confined to the allowed roots. */
@ApiTags('system')
@Controller('api')
export class SystemFilesController {
  constructor(private readonly files: SystemFilesService) {}

  @Get('file-exists')
  @ApiOperation({ summary: 'Whether a regular file exists at the path (inside the data, workshop and static folders)' })
  async fileExists(@Query() q: FileExistsQueryDto): Promise<{ exists: boolean }> {
    const result = await this.files.fileExists(q.path);
    // Outside the allowed roots simply "does not exist" (200), as upstream N.E.K.O. answers.
    if (result === 'bad') throw new WireException(400, { exists: false });
    return { exists: result };
  }

  @Get('find-first-image')
  @ApiOperation({ summary: 'First preview image (preview/thumbnail/icon/header .jpg/.png) under 1 MiB in a folder' })
  async findFirstImage(@Query() q: FindFirstImageQueryDto): Promise<{ success: boolean; imagePath?: string; error?: string }> {
    const result = await this.files.findFirstImage(q.folder);
    if (result.status !== 200) throw wireError(result.status, INVALID_FOLDER);
    if (result.imagePath === undefined) return { success: false, error: '未找到小于1MB的预览图片文件' };
    return { success: true, imagePath: result.imagePath };
  }

  @Get('steam/proxy-image')
  @HttpCode(200)
  @ApiOperation({ summary: 'A local image file (jpg, png, gif, bmp, webp; at most 50 MiB) with its MIME type' })
  async proxyImage(@Query() q: ProxyImageQueryDto, @Res() reply: FastifyReply): Promise<void> {
    const result = await this.files.proxyImage(q.image_path);
    switch (result.kind) {
      case 'remote':
        throw wireError(400, '暂不支持远程图片URL');
      case 'missing':
        throw wireError(404, `文件不存在或无访问权限: ${result.shown}`);
      case 'not_image':
        throw wireError(400, '不是有效的图片文件');
      case 'too_large':
        throw wireError(413, '图片文件过大');
      case 'ok':
        await reply.status(200).type(result.mime).header('content-length', String(result.size)).header('cache-control', 'no-cache').send(createReadStream(result.path));
    }
  }
}
