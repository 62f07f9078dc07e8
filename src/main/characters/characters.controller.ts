import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CharactersService } from '../../shared/config/characters.service';
import { wireBody } from '../http/wire-body.pipe';
import { CharacterProfilesService } from './character-profiles.service';
import { CharacterSettingsService } from './character-settings.service';
import { send as answer, sent } from '../http/wire-outcome';
import { CurrentCatgirlDto, CurrentModelQueryDto, MicrophoneDto, ProfileDto, RenameDto } from './characters.dto';
import { CurrentModelService } from './current-model.service';

/** The characters router /api/characters (spec §3.2): profiles, current character, microphone. */
@ApiTags('characters')
@Controller('api/characters')
export class CharactersController {
  constructor(
    private readonly characters: CharactersService,
    private readonly profiles: CharacterProfilesService,
    private readonly settings: CharacterSettingsService,
    private readonly models: CurrentModelService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'characters.json as stored (master, characters, current character, microphone)' })
  list(): Promise<unknown> {
    return this.characters.read();
  }

  @Get('current_live2d_model')
  @ApiOperation({ summary: "The Live2D model of a character (or of a workshop item), mao_pro as fallback" })
  async currentModel(@Query() q: CurrentModelQueryDto): Promise<unknown> {
    try {
      return { success: true, ...(await this.models.resolve(q.catgirl_name ?? '', q.item_id ?? '')) };
    } catch (err) {
      return { success: false, error: err instanceof Error ? err.message : String(err) };
    }
  }

  @Get('catgirl/:name/voice_mode_status')
  @ApiOperation({ summary: 'Whether the character is in a voice session (the UI asks before renaming)' })
  voiceModeStatus(@Param('name') name: string): Promise<unknown> {
    return this.settings.voiceModeStatus(name);
  }

  @Post('catgirl/:old_name/rename')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rename a character (its memory is renamed by the memory server)' })
  async rename(@Param('old_name') oldName: string, @Body(wireBody(RenameDto, { status: 400, empty: '新档案名不能为空' })) body: RenameDto) {
    return answer(await this.profiles.rename(oldName, body.new_name));
  }

  @Get('current_catgirl')
  @ApiOperation({ summary: 'Name of the current character' })
  async currentCatgirl() {
    return { current_catgirl: await this.settings.currentName() };
  }

  @Post('current_catgirl')
  @HttpCode(200)
  @ApiOperation({ summary: 'Switch the current character; open pages get catgirl_switched' })
  async setCurrentCatgirl(@Body(wireBody(CurrentCatgirlDto, { status: 400, empty: '猫娘名称不能为空' })) body: CurrentCatgirlDto) {
    return answer(await this.settings.setCurrent(body.catgirl_name));
  }

  @Post('reload')
  @HttpCode(200)
  @ApiOperation({ summary: 'Re-read characters.json into the session managers' })
  async reload() {
    return answer(await this.settings.reload());
  }

  @Post('master')
  @HttpCode(200)
  @ApiOperation({ summary: 'Replace the master profile (主人)' })
  @ApiBody({ type: ProfileDto })
  async setMaster(@Body(wireBody(ProfileDto, { status: 400, empty: '档案名为必填项' })) body: ProfileDto) {
    return answer(await this.profiles.setMaster(sent(body)));
  }

  @Post('master/:old_name/rename')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rename the master profile (the UI calls it; the original had no route)' })
  async renameMaster(@Param('old_name') oldName: string, @Body(wireBody(RenameDto, { status: 400, empty: '新档案名不能为空' })) body: RenameDto) {
    return answer(await this.profiles.renameMaster(oldName, body.new_name));
  }

  @Post('catgirl')
  @HttpCode(200)
  @ApiOperation({ summary: 'Create a character' })
  @ApiBody({ type: ProfileDto })
  async create(@Body(wireBody(ProfileDto, { status: 400, empty: '档案名为必填项' })) body: ProfileDto) {
    return answer(await this.profiles.create(sent(body)));
  }

  @Put('catgirl/:name')
  @ApiOperation({ summary: 'Update a character (fields not sent are removed, model settings kept)' })
  @ApiBody({ type: ProfileDto })
  async update(@Param('name') name: string, @Body(wireBody(ProfileDto, { status: 400, empty: '无数据' })) body: ProfileDto) {
    return answer(await this.profiles.update(name, sent(body)));
  }

  @Delete('catgirl/:name')
  @ApiOperation({ summary: 'Delete a character and (through the memory server) its memory' })
  async remove(@Param('name') name: string) {
    return answer(await this.profiles.remove(name));
  }

  @Post('set_microphone')
  @HttpCode(200)
  @ApiOperation({ summary: 'Remember the chosen microphone (当前麦克风)' })
  async setMicrophone(@Body(wireBody(MicrophoneDto)) body: MicrophoneDto) {
    return answer(await this.settings.setMicrophone(body.microphone_id));
  }

  @Get('get_microphone')
  @ApiOperation({ summary: 'The chosen microphone, or null' })
  getMicrophone() {
    return this.settings.microphone();
  }
}
