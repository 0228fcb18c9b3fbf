import inspector from 'node:inspector';
import { writeFileSync } from 'node:fs';
const session = new inspector.Session(); session.connect();
session.post('HeapProfiler.startSampling', { samplingInterval: 16384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
let done = false;
const dump = () => { if (done) return; done = true; session.post('HeapProfiler.stopSampling', (err, r) => { if (!err) writeFileSync(`/tmp/heapprof/alloc-${process.pid}.json`, JSON.stringify(r.profile)); }); };
process.prependListener('SIGTERM', dump); process.on('exit', dump);
