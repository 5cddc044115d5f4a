// `npm test`: typecheck, lint (eslint + prettier), build, then every jest spec (unit + e2e,
// including the migration drift check). Stops at the first failing step.
const { writeStamp } = require('./build-stamp');
const { ensureDeps, run } = require('./ensure-deps');

const steps = [
  ['typecheck', 'npx tsc -p tsconfig.json --noEmit'],
  ['lint', 'npx eslint . --max-warnings=0'],
  ['format', 'npx prettier --check . --log-level warn'],
  ['build', 'npm run build --silent'],
  ['unit + e2e', 'npx jest --config jest.config.js --ci'],
];

ensureDeps();
for (const [name, cmd] of steps) {
  console.log(`\n[vx11 test] ${name}: ${cmd}`);
  const startedAt = new Date();
  try {
    run(cmd);
    // dist/ is current: `npm start` (and the spec that runs it) must not rebuild it under the suite
    if (name === 'build') writeStamp(undefined, startedAt);
  } catch {
    console.error(`\n[vx11 test] FAILED at step: ${name}`);
    process.exit(1);
  }
}
console.log('\n[vx11 test] all steps passed');
