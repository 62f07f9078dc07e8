import type { RuntimeEnv } from '../../shared/config/env.schema';
import { zmqEndpoint } from '../../shared/config/env.schema';
import { BridgeChannel } from '../../shared/contracts/agent-bridge.contract';
import { validateBridgeEvent } from '../../shared/contracts/agent-bridge.validate';
import { ZmqServer } from '../../shared/transport/zmq/zmq.server';

/** The agent's receiving side of the bridge: SUB to main's PUB 48961 and PULL from main's PUSH 48963. */
export function createAgentBridgeStrategy(env: RuntimeEnv): ZmqServer {
  return new ZmqServer({
    highWaterMark: env.zmqHighWaterMark,
    lingerMs: env.zmqLingerMs,
    validate: validateBridgeEvent,
    receivers: {
      [BridgeChannel.Session]: { type: 'sub', endpoint: zmqEndpoint(env.ports.zmqSessionPub), bind: false },
      [BridgeChannel.Analyze]: { type: 'pull', endpoint: zmqEndpoint(env.ports.zmqAnalyzePush), bind: false },
    },
  });
}
