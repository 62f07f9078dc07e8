import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, UnprocessableEntityException } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { wireBody } from '../http/wire-body.pipe';
import { EmotionMappingDto, ModelConfigUpdateDto, SaveParametersDto } from './live2d.dto';
import { Live2dModelService } from './live2d-model.service';
import { send } from '../http/wire-outcome';
import { Live2dParametersService } from './live2d-parameters.service';
import { Live2dUploadService } from './live2d-upload.service';
import { ModelLocatorService } from './model-locator.service';


/** FastAPI's bool query parsing; anything else is a 422 like FastAPI's. */
function parseBool(raw: string | undefined, name: string): boolean {
  if (raw === undefined) return false;
  const v = raw.toLowerCase();
  if (['true', '1', 'yes', 'on', 't', 'y'].includes(v)) return true;
  if (['false', '0', 'no', 'off', 'f', 'n'].includes(v)) return false;
  throw new UnprocessableEntityException({ detail: [{ loc: ['query', name], msg: 'Input should be a valid boolean' }] });
}

const NAME = { name: 'model_name', description: 'Model folder name (URL-encoded; no separators or "..")', example: 'hiyori' };
const ID = { name: 'model_id', description: 'Steam workshop item id (or a model name as fallback)', example: '3012345678' };

/** The Live2D router /api/live2d (spec §3.3). */
@ApiTags('live2d')
@Controller('api/live2d')
export class Live2dController {
  constructor(
    private readonly locator: ModelLocatorService,
    private readonly models: Live2dModelService,
    private readonly parameters: Live2dParametersService,
  ) {}

  @Get('models')
  @ApiOperation({ summary: 'All Live2D models: a bare array of {name, path, source}, or {success, models: [names]} with simple=true' })
  @ApiQuery({ name: 'simple', required: false, type: Boolean })
  async list(@Query('simple') simpleRaw?: string): Promise<unknown> {
    const simple = parseBool(typeof simpleRaw === 'string' ? simpleRaw : undefined, 'simple');
    try {
      // Steam is never available in this port, so no subscribed-item models are appended (spec §3.3).
      const models = await this.locator.findModels();
      return simple ? { success: true, models: models.map((m) => m.name) } : models;
    } catch (err) {
      return simple ? { success: false, error: err instanceof Error ? err.message : String(err) } : [];
    }
  }

  @Get('cubism_core')
  @ApiOperation({ summary: "Whether Live2D's Cubism Core (needed by Cubism 3/4 models) is in <data>/live2d/, where to put it and its URL" })
  cubismCore(): Promise<{ available: boolean; path: string; url: string }> {
    return this.locator.cubismCore();
  }

  @Get('model_config/:model_name')
  @ApiOperation({ summary: "A model's model3.json (FileReferences.Motions/Expressions added and saved when missing)" })
  @ApiParam(NAME)
  async getConfig(@Param('model_name') name: string): Promise<unknown> {
    return send(await this.models.getConfig(await this.models.byName(name)));
  }

  @Post('model_config/:model_name')
  @HttpCode(200)
  @ApiOperation({ summary: "Replaces FileReferences.Motions / .Expressions of a model's model3.json" })
  @ApiParam(NAME)
  @ApiBody({ type: ModelConfigUpdateDto })
  async updateConfig(@Param('model_name') name: string, @Body(wireBody(ModelConfigUpdateDto, { status: 400 })) body: ModelConfigUpdateDto): Promise<unknown> {
    return send(await this.models.updateConfig(await this.models.byName(name), { ...body }));
  }

  @Get('emotion_mapping/:model_name')
  @ApiOperation({ summary: "A model's emotion mapping (EmotionMapping, or derived from FileReferences)" })
  @ApiParam(NAME)
  async getEmotionMapping(@Param('model_name') name: string): Promise<unknown> {
    return send(await this.models.getEmotionMapping(await this.models.byName(name)));
  }

  @Post('emotion_mapping/:model_name')
  @HttpCode(200)
  @ApiOperation({ summary: 'Saves an emotion mapping into the model3.json (FileReferences rewritten, EmotionMapping kept)' })
  @ApiParam(NAME)
  @ApiBody({ type: EmotionMappingDto })
  async saveEmotionMapping(@Param('model_name') name: string, @Body(wireBody(EmotionMappingDto, { status: 400, empty: '无效的数据' })) body: EmotionMappingDto): Promise<unknown> {
    return send(await this.models.saveEmotionMapping(await this.models.byName(name), { ...body }));
  }

  @Get('model_files/:model_name')
  @ApiOperation({ summary: 'Motion (*.motion3.json) and expression (*.exp3.json) files of a model, relative paths' })
  @ApiParam(NAME)
  async modelFiles(@Param('model_name') name: string): Promise<unknown> {
    return send(await this.models.modelFiles(name));
  }

  @Get('model_parameters/:model_name')
  @ApiOperation({ summary: 'Parameters and parameter groups from the model’s *.cdi3.json' })
  @ApiParam(NAME)
  async modelParameters(@Param('model_name') name: string): Promise<unknown> {
    return send(await this.parameters.parameters(name));
  }

  @Post('save_model_parameters/:model_name')
  @HttpCode(200)
  @ApiOperation({ summary: 'Saves the parameter editor values as <model>/parameters.json' })
  @ApiParam(NAME)
  @ApiBody({ type: SaveParametersDto })
  async saveParameters(@Param('model_name') name: string, @Body(wireBody(SaveParametersDto, { status: 400 })) body: SaveParametersDto): Promise<unknown> {
    return send(await this.parameters.save(name, body.parameters ?? {}));
  }

  @Get('load_model_parameters/:model_name')
  @ApiOperation({ summary: 'The saved parameters.json of a model ({} when none)' })
  @ApiParam(NAME)
  async loadParameters(@Param('model_name') name: string): Promise<unknown> {
    return send(await this.parameters.load(name));
  }

  @Get('model_config_by_id/:model_id')
  @ApiOperation({ summary: "A workshop item's model3.json (as model_config)" })
  @ApiParam(ID)
  async getConfigById(@Param('model_id') id: string): Promise<unknown> {
    return send(await this.models.getConfig(await this.models.byId(id)));
  }

  @Post('model_config_by_id/:model_id')
  @HttpCode(200)
  @ApiOperation({ summary: "Replaces FileReferences.Motions / .Expressions of a workshop item's model3.json" })
  @ApiParam(ID)
  @ApiBody({ type: ModelConfigUpdateDto })
  async updateConfigById(@Param('model_id') id: string, @Body(wireBody(ModelConfigUpdateDto, { status: 400 })) body: ModelConfigUpdateDto): Promise<unknown> {
    return send(await this.models.updateConfig(await this.models.byId(id), { ...body }));
  }

  @Get('model_files_by_id/:model_id')
  @ApiOperation({ summary: "Motion/expression files and the model3.json URL of a workshop item (or a model by name)" })
  @ApiParam(ID)
  async modelFilesById(@Param('model_id') id: string): Promise<unknown> {
    return send(await this.models.modelFilesById(id));
  }
}

/** POST /api/live2d/upload_model (spec §3.3). */
@ApiTags('live2d')
@Controller('api/live2d')
export class Live2dUploadController {
  constructor(private readonly uploads: Live2dUploadService) {}

  @Post('upload_model')
  @HttpCode(200)
  @ApiOperation({ summary: 'Uploads a Live2D model folder (repeated `files` parts named by webkitRelativePath) or one .zip into <data>/live2d/<name>' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      properties: { files: { type: 'array', items: { type: 'string', format: 'binary' }, description: 'Each part filename is the relative path, e.g. MyModel/MyModel.model3.json; or a single MyModel.zip' } },
      required: ['files'],
    },
  })
  async upload(@Req() req: FastifyRequest): Promise<unknown> {
    return send(await this.uploads.upload(req));
  }
}
