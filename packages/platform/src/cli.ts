#!/usr/bin/env -S node --disable-warning=ExperimentalWarning
/**
 * waddle: the platform's command line.
 *
 *   waddle up     create and migrate the local central and demo waddle databases, seed them, print them
 */
import { up } from './commands/up.ts';

const [command] = process.argv.slice(2);
switch (command) {
  case 'up':
    process.exitCode = (await up()) ? 0 : 1;
    break;
  default:
    console.error('usage: waddle up');
    process.exitCode = 2;
}
