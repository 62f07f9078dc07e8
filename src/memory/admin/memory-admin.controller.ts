import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { wireError } from '../../shared/http/wire.exception';
import { LanlanNamePipe, validateLanlanName } from '../messages/lanlan-name.pipe';
import { MemoryCharactersDto, RecentFileContentDto, RemovedMemoryDto, RenameMemoryDto, WriteRecentFileDto } from './memory-admin.dto';
import { MemoryAdminService } from './memory-admin.service';

/**
 * Whole-memory administration for the main server (its memory router and characters router):
 * main never writes memory/ itself. Contract: GET /api/memory, GET|PUT /api/memory/{name}/recent/file,
 * POST /api/memory/{name}/rename, DELETE /api/memory/{name}.
 */
@ApiTags('memory admin')
@Controller('api/memory')
export class MemoryAdminController {
  constructor(private readonly admin: MemoryAdminService) {}

  @Get()
  @ApiOperation({ summary: 'Characters that have a recent memory file (main lists them as recent_files)' })
  @ApiOkResponse({ type: MemoryCharactersDto })
  async characters(): Promise<MemoryCharactersDto> {
    return { characters: await this.admin.characters() };
  }

  @Get(':name/recent/file')
  @ApiOperation({ summary: 'Raw text of recent_{name}.json (the memory browser parses it)' })
  @ApiParam({ name: 'name', description: 'Character name (lanlan_name)' })
  @ApiOkResponse({ type: RecentFileContentDto })
  @ApiResponse({ status: 404, description: '{"success": false, "error": "文件不存在"}' })
  async readRecentFile(@Param('name', LanlanNamePipe) name: string): Promise<RecentFileContentDto> {
    const content = await this.admin.readRecentFile(name);
    if (content === undefined) throw wireError(404, '文件不存在');
    return { content };
  }

  @Put(':name/recent/file')
  @ApiOperation({ summary: 'Replace recent_{name}.json with the given chat (LangChain shape; cancels a running review)' })
  @ApiParam({ name: 'name', description: 'Character name (lanlan_name)' })
  @ApiBody({ type: WriteRecentFileDto })
  async writeRecentFile(@Param('name', LanlanNamePipe) name: string, @Body() body: WriteRecentFileDto): Promise<{ success: true }> {
    await this.admin.writeRecentFile(name, body.chat);
    return { success: true };
  }

  @Post(':name/rename')
  @HttpCode(200)
  @ApiOperation({ summary: "Rename a character's memory in every layer (recent, settings, time index, vectors)" })
  @ApiParam({ name: 'name', description: 'Current character name' })
  @ApiBody({ type: RenameMemoryDto })
  @ApiResponse({ status: 404, description: '{"success": false, "error": "记忆文件不存在: recent_<old>.json"}' })
  @ApiResponse({ status: 409, description: 'The new name already has memory' })
  async rename(@Param('name', LanlanNamePipe) name: string, @Body() body: RenameMemoryDto): Promise<{ success: true }> {
    const newName = validateLanlanName(body.new_name);
    const outcome = await this.admin.rename(name, newName);
    if (outcome === 'missing') throw wireError(404, `记忆文件不存在: recent_${name}.json`);
    if (outcome === 'exists') throw wireError(409, `新名称已有记忆: ${newName}`);
    if (outcome === 'same') throw wireError(400, '新旧名称相同');
    return { success: true };
  }

  @Delete(':name')
  @HttpCode(200)
  @ApiOperation({ summary: "Remove every layer of a character's memory (idempotent)" })
  @ApiParam({ name: 'name', description: 'Character name' })
  @ApiOkResponse({ type: RemovedMemoryDto })
  async remove(@Param('name', LanlanNamePipe) name: string): Promise<RemovedMemoryDto> {
    return { success: true, removed: await this.admin.remove(name) };
  }
}
