// A command that serves until Ctrl-C and takes a while to stop, for until-stop-signal.test.ts.
import { untilStopSignal } from '../src/commands/until-stop-signal.ts';

const serving = setInterval(() => {}, 1000);
const stopped = untilStopSignal(async () => {
  console.log('stopping');
  await new Promise((done) => setTimeout(done, 300));
  clearInterval(serving);
});
console.log('ready');
console.log(`stopped on ${await stopped}`);
