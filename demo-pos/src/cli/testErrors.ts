import { consoleOutput } from './CliOutput.ts';
import { runTestErrors } from './runTestErrors.ts';

// Entry point of `npm run test-errors`; the command itself is runTestErrors.
process.exitCode = await runTestErrors(process.argv.slice(2), consoleOutput, process.env);
