#!/usr/bin/env -S node --disable-warning=ExperimentalWarning
/**
 * waddle: the platform's command line.
 *
 *   waddle up [--no-workers]  migrate every local database, seed the demo platform once, print it, and
 *                             serve the local D1 REST API (127.0.0.1:8789) and the api and monitor
 *                             Workers (wrangler dev, with their .dev.vars) until Ctrl-C
 *   waddle migrate [status]   migrate (or show) the central database and every waddle database it lists
 *                             [--target local|remote] [--concurrency N] [--dry-run]
 *   waddle token <user-id>    print an API token for a local user [--expires-in SECONDS]
 *   waddle export <user-id>   export everything held about a user to a JSON archive [--out FILE] [--target local|remote]
 *   waddle erase <user-id>    erase a user from the directory and every waddle database (resumes an unfinished erasure)
 *                             [--target local|remote]
 */
import { eraseUserCommand } from './commands/erase-user.ts';
import { exportUserCommand } from './commands/export-user.ts';
import { consoleIo, migrateCommand } from './commands/migrate.ts';
import { tokenCommand } from './commands/token.ts';
import { up } from './commands/up.ts';

const [command, ...rest] = process.argv.slice(2);
switch (command) {
  case 'up':
    process.exitCode = (await up({ workers: !rest.includes('--no-workers') })) ? 0 : 1;
    break;
  case 'migrate':
    process.exitCode = await migrateCommand(rest);
    break;
  case 'token':
    process.exitCode = await tokenCommand(rest);
    break;
  case 'export':
    process.exitCode = await exportUserCommand(rest, consoleIo);
    break;
  case 'erase':
    process.exitCode = await eraseUserCommand(rest, consoleIo);
    break;
  default:
    console.error('usage: waddle up [--no-workers] | waddle migrate [status] [--target local|remote] [--concurrency N] [--dry-run] | waddle token <user-id> | waddle export <user-id> [--out FILE] | waddle erase <user-id>');
    process.exitCode = 2;
}
