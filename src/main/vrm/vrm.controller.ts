import { Body, Controller, HttpCode, Delete, Get, Param, Post, Req } from '@nestjs/common';
import { ApiBody, type ApiBodyOptions, ApiConsumes, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { errorText, send, wireFail } from '../http/wire-outcome';
import { wireBody } from '../http/wire-body.pipe';
import { COMMON_VRM_EXPRESSIONS, VRM_EXPRESSIONS_NOTE, VRM_STATIC_ANIMATION_PATH, VRM_STATIC_PATH, VRM_USER_PATH } from './vrm.const';
import { VrmDeleteDto, VrmEmotionMappingDto } from './vrm.dto';
import { VrmDeleteService } from './vrm-delete.service';
import { VrmEmotionService } from './vrm-emotion.service';
import { VrmFilesService } from './vrm-files.service';
import { VRM_ANIMATION_UPLOAD, VRM_MODEL_UPLOAD, VrmUploadService } from './vrm-upload.service';

const FILE_BODY: ApiBodyOptions = {
  schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } }, required: ['file'] },
};
const NAME = { name: 'model_name', description: 'VRM model name (file name without .vrm; letters of any script, digits, _ . -)', example: 'MyAvatar' };

/** The VRM router /api/model/vrm (upstream §3.4). */
@ApiTags('vrm')
@Controller('api/model/vrm')
export class VrmController {
  constructor(
    private readonly files: VrmFilesService,
    private readonly uploads: VrmUploadService,
    private readonly deletes: VrmDeleteService,
    private readonly emotions: VrmEmotionService,
  ) {}

  @Post('upload')
  @HttpCode(200)
  @ApiOperation({ summary: 'Uploads a .vrm model (≤ 200 MB) into <data>/vrm, never overwriting' })
  @ApiConsumes('multipart/form-data')
  @ApiBody(FILE_BODY)
  async upload(@Req() req: FastifyRequest): Promise<unknown> {
    return send(await this.uploads.upload(req, VRM_MODEL_UPLOAD));
  }

  @Post('upload_animation')
  @HttpCode(200)
  @ApiOperation({ summary: 'Uploads a .vrma animation (≤ 200 MB) into <data>/vrm/animation' })
  @ApiConsumes('multipart/form-data')
  @ApiBody(FILE_BODY)
  async uploadAnimation(@Req() req: FastifyRequest): Promise<unknown> {
    return send(await this.uploads.upload(req, VRM_ANIMATION_UPLOAD));
  }

  @Get('models')
  @ApiOperation({ summary: 'VRM models: project (public/vrm), user (<data>/vrm), workshop; one per URL' })
  async models(): Promise<unknown> {
    try {
      return { success: true, models: await this.files.models() };
    } catch (err) {
      return send(wireFail(500, errorText(err)));
    }
  }

  @Get('animations')
  @ApiOperation({ summary: 'VRM animations (.vrma, and .vrm) of public/vrm/animation and <data>/vrm/animation' })
  async animations(): Promise<unknown> {
    try {
      return { success: true, animations: await this.files.animations() };
    } catch (err) {
      return send(wireFail(500, errorText(err)));
    }
  }

  @Delete('model')
  @ApiOperation({ summary: 'Deletes a user VRM model by its URL (/user_vrm/<file>.vrm)' })
  @ApiBody({ type: VrmDeleteDto })
  async deleteByUrl(@Body(wireBody(VrmDeleteDto, { status: 400 })) body: VrmDeleteDto): Promise<unknown> {
    return send(await this.deletes.byUrl(body.url));
  }

  @Delete('model/:model_name')
  @ApiOperation({ summary: 'Deletes a user VRM model by name (and its emotion mapping unless a built-in shares the name)' })
  @ApiParam(NAME)
  async deleteByName(@Param('model_name') name: string): Promise<unknown> {
    return send(await this.deletes.byName(name));
  }

  @Get('config')
  @ApiOperation({ summary: 'URL prefixes of the VRM folders' })
  config(): unknown {
    return { success: true, paths: { user_vrm: VRM_USER_PATH, static_vrm: VRM_STATIC_PATH, static_animation: VRM_STATIC_ANIMATION_PATH } };
  }

  @Get('emotion_mapping/:model_name')
  @ApiOperation({ summary: "A VRM model's emotion → expression mapping (saved, built-in, or the default map)" })
  @ApiParam(NAME)
  async getEmotionMapping(@Param('model_name') name: string): Promise<unknown> {
    return send(await this.emotions.get(name));
  }

  @Post('emotion_mapping/:model_name')
  @HttpCode(200)
  @ApiOperation({ summary: "Saves a VRM model's emotion mapping into <data>/vrm/configs/<model>_emotion.json" })
  @ApiParam(NAME)
  @ApiBody({ schema: { type: 'object', additionalProperties: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] }, example: { happy: ['happy', 'joy'], sad: 'sorrow' } } })
  async saveEmotionMapping(
    @Param('model_name') name: string,
    @Body(wireBody(VrmEmotionMappingDto, { status: 400, empty: '无效的数据结构：必须是包含情感映射的非空对象' })) body: VrmEmotionMappingDto,
  ): Promise<unknown> {
    return send(await this.emotions.save(name, { ...body }));
  }

  @Get('expressions/:model_name')
  @ApiOperation({ summary: 'Common VRM expression names (the model’s own list is read by the browser)' })
  @ApiParam(NAME)
  expressions(@Param('model_name') _name: string): unknown {
    return { success: true, expressions: COMMON_VRM_EXPRESSIONS, note: VRM_EXPRESSIONS_NOTE };
  }
}
