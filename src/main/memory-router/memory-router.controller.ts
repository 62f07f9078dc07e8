import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { wireBody } from '../http/wire-body.pipe';
import {
  RecentFileContentDto,
  RecentFileQueryDto,
  RecentFilesDto,
  ReviewConfigAnswerDto,
  ReviewConfigDto,
  SaveRecentFileDto,
  SuccessDto,
  UpdateCatgirlNameDto,
} from './memory-router.dto';
import { MemoryRouterService } from './memory-router.service';
import { send } from './peer-answer.util';

/** N.E.K.O.'s memory router (spec §3.6): the memory browser's and chara_manager's calls. */
@ApiTags('memory')
@Controller('api/memory')
export class MemoryRouterController {
  constructor(private readonly memory: MemoryRouterService) {}

  @Get('recent_files')
  @ApiOperation({ summary: 'Names of the recent memory files (recent_<character>.json)' })
  @ApiOkResponse({ type: RecentFilesDto })
  @ApiResponse({ status: 503, description: '{"success": false, "error": "记忆服务器未连接 (…)"}' })
  async recentFiles(): Promise<unknown> {
    return send(await this.memory.recentFiles());
  }

  @Get('recent_file')
  @ApiOperation({ summary: 'Raw text of one recent memory file' })
  @ApiOkResponse({ type: RecentFileContentDto })
  @ApiResponse({ status: 400, description: '{"success": false, "error": "文件名不能包含路径分隔符或目录遍历字符" | "文件名不合法"}' })
  @ApiResponse({ status: 404, description: '{"success": false, "error": "文件不存在"}' })
  async recentFile(@Query() q: RecentFileQueryDto): Promise<unknown> {
    return send(await this.memory.recentFile(q.filename));
  }

  @Post('recent_file/save')
  @HttpCode(200)
  @ApiOperation({ summary: 'Save an edited recent memory (written by the memory server in LangChain shape)' })
  @ApiBody({ type: SaveRecentFileDto })
  @ApiOkResponse({ type: SuccessDto })
  @ApiResponse({ status: 400, description: '{"success": false, "error": <reason>}' })
  async save(@Body(wireBody(SaveRecentFileDto, { status: 400 })) body: SaveRecentFileDto): Promise<unknown> {
    return send(await this.memory.saveRecentFile(body));
  }

  @Post('update_catgirl_name')
  @HttpCode(200)
  @ApiOperation({ summary: "Move a character's memory to its new name (every layer; names inside the recent file rewritten)" })
  @ApiBody({ type: UpdateCatgirlNameDto })
  @ApiOkResponse({ type: SuccessDto })
  @ApiResponse({ status: 400, description: '"缺少必要参数" / "旧名称无效: …" / "新名称无效: …"' })
  @ApiResponse({ status: 404, description: '"记忆文件不存在: recent_<old>.json"' })
  async updateCatgirlName(@Body(wireBody(UpdateCatgirlNameDto, { status: 400, empty: '缺少必要参数' })) body: UpdateCatgirlNameDto): Promise<unknown> {
    return send(await this.memory.updateCatgirlName(body));
  }

  @Get('review_config')
  @ApiOperation({ summary: 'Whether the automatic memory review is on (core_config.json recent_memory_auto_review)' })
  @ApiOkResponse({ type: ReviewConfigAnswerDto })
  async reviewConfig(): Promise<unknown> {
    return send(await this.memory.reviewConfig());
  }

  @Post('review_config')
  @HttpCode(200)
  @ApiOperation({ summary: 'Turn the automatic memory review on or off' })
  @ApiBody({ type: ReviewConfigDto })
  @ApiOkResponse({ type: ReviewConfigAnswerDto })
  async setReviewConfig(@Body(wireBody(ReviewConfigDto)) body: ReviewConfigDto): Promise<unknown> {
    return send(await this.memory.setReviewConfig(body.enabled ?? true));
  }
}
