import type { Logger } from '@nestjs/common';
import type { LlmMode, LlmSession, LlmSessionEvents, LlmSessionFactory } from '../llm/llm-session.port';
import { SessionManager, type ClientMessage } from '../sessions/session-manager';
import type { SpeechOutput } from '../tts/speech-output.port';
import { DEFAULT_CHAT_TIMINGS } from '../../shared/config/env.schema';
import type { ChatEngineDeps } from './chat-session.context';
import { ChatSessionEngine } from './chat-session.engine';

interface Gate {
  promise: Promise<void>;
  open(): void;
}
function gate(): Gate {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

class FakeLlm implements LlmSession {
  readonly inputSampleRate = 16_000;
  isOpen = true;
  closed = false;
  readonly texts: string[] = [];
  constructor(
    readonly mode: LlmMode,
    readonly events: LlmSessionEvents,
    private readonly ready: () => Promise<void>,
  ) {}
  connect(): Promise<void> {
    return this.ready();
  }
  streamText(text: string): Promise<void> {
    this.texts.push(text);
    return Promise.resolve();
  }
  streamAudio(): Promise<void> {
    return Promise.resolve();
  }
  streamImage(): Promise<void> {
    return Promise.resolve();
  }
  addContext(): Promise<void> {
    return Promise.resolve();
  }
  createResponse(): Promise<void> {
    return Promise.resolve();
  }
  cancelResponse(): Promise<void> {
    return Promise.resolve();
  }
  close(): Promise<void> {
    this.closed = true;
    this.isOpen = false;
    return Promise.resolve();
  }
}

const macrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function until(p: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (p()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** An engine with fake provider, voice and memory; `connect` decides when each conversation is ready. */
function setup(connect: (mode: LlmMode) => Promise<void> = () => Promise.resolve(), opts: { speechStart?: () => Promise<boolean>; recall?: () => Promise<string> } = {}) {
  const sessions: FakeLlm[] = [];
  const sent: ClientMessage[] = [];
  let statusGate: Promise<void> | undefined;
  const llm: LlmSessionFactory = {
    create: (request, events) => {
      const session = new FakeLlm(request.mode, events, () => connect(request.mode));
      sessions.push(session);
      return Promise.resolve(session);
    },
    coreApiType: () => Promise.resolve('qwen'),
  };
  const speechClosed: number[] = [];
  const speech: SpeechOutput = {
    start: opts.speechStart ?? (() => Promise.resolve(true)),
    push: () => undefined,
    endUtterance: () => undefined,
    interrupt: () => undefined,
    close: () => {
      speechClosed.push(1);
      return Promise.resolve();
    },
  };
  const quiet = { warn: () => undefined, error: () => undefined, log: () => undefined } as unknown as Logger;
  const deps: ChatEngineDeps = {
    llm,
    speech: { create: () => Promise.resolve(speech) },
    audio: { resampler: () => { throw new Error('no resampling expected'); } },
    memory: {
      newDialog: () => Promise.resolve(''),
      recall: opts.recall ?? (() => Promise.resolve('')),
      forgetSession: () => undefined,
      turnLog: () => ({ user: () => undefined, assistant: () => undefined, turnEnd: () => [], renew: () => Promise.resolve(), sessionEnd: () => Promise.resolve([]) }),
    },
    agent: { requestAnalysis: () => Promise.resolve(true) },
    masterName: () => Promise.resolve('阿明'),
    timings: DEFAULT_CHAT_TIMINGS,
    logger: quiet,
  };
  const manager = new SessionManager('小天', '你是小天。', '');
  manager.attachSocket(async (message) => {
    sent.push(message);
    if (message.type === 'status' && statusGate) await statusGate;
    return true;
  });
  const engine = new ChatSessionEngine(manager, deps);
  return {
    engine,
    manager,
    sessions,
    sent,
    deps,
    speechClosed,
    /** Status sends wait for `g` (keeps the engine's queue busy). */
    holdStatus: (g: Gate | undefined): void => {
      statusGate = g?.promise;
    },
    of: (mode: LlmMode) => sessions.filter((s) => s.mode === mode),
    types: () => sent.map((m) => `${m.type}${typeof m.input_mode === 'string' ? `:${m.input_mode}` : ''}`),
  };
}

const start = (input_type: LlmMode) => ({ action: 'start_session', input_type });
const text = (data: string) => ({ action: 'stream_data', input_type: 'text', data });

describe('ChatSessionEngine', () => {
  let t: ReturnType<typeof setup> | undefined;
  afterEach(async () => {
    await t?.engine.close();
    t = undefined;
  });

  it('a text frame buffered during a voice start starts a text session and reaches it (no replay loop)', async () => {
    const voiceReady = gate();
    // The text conversation connects on a later macrotask: a replay that re-reads its own frame never yields.
    t = setup((mode) => (mode === 'audio' ? voiceReady.promise : macrotask()));
    const pushes = jest.spyOn(t.engine.ctx.pending, 'push');
    pushes.mockImplementation(function (this: unknown, ...args) {
      if (pushes.mock.calls.length > 50) throw new Error('the replay loops');
      return jest.requireActual<typeof import('./pending-frames.store')>('./pending-frames.store').PendingFrames.prototype.push.apply(this, args);
    });
    void t.engine.chat(start('audio'));
    void t.engine.chat(text('你好'));
    await until(() => t!.engine.ctx.pending.size === 1, 'the text frame buffered');
    voiceReady.open();
    await until(() => t!.of('text')[0]?.texts.length === 1, 'the text reaching a text session');
    expect(t.of('text')[0].texts).toEqual(['你好']);
    expect(t.of('audio')[0].closed).toBe(true);
    expect(t.types()).toEqual(expect.arrayContaining(['session_started:audio', 'session_preparing:text', 'session_started:text']));
    expect(t.engine.ctx.live?.mode).toBe('text');
    expect(pushes.mock.calls.length).toBeLessThan(5);
  });

  it('frames still queued when the start finishes are replayed after the buffered ones, in order', async () => {
    const ready = gate();
    const statusHeld = gate();
    t = setup(() => ready.promise);
    void t.engine.chat(start('text'));
    void t.engine.chat(text('一'));
    await until(() => t!.engine.ctx.pending.size === 1, 'the first frame buffered');
    t.holdStatus(statusHeld);
    void t.engine.chat({ action: 'stream_data', input_type: 'bogus' }); // its status keeps the queue busy
    void t.engine.chat(text('二'));
    await until(() => t!.types().includes('status'), 'the queue held');
    ready.open();
    await until(() => t!.types().includes('session_started:text'), 'the start');
    statusHeld.open();
    await until(() => (t!.of('text')[0]?.texts.length ?? 0) >= 2, 'both texts');
    expect(t.of('text')[0].texts).toEqual(['一', '二']);
  });

  it('a start queued before the socket went away never opens a conversation', async () => {
    const statusHeld = gate();
    t = setup();
    t.holdStatus(statusHeld);
    void t.engine.chat({ action: 'stream_data', input_type: 'bogus' });
    void t.engine.chat(start('text'));
    void t.engine.chat(text('还在吗'));
    await until(() => t!.types().includes('status'), 'the queue held');
    t.manager.attachSocket(undefined);
    await t.manager.endSession(true); // the gateway on close: the end hook
    statusHeld.open();
    await macrotask();
    await macrotask();
    expect(t.sessions).toEqual([]);
    expect(t.engine.ctx.starting).toBeUndefined();
  });

  it('nothing starts without a socket (auto-start included)', async () => {
    t = setup();
    t.manager.attachSocket(undefined);
    void t.engine.chat(text('你好'));
    void t.engine.chat(start('audio'));
    await macrotask();
    await macrotask();
    expect(t.sessions).toEqual([]);
  });

  it('start_session of the other mode during a start cancels it and starts the requested one', async () => {
    const voiceReady = gate();
    t = setup((mode) => (mode === 'audio' ? voiceReady.promise : Promise.resolve()));
    void t.engine.chat(start('audio'));
    await until(() => t!.of('audio').length === 1, 'the voice start');
    void t.engine.chat(start('text'));
    await until(() => t!.types().includes('session_started:text'), 'the text session');
    voiceReady.open();
    await until(() => t!.of('audio')[0].closed, 'the cancelled voice conversation closed');
    expect(t.types().filter((x) => x.startsWith('session_'))).toEqual(['session_preparing:audio', 'session_preparing:text', 'session_started:text']);
    expect(t.engine.ctx.live?.mode).toBe('text');
  });

  it('a queued end by the server ends only the session it was meant for (not the one a hot swap put in)', async () => {
    t = setup();
    void t.engine.chat(start('text'));
    await until(() => t!.types().includes('session_started:text'), 'the session');
    const first = t.engine.ctx.live!;
    const statusHeld = gate();
    t.holdStatus(statusHeld);
    void t.engine.chat({ action: 'stream_data', input_type: 'bogus' }); // holds the queue
    await until(() => t!.types().includes('status'), 'the queue held');
    first.output.silenceTimeout(); // endByServer of the first conversation, queued
    const swapped = { ...first, sessionKey: 'after-swap' }; // what HotSwapController.replace does
    t.engine.ctx.live = swapped;
    t.holdStatus(undefined);
    statusHeld.open();
    await macrotask();
    await macrotask();
    expect(t.engine.ctx.live).toBe(swapped);
    // Not stale: the same end for the running conversation does end it.
    swapped.output.silenceTimeout();
    await until(() => t!.engine.ctx.live === undefined, 'the end');
  });

  it('a hot swap during the memory lookup: the text goes to the new conversation, not lost', async () => {
    const recalled = gate();
    t = setup(undefined, { recall: () => recalled.promise.then(() => '') });
    void t.engine.chat(start('text'));
    await until(() => t!.types().includes('session_started:text'), 'the session');
    const first = t.engine.ctx.live!;
    void t.engine.chat(text('记得我吗'));
    await until(() => t!.types().includes('user_activity'), 'the text being handled');
    const next = await t.deps.llm.create({ mode: 'text', lanlanName: '小天' }, first.output);
    t.engine.ctx.live = { ...first, llm: next, sessionKey: 'after-swap' }; // swapped meanwhile
    recalled.open();
    await until(() => (next as FakeLlm).texts.length === 1, 'the text on the new conversation');
    expect((first.llm as FakeLlm).texts).toEqual([]);
  });

  it('a TTS whose start rejects is closed; the text session starts without voice', async () => {
    t = setup(undefined, { speechStart: () => Promise.reject(new Error('tts down')) });
    void t.engine.chat(start('text'));
    await until(() => t!.types().includes('session_started:text'), 'the session');
    expect(t.speechClosed).toHaveLength(1);
    expect(t.engine.ctx.live?.speech).toBeUndefined();
  });

  it('agent results taken by a hot swap that a session end overtook are kept for the next one', async () => {
    t = setup();
    void t.engine.chat(start('text'));
    await until(() => t!.types().includes('session_started:text'), 'the session');
    const live = t.engine.ctx.live!;
    t.manager.pendingExtraReplies.push('✅ 查天气');
    const prepared = await t.deps.llm.create({ mode: 'text', lanlanName: '小天' }, live.output);
    const swap = t.engine.hotSwap as unknown as { pending: unknown; swap(l: typeof live): Promise<void> };
    swap.pending = { llm: prepared, output: live.output };
    let asked = 0;
    (t.deps as { masterName: () => Promise<string> }).masterName = () => {
      // The second lookup runs after the results were taken: the session restarts right then.
      if (++asked === 2) t!.engine.hotSwap.reset();
      return Promise.resolve('阿明');
    };
    await swap.swap(live);
    expect(asked).toBe(2);
    expect(t.manager.pendingExtraReplies).toEqual(['✅ 查天气']);
    expect(t.engine.ctx.live).toBe(live);
  });
});
