/** `node --require timesink/register app.js`: start recording before the app's first line runs. */
import { inheritNodeOptions } from './inherit.js';
import { startRecorder } from './recorder.js';
import { replaceZeroXSoftExit } from './zerox-soft-exit.js';

inheritNodeOptions();
startRecorder();
// Under `record` with 0x: let the app's own SIGINT/SIGTERM handlers run (after the recorder's flush).
replaceZeroXSoftExit();
