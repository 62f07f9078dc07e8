import { Body, Controller, Get, HttpCode, Param, Post, Put, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { wireBody } from '../http/wire-body.pipe';
import { CharacterSettingsService } from './character-settings.service';
import { send as answer, sent } from '../http/wire-outcome';
import { ModelChoiceDto, RegisterVoiceDto, VoiceCloneFormDto, VoiceIdDto } from './characters.dto';
import { readVoiceCloneForm } from './voice-clone.form';
import { VoiceCloneService } from './voice-clone.service';
import { VoiceStorageService } from './voice-storage.service';

/** The characters router's model and voice routes (spec §3.2): model choice, voice ids, voice library, cloning. */
@ApiTags('characters')
@Controller('api/characters')
export class CharacterVoiceController {
  constructor(
    private readonly settings: CharacterSettingsService,
    private readonly voices: VoiceStorageService,
    private readonly cloning: VoiceCloneService,
  ) {}

  @Put('catgirl/l2d/:name')
  @ApiOperation({ summary: "Set a character's model (Live2D name + workshop item id; upstream model_type/vrm)" })
  async setModel(@Param('name') name: string, @Body(wireBody(ModelChoiceDto, { empty: '未提供Live2D模型名称' })) body: ModelChoiceDto) {
    return answer(await this.settings.setModel(name, sent(body)));
  }

  @Put('catgirl/voice_id/:name')
  @ApiOperation({ summary: "Set a character's custom voice (must be in the current voice library)" })
  async setVoiceId(@Param('name') name: string, @Body(wireBody(VoiceIdDto, { status: 400, empty: '无数据' })) body: VoiceIdDto) {
    return answer(await this.settings.setVoiceId(name, sent(body)));
  }

  @Post('catgirl/:name/unregister_voice')
  @HttpCode(200)
  @ApiOperation({ summary: "Remove a character's custom voice" })
  async unregisterVoice(@Param('name') name: string) {
    return answer(await this.settings.unregisterVoice(name));
  }

  @Post('clear_voice_ids')
  @HttpCode(200)
  @ApiOperation({ summary: "Clear every character's voice id (after the API key changed)" })
  async clearVoiceIds() {
    return answer(await this.settings.clearVoiceIds());
  }

  @Get('voices')
  @ApiOperation({ summary: 'The voice library of the current audio API key' })
  async listVoices() {
    return { voices: await this.voices.currentVoices() };
  }

  @Post('voices')
  @HttpCode(200)
  @ApiOperation({ summary: 'Add a voice to the library of the current audio API key' })
  async registerVoice(@Body(wireBody(RegisterVoiceDto, { status: 400, empty: '缺少必要参数' })) body: RegisterVoiceDto) {
    return answer(await this.settings.registerVoice(body.voice_id, body.voice_data));
  }

  @Post('voice_clone')
  @HttpCode(200)
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: VoiceCloneFormDto })
  @ApiOperation({ summary: 'Clone a voice from a sample: upload host + DashScope enrollment, saved to the library' })
  async voiceClone(@Req() req: FastifyRequest) {
    const { sample, prefix } = await readVoiceCloneForm(req);
    return answer(await this.cloning.clone(sample, prefix));
  }
}
