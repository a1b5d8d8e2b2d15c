// `switchboard` from the TypeScript sources, for benchmarks: bin/switchboard.js runs dist/, which may be
// older than the code being measured.
import { main } from '../src/cli.js';

main(process.argv.slice(2));
