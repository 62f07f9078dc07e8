import { validateBridgeEvent } from './agent-bridge.validate';

describe('validateBridgeEvent', () => {
  it('accepts the spec shapes', () => {
    expect(validateBridgeEvent({ event_type: 'analyze_request', event_id: 'a'.repeat(32), trigger: 'turn_end', lanlan_name: 'L', messages: [{ role: 'user', content: 'hi' }] })).toBeUndefined();
    expect(validateBridgeEvent({ event_type: 'analyze_ack', lanlan_name: null, event_id: 'x' })).toBeUndefined();
    expect(validateBridgeEvent({ event_type: 'task_update', lanlan_name: 'L', task: { id: 't', status: 'running', type: 'browser_use' } })).toBeUndefined();
    expect(validateBridgeEvent({ event_type: 'agent_status_update', lanlan_name: null, snapshot: { revision: 1 } })).toBeUndefined();
    expect(validateBridgeEvent({ event_type: 'something_new' })).toBeUndefined();
  });

  it('names what is wrong', () => {
    expect(validateBridgeEvent({ event_type: 'analyze_request', lanlan_name: 1, messages: [] })).toBe('lanlan_name must be a string');
    expect(validateBridgeEvent({ event_type: 'analyze_request', lanlan_name: 'L', messages: 'hi' })).toBe('messages must be a list of {role, content}');
    expect(validateBridgeEvent({ event_type: 'analyze_request', lanlan_name: 'L', trigger: 'x', messages: [] })).toBe('trigger must be turn_end or session_end');
    expect(validateBridgeEvent({ event_type: 'analyze_ack', lanlan_name: 'L' })).toBe('event_id must be a string');
    expect(validateBridgeEvent({ event_type: 'task_update', lanlan_name: 'L', task: { id: 't', status: 'weird' } })).toBe('task must have an id and a known status');
    expect(validateBridgeEvent({ event_type: 'agent_status_update', lanlan_name: 'L', snapshot: [] })).toBe('snapshot must be an object');
  });
});
