#!/usr/bin/env node
// The `veil` command. Runs the TypeScript sources directly (Node >= 22.18 strips types natively).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `veil: Node ${process.versions.node} is too old; Veil Studio needs Node >= 22.18.\n` +
      'Run it through npm (`npm run veil -- ...` or `npx veil ...`), which uses the Node 24 that `npm install` provides,\n' +
      'or install Node 24 LTS.\n',
  );
  process.exit(2);
}
const { runCli } = await import('../src/main/cli/index.ts');
process.exitCode = await runCli(process.argv.slice(2));
