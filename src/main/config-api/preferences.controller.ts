import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { wireBody } from '../http/wire-body.pipe';
import { sent } from '../http/wire-outcome';
import { PreferenceDto, PreferredModelDto } from './preferences.dto';
import { PreferencesApiService } from './preferences-api.service';

/** Avatar position/scale/parameters per model (user_preferences.json), spec §3.1. */
@ApiTags('config')
@Controller('api/config/preferences')
export class PreferencesController {
  constructor(private readonly prefs: PreferencesApiService) {}

  @Get()
  @ApiOperation({ summary: 'All saved model preferences (index 0 = preferred model)' })
  list(): Promise<unknown[]> {
    return this.prefs.list();
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: "Save one model's position, scale and parameters" })
  save(@Body(wireBody(PreferenceDto, { empty: '无效的数据' })) body: PreferenceDto) {
    return this.prefs.save(sent(body));
  }

  @Post('set-preferred')
  @HttpCode(200)
  @ApiOperation({ summary: 'Make a saved model the preferred one' })
  setPreferred(@Body(wireBody(PreferredModelDto, { empty: '无效的数据' })) body: PreferredModelDto) {
    return this.prefs.setPreferred(body.model_path);
  }
}
