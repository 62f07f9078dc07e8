import { classifyAddress, HostPolicy, mentionsHost, type HostLookup } from './browser-url.policy';

const noDns: HostLookup = () => Promise.resolve(undefined);

describe('browser host policy', () => {
  it('classifies address literals, IPv4-mapped IPv6 included', () => {
    expect(classifyAddress('127.0.0.1')).toBe('loopback');
    expect(classifyAddress('0.0.0.0')).toBe('loopback');
    expect(classifyAddress('::1')).toBe('loopback');
    expect(classifyAddress('[::ffff:7f00:1]')).toBe('loopback');
    expect(classifyAddress('::ffff:10.1.2.3')).toBe('private');
    expect(classifyAddress('172.20.0.5')).toBe('private');
    expect(classifyAddress('172.32.0.5')).toBe('public');
    expect(classifyAddress('192.168.1.1')).toBe('private');
    expect(classifyAddress('fd12::1')).toBe('private');
    expect(classifyAddress('fe80::1')).toBe('linklocal');
    expect(classifyAddress('169.254.169.254')).toBe('metadata');
    expect(classifyAddress('93.184.216.34')).toBe('public');
    expect(classifyAddress('2606:4700::1111')).toBe('public');
  });

  it('finds a host named as a whole word, with no port or the same port', () => {
    expect(mentionsHost('check my router at 192.168.1.1.', '192.168.1.1', '80')).toBe(true);
    expect(mentionsHost('check my router at 192.168.1.1', '192.168.1.10', '80')).toBe(false);
    expect(mentionsHost('open 192.168.1.10', '192.168.1.1', '80')).toBe(false);
    expect(mentionsHost('open http://localhost:3000/app', 'localhost', '3000')).toBe(true);
    expect(mentionsHost('open http://localhost:3000/app', 'localhost', '3001')).toBe(false);
    expect(mentionsHost('see localhost.evil.example', 'localhost', '80')).toBe(false);
    expect(mentionsHost('the box at [::1]:8080', '::1', '8080')).toBe(true);
    expect(mentionsHost('the box at fe80::1', '::1', '80')).toBe(false);
  });

  it('blocks local hosts the user did not name and always blocks our ports and 169.254/16', async () => {
    const policy = new HostPolicy({ instruction: 'Log in to my router at 192.168.1.1 and to localhost:8080', lookup: noDns });
    await expect(policy.check('https://example.com/')).resolves.toBeUndefined();
    await expect(policy.check('http://192.168.1.1/admin')).resolves.toBeUndefined();
    await expect(policy.check('http://192.168.1.1:8443/')).resolves.toBeUndefined();
    await expect(policy.check('http://localhost:8080/x')).resolves.toBeUndefined();
    await expect(policy.check('http://localhost:9000/x')).resolves.toBe('blocked: localhost:9000 is a local address the user did not ask for');
    await expect(policy.check('http://127.0.0.1:48911/api/config/core_api')).resolves.toBe('blocked: 127.0.0.1:48911 is a local address the browser never opens');
    await expect(policy.check('http://10.0.0.7/')).resolves.toMatch(/^blocked: 10\.0\.0\.7 is a local address the user did not ask for/);
    await expect(policy.check('http://[::1]:5000/')).resolves.toMatch(/^blocked: \[::1\]:5000/);
    await expect(policy.check('http://printer.local/')).resolves.toMatch(/^blocked: printer\.local/);
    await expect(policy.check('http://0x7f.1:8080/')).resolves.toMatch(/^blocked: 127\.0\.0\.1:8080/);
    await expect(policy.check('javascript:alert(1)')).resolves.toBe('blocked: javascript: URLs are not allowed');
    await expect(policy.check('about:blank')).resolves.toBeUndefined();
    await expect(policy.check('file:///etc/passwd')).resolves.toMatch(/^blocked: file:/);

    const metadata = new HostPolicy({ instruction: 'read http://169.254.169.254/latest/meta-data', allowedPrivateHosts: ['169.254.169.254'], lookup: noDns });
    await expect(metadata.check('http://169.254.169.254/latest/meta-data')).resolves.toMatch(/never opens/);
    const ours = new HostPolicy({ instruction: 'open 127.0.0.1:48911', lookup: noDns });
    await expect(ours.check('http://127.0.0.1:48911/')).resolves.toMatch(/never opens/);

    // The configured ports replace the defaults (a moved main server is protected at its new port).
    const moved = new HostPolicy({ instruction: 'open 127.0.0.1:50011 and 127.0.0.1:48911', protectedPorts: [50011], lookup: noDns });
    await expect(moved.check('http://127.0.0.1:50011/')).resolves.toMatch(/never opens/);
    await expect(moved.check('http://127.0.0.1:48911/')).resolves.toBeUndefined();
  });

  it('honours allowedPrivateHosts per host or host:port, and resolves names that point inside', async () => {
    const lookups: string[] = [];
    const lookup: HostLookup = (name) => {
      lookups.push(name);
      return Promise.resolve(name === 'sneaky.example.com' ? ['127.0.0.1'] : ['93.184.216.34']);
    };
    const policy = new HostPolicy({ instruction: 'read the news', allowedPrivateHosts: ['127.0.0.1:5000', 'nas.lan'], lookup });
    await expect(policy.check('http://127.0.0.1:5000/page')).resolves.toBeUndefined();
    await expect(policy.check('http://127.0.0.1:5001/page')).resolves.toMatch(/^blocked: 127\.0\.0\.1:5001/);
    await expect(policy.check('http://nas.lan:8080/')).resolves.toBeUndefined();
    await expect(policy.check('https://news.example.com/')).resolves.toBeUndefined();
    await expect(policy.check('https://sneaky.example.com/')).resolves.toBe('blocked: sneaky.example.com is a local address the user did not ask for');
    await policy.check('https://sneaky.example.com/again');
    expect(lookups).toEqual(['news.example.com', 'sneaky.example.com']); // cached per name
  });
});
