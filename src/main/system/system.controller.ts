import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { WireException, wireError } from '../../shared/http/wire.exception';
import { wireBody } from '../http/wire-body.pipe';
import { BeaconService } from './beacon.service';
import { EmotionAnalysisService, type EmotionAnswer } from './emotion-analysis.service';
import { ProactiveChatService } from './proactive-chat.service';
import { EmotionAnalysisDto, ProactiveChatDto } from './system.dto';

const ACHIEVEMENT_NAME = /^[A-Za-z0-9_]{1,64}$/;

/** The system router (spec §3.10) and the app-level beacon (§3.0). */
@ApiTags('system')
@Controller('api')
export class SystemController {
  constructor(
    private readonly emotion: EmotionAnalysisService,
    private readonly proactive: ProactiveChatService,
    private readonly beaconService: BeaconService,
  ) {}

  @Post('beacon/shutdown')
  @HttpCode(200)
  @ApiOperation({ summary: 'Page unload beacon: stops the servers in browser mode (NEKO_BROWSER_MODE=1), else answers null' })
  async beacon(@Res() reply: FastifyReply): Promise<void> {
    // The body (sendBeacon text/plain) is ignored, as in the original.
    await reply.status(200).type('application/json; charset=utf-8').send(JSON.stringify(this.beaconService.beacon()));
  }

  @Post('emotion/analysis')
  @HttpCode(200)
  @ApiOperation({ summary: 'Emotion of a text (emotion model, or an offline lexicon when none is configured)' })
  analyze(@Body(wireBody(EmotionAnalysisDto, { empty: '请求体中必须包含text字段', shape: (error) => ({ error }) })) body: EmotionAnalysisDto): Promise<EmotionAnswer> {
    return this.emotion.analyze({ text: body.text, apiKey: body.api_key, model: body.model });
  }

  /**
   * Steam achievements: there is no Steam here, and the UI unlocks ACH_FIRST_DIALOGUE after the
   * first turn; answering 503 would only log errors in the page, so this is a no-op success in the
   * original's shape.
   */
  @Post('steam/set-achievement-status/:name')
  @HttpCode(200)
  @ApiParam({ name: 'name', description: 'Achievement id, e.g. ACH_FIRST_DIALOGUE' })
  @ApiOperation({ summary: 'Unlock a Steam achievement (no Steam here: accepted and ignored)' })
  setAchievement(@Param('name') name: string): { success: true; message: string } {
    if (!ACHIEVEMENT_NAME.test(name)) throw wireError(400, '无效的成就名称');
    return { success: true, message: `成就 ${name} 处理完成` };
  }

  /** No Steam, so no achievements; the original's shape with an empty list instead of a 500. */
  @Get('steam/list-achievements')
  @ApiOperation({ summary: 'Steam achievements (none without Steam)' })
  listAchievements(): { count: number; achievements: Array<{ name: string; unlocked: boolean }> } {
    return { count: 0, achievements: [] };
  }

  @Post('proactive_chat')
  @HttpCode(200)
  @ApiOperation({ summary: 'Let the character speak first (from a screenshot or her recent memory), if she wants to' })
  async proactiveChat(@Body(wireBody(ProactiveChatDto, { status: 400 })) body: ProactiveChatDto): Promise<Readonly<Record<string, unknown>>> {
    const result = await this.proactive.run({ lanlanName: body.lanlan_name, screenshotData: body.screenshot_data });
    if (result.status !== 200) throw new WireException(result.status, result.body);
    return result.body;
  }
}
