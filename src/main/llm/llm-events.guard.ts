import type { Logger } from '@nestjs/common';
import type { LlmSessionEvents } from './llm-session.port';

/**
 * The events a session hands to the engine, wrapped: nothing is delivered once the session is
 * closed (the port's promise), and an exception thrown by the engine's handler is logged instead of
 * escaping into a socket or stream handler.
 */
export function guardEvents(events: LlmSessionEvents, closed: () => boolean, logger: Logger): LlmSessionEvents {
  const wrap =
    <A extends unknown[]>(name: keyof LlmSessionEvents, fn: (...args: A) => void) =>
    (...args: A): void => {
      if (closed()) return;
      try {
        fn.apply(events, args);
      } catch (e) {
        logger.error(`${name} handler threw: ${e instanceof Error ? e.message : String(e)}`);
      }
    };
  return {
    textDelta: wrap('textDelta', events.textDelta),
    outputTranscript: wrap('outputTranscript', events.outputTranscript),
    audioDelta: wrap('audioDelta', events.audioDelta),
    inputTranscript: wrap('inputTranscript', events.inputTranscript),
    speechStarted: wrap('speechStarted', events.speechStarted),
    newMessage: wrap('newMessage', events.newMessage),
    responseDone: wrap('responseDone', events.responseDone),
    connectionError: wrap('connectionError', events.connectionError),
    notice: wrap('notice', events.notice),
    repetition: wrap('repetition', events.repetition),
    silenceTimeout: wrap('silenceTimeout', events.silenceTimeout),
  };
}
