// A probe worker that answers "ok" without writing to the memory it was
// sent: what a browser that copied the memory instead of sharing it would
// look like. The probe must not believe it.
import { parentPort } from 'node:worker_threads';
import { MSG } from '../../protocol.js';

parentPort.on('message', (message) => {
  if (message.type === MSG.PROBE) parentPort.postMessage({ type: MSG.PROBE_ANSWER, ok: true });
});
parentPort.postMessage({ type: MSG.PROBE_HELLO });
