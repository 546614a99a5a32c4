// The page's frame loop, one call per displayed frame: request steps,
// upload the frame the sim published (only what changed), draw, stats,
// the history buttons, the hover readout, a checkpoint when one is due;
// in the thermal view, the temperature plane with every new frame. And, while paused,
// a frame of the exact world on demand (`syncView`). Methods of the App
// (main.js), which mixes them in. Every frame also drains the sim's
// command log into the session's recording (replay-recorder.js): while it
// is full the sim applies nothing more. While a replay plays, its player
// runs the crew and takes the log itself, so the loop only shows frames
// (and none while it seeks).

import { fitView, syncCanvasSize } from './view.js';
import { cellName, paletteEntry } from './materials.js';
import { unitsToCelsius } from './thermal-colours.js';

export const frameLoop = {
  /** Called when the engine's world is not the one on screen: new size, new palette, fresh upload. */
  showWorld() {
    const engine = this.engine;
    const resized = engine.width !== this.renderer.width || engine.height !== this.renderer.height;
    this.renderer.setWorld(engine.width, engine.height, engine.palette());
    // A new size starts fitted; the same size (a new scene, a load) keeps the view.
    if (resized) this.view = fitView(engine.width, engine.height);
    this.shownWorld = engine.world;
    this.lastSeq = null;
    this.needsDraw = true;
    this.toolbar.setSize(engine.width, engine.height);
    const who = engine.kind === 'threads' ? `${engine.workerCount} worker thread${engine.workerCount === 1 ? '' : 's'}` : 'single-threaded';
    const drawing = this.renderer.kind === 'webgl2' ? 'WebGL2' : this.rendererChoice.software ? 'Canvas2D (WebGL2 here is software)' : 'Canvas2D';
    this.toolbar.setEngineLine(`${engine.width}×${engine.height} · ${who} · ${drawing}`);
  },

  frame(now) {
    requestAnimationFrame(this.frame);
    // The main thread's own time for this frame (frame-meter.js).
    const start = performance.now();
    let uploaded = 0;
    if (syncCanvasSize(this.canvas)) this.needsDraw = true;
    const engine = this.engine;
    if (engine && !engine.fault) {
      if (this.shownWorld !== engine.world) this.showWorld();
      if (!this.player) {
        engine.tick(this.playing ? this.speed : 0);
        this.recorder.drain(engine);
      }
      // While the replay player seeks, the worlds it passes through are not
      // shown: no frame is read, so none is requested, which spares the
      // crew its render pass and the page the uploads (on this project's
      // 2-core VM, CPU time the software renderer took from the workers).
      // The player publishes the world it lands on (`showNow`). The same
      // while frames are held (`framesHeld`: the crew measured alone).
      const seq = engine.frameSeq();
      if (seq !== this.lastSeq && !this.player?.seeking && this.framesHeld === 0) {
        // Only what changed since the frame the renderer holds (engine-base.js).
        const upload = engine.uploadFrame(this.renderer, this.lastSeq);
        uploaded = upload.bytes;
        this.lastSeq = upload.held;
        if (upload.bytes > 0) this.needsDraw = true;
        this.thermalStale = true;
      }
      if (this.thermal && this.thermalStale) {
        uploaded += this.renderer.uploadTemperature(engine.temperaturePlane());
        this.thermalStale = false;
        this.needsDraw = true;
      }
      this.showReadout(engine);
      this.stats.frame(now, engine);
      this.showHistory(engine);
      this.toolbar.pausedHint(!this.playing && engine.queuedPaintCount() > 0);
      if (this.checkpoints.due(now, engine.stepCount())) this.takeCheckpoint(engine);
    }
    if (this.needsDraw && this.renderer.width) {
      this.layout();
      this.renderer.draw(this.rect, { thermal: this.thermal });
      this.needsDraw = false;
    }
    this.meter.frame(performance.now() - start, uploaded);
  },

  /** The hover readout: what lies under the pointer, and how hot it is (materials.js). */
  showReadout(engine) {
    const cell = this.hoverCell && engine.cellAt(this.hoverCell.x, this.hoverCell.y);
    if (!cell) {
      this.toolbar.readout(null);
      return;
    }
    this.toolbar.readout({
      name: cellName(cell.material),
      description: paletteEntry(cell.material)?.description ?? '',
      celsius: unitsToCelsius(cell.temperature),
    });
  },

  /**
   * While paused, has the sim publish a frame of the exact current world
   * (`qs_world_render_now`), which the loop uploads: after a pause, a step
   * command or an edit. Playing needs nothing: frames flow.
   */
  async syncView() {
    const engine = this.engine;
    if (this.playing || !engine || engine.fault) return;
    try {
      const world = engine.world;
      await engine.exclusive(() => {
        if (!this.playing && this.engine === engine && engine.world === world) engine.renderNow();
      });
    } catch (error) {
      this.report(error);
    }
  },
};
