// The `switchboard` command run from the TypeScript sources: bin/switchboard.js does the same with dist/,
// so the CLI tests need no build step.
import { main } from '../../src/cli.js';

main(process.argv.slice(2));
