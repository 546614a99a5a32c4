// What each displayed frame cost the main thread: the frame callback's own
// time (performance.now() around it) and the bytes it uploaded to the
// renderer. Read through the test hook by the browser tests and by
// `./build.sh bench --browser`.

/** Per-frame times kept for the percentiles (about a minute at 60 fps). */
const MAX_SAMPLES = 4096;
const P50 = 0.5;
const P95 = 0.95;

export class FrameMeter {
  constructor() {
    this.reset();
  }

  /** Starts a new window. */
  reset() {
    this.frames = 0;
    this.busyMs = 0;
    this.maxMs = 0;
    this.uploads = 0;
    this.uploadBytes = 0;
    this.samples = [];
  }

  /** One frame callback took `ms` and uploaded `bytes` (0: nothing new). */
  frame(ms, bytes) {
    this.frames++;
    this.busyMs += ms;
    this.maxMs = Math.max(this.maxMs, ms);
    if (bytes > 0) {
      this.uploads++;
      this.uploadBytes += bytes;
    }
    if (this.samples.length < MAX_SAMPLES) this.samples.push(ms);
  }

  /** The window so far: counts, totals and main-thread ms per frame (mean, p50, p95, max). */
  summary() {
    const sorted = [...this.samples].sort((a, b) => a - b);
    const at = (q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : 0);
    return {
      frames: this.frames,
      uploads: this.uploads,
      uploadBytes: this.uploadBytes,
      meanMs: this.frames ? this.busyMs / this.frames : 0,
      p50Ms: at(P50),
      p95Ms: at(P95),
      maxMs: this.maxMs,
    };
  }
}
