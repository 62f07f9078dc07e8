import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { CharactersService } from '../../shared/config/characters.service';
import { send as answer, errorText, sent } from '../http/wire-outcome';
import { CurrentModelService } from '../characters/current-model.service';
import { wireBody } from '../http/wire-body.pipe';
import { StartupService } from '../startup/startup.service';
import { ASSIST_PROVIDER_LISTING, CORE_PROVIDER_LISTING } from './api-providers-listing.const';
import { ConnectionTestDto, ConnectionTestResultDto } from './connection-test.dto';
import { ConnectionTestService } from './connection-test.service';
import { CoreApiDto } from './core-api.dto';
import { CoreApiService } from './core-api.service';

export class PageConfigQueryDto {
  @ApiPropertyOptional({ description: 'Character (default: the current one)' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  lanlan_name?: string;
}

/** The config router /api/config (spec §3.1): page model, language, API keys and providers. */
@ApiTags('config')
@Controller('api/config')
export class ConfigApiController {
  constructor(
    private readonly characters: CharactersService,
    private readonly models: CurrentModelService,
    private readonly coreApi: CoreApiService,
    private readonly startup: StartupService,
    private readonly connection: ConnectionTestService,
  ) {}

  @Get('page_config')
  @ApiOperation({ summary: "The character's name and the URL of its Live2D model for the chat page" })
  async pageConfig(@Query() q: PageConfigQueryDto) {
    try {
      const file = await this.characters.read();
      const target = q.lanlan_name || (typeof file['当前猫娘'] === 'string' ? file['当前猫娘'] : '');
      // The character's saved workshop item id is tried first by resolve() itself; unlike passing
      // it as item_id, a workshop item that is no longer installed falls back to the model's name.
      const current = await this.models.resolve(target, '');
      return { success: true, lanlan_name: target, model_path: current.model_info?.path ?? '' };
    } catch (err) {
      return { success: false, error: errorText(err), lanlan_name: '', model_path: '' };
    }
  }

  /**
   * The original asked Steam for the game's language. Steam is not available here, so the
   * answer is the user's system language (StartupService), in the same shape with
   * success true: i18next then shows the UI in the system language instead of falling back to
   * the browser's, which is what a Steam user would have got from their Steam client's setting.
   */
  @Get('steam_language')
  @ApiOperation({ summary: "The UI language: the system locale's (Steam is not available)" })
  steamLanguage() {
    const zh = this.startup.uiLanguage === 'zh-CN';
    return { success: true, steam_language: zh ? 'schinese' : 'english', i18n_language: zh ? 'zh-CN' : 'en', source: 'system_locale' };
  }

  @Get('core_api')
  @ApiOperation({ summary: 'API settings of core_config.json (secrets masked)' })
  async getCoreApi() {
    try {
      return await this.coreApi.view();
    } catch (err) {
      return { success: false, error: errorText(err) };
    }
  }

  @Post('core_api')
  @HttpCode(200)
  @ApiOperation({ summary: 'Save the API settings; running sessions reload their page and end' })
  async saveCoreApi(@Body(wireBody(CoreApiDto, { empty: '无效的数据' })) body: CoreApiDto) {
    try {
      return answer(await this.coreApi.save(sent(body)));
    } catch (err) {
      return { success: false, error: errorText(err) };
    }
  }

  @Get('api_providers')
  @ApiOperation({ summary: 'Core and assist API providers offered by the settings page' })
  apiProviders() {
    return { success: true, core_api_providers: CORE_PROVIDER_LISTING, assist_api_providers: ASSIST_PROVIDER_LISTING };
  }

  @Post('test_connection')
  @HttpCode(200)
  @ApiOperation({ summary: 'Check a provider or tier (saved or typed settings): key accepted, model offered, latency. Keys are never echoed.' })
  @ApiBody({ type: ConnectionTestDto })
  @ApiOkResponse({ type: ConnectionTestResultDto })
  testConnection(@Body(wireBody(ConnectionTestDto, { status: 400, empty: '请指定要测试的 tier 或 base_url' })) body: ConnectionTestDto) {
    return this.connection.test(body);
  }
}
