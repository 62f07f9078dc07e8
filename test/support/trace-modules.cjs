// Preloaded with `node -r` in e2e tests: at exit, writes every CommonJS module path this process
// loaded to $NEKO_TRACE_MODULES_FILE, so a test can prove what a server did NOT load.
const fs = require('node:fs');
process.on('exit', () => {
  const file = process.env.NEKO_TRACE_MODULES_FILE;
  if (file) fs.writeFileSync(file, JSON.stringify(Object.keys(require.cache)));
});
