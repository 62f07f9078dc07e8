import { Controller, Get, Inject, Module, type DynamicModule, type InjectionToken } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { APP_NAME } from '../data/data-folder';

/** Extra fields a process adds to its /health answer (the agent adds agent_flags). */
export const HEALTH_EXTRAS = Symbol('HEALTH_EXTRAS');
export type HealthExtras = () => Record<string, unknown>;
const HEALTH_IDENTITY = Symbol('HEALTH_IDENTITY');

interface HealthIdentity {
  readonly service: string;
  readonly instanceId: string;
}

@ApiTags('health')
@Controller()
class HealthController {
  constructor(
    @Inject(HEALTH_IDENTITY) private readonly identity: HealthIdentity,
    @Inject(HEALTH_EXTRAS) private readonly extras: HealthExtras,
  ) {}

  /** V1 shape: {"app": "N.E.K.O", "service", "status": "ok", "instance_id", ...extras}. */
  @Get('health')
  @ApiOperation({ summary: 'Liveness: app, service, status and instance id' })
  health(): Record<string, unknown> {
    return { app: APP_NAME, service: this.identity.service, status: 'ok', instance_id: this.identity.instanceId, ...this.extras() };
  }
}

export interface HealthModuleOptions extends HealthIdentity {
  /** Modules whose exported provider supplies the extra fields. */
  readonly imports?: DynamicModule['imports'];
  readonly extras?: { readonly inject: InjectionToken; readonly pick: (provider: never) => Record<string, unknown> };
}

/** GET /health for one process. */
@Module({})
export class HealthModule {
  static register(options: HealthModuleOptions): DynamicModule {
    const { extras } = options;
    const extrasProvider = extras
      ? { provide: HEALTH_EXTRAS, inject: [extras.inject], useFactory: (p: never): HealthExtras => () => extras.pick(p) }
      : { provide: HEALTH_EXTRAS, useValue: (() => ({})) satisfies HealthExtras };
    return {
      module: HealthModule,
      imports: options.imports ?? [],
      controllers: [HealthController],
      providers: [{ provide: HEALTH_IDENTITY, useValue: { service: options.service, instanceId: options.instanceId } }, extrasProvider],
    };
  }
}
