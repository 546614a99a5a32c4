// The seek bench's scripted session (replay-seek.js): what a hand does at
// 60 frames a second on a 1024² world, one step and one stroke segment a
// frame, a new stroke id about every second, now and then an undo, a redo,
// a rectangle or a fill. The same script as the native bench's replay
// group (tests/src/bin/bench/replay.rs), ported: the same kinds, rates and
// motion, but its own numbers (it need not match that file's bytes).
// Commands are command-log entries with the step they are due at.

import { COMMAND, MATERIAL, PAINT_MASK } from '../../../www/pkg/abi.js';

export const SIDE = 1024;
export const FRAMES_PER_SECOND = 60;
export const SEED = 0x0051ea7e;

const MASK64 = (1n << 64n) - 1n;

/** xorshift64*: the script is the same on every run. */
class Rng {
  constructor(seed) {
    this.state = BigInt(seed);
  }

  next() {
    let x = this.state;
    x ^= x >> 12n;
    x = (x ^ (x << 25n)) & MASK64;
    x ^= x >> 27n;
    this.state = x;
    return (x * 0x2545f4914f6cdd1dn) & MASK64;
  }

  below(n) {
    return Number(this.next() % BigInt(Math.max(1, n)));
  }

  /** Uniform in -1 ..= 1. */
  signed() {
    return Number(this.next() >> 11n) / 2 ** 53 * 2 - 1;
  }
}

/** A hand: keeps some of its velocity from frame to frame, turns a little, bounces off the edges. */
class Hand {
  constructor() {
    this.at = [512, 300];
    this.velocity = [4, 0];
  }

  next(rng) {
    for (let axis = 0; axis < 2; axis++) {
      this.velocity[axis] = Math.max(-24, Math.min(24, this.velocity[axis] * 0.9 + rng.signed() * 3));
      this.at[axis] += this.velocity[axis];
      if (this.at[axis] < 0 || this.at[axis] >= SIDE) {
        this.velocity[axis] = -this.velocity[axis];
        this.at[axis] = Math.max(0, Math.min(SIDE - 1, this.at[axis]));
      }
    }
    return [Math.trunc(this.at[0]), Math.trunc(this.at[1])];
  }
}

/** Mostly falling materials, and the eraser often enough that the world does not fill up. */
const PALETTE = [MATERIAL.SAND, MATERIAL.WATER, MATERIAL.EMPTY, MATERIAL.STONE, MATERIAL.OIL, MATERIAL.PLANT, MATERIAL.EMPTY];

const command = (step, kind, fields = {}) => ({ step, kind, x0: 0, y0: 0, x1: 0, y1: 0, radius: 0, material: 0, mask: 0, ...fields });

/** Every command of a session of `minutes`, in order, each with its step (frame f's commands are due at step f). */
export function scriptedSession(minutes) {
  const frames = Math.round(minutes * 60 * FRAMES_PER_SECOND);
  const rng = new Rng(0x5e551011);
  const hand = new Hand();
  const brush = () => ({ radius: 1 + rng.below(8), material: PALETTE[rng.below(PALETTE.length)], mask: PAINT_MASK.DEFAULT });
  let strokeId = 0;
  let strokeLeft = 0;
  let current = brush();
  let pen = hand.next(rng);
  const commands = [];
  for (let frame = 0; frame < frames; frame++) {
    if (strokeLeft === 0) {
      // About a second per stroke; the hand lifts and lands elsewhere now and then.
      strokeId++;
      strokeLeft = 40 + rng.below(41);
      commands.push(command(frame, COMMAND.BEGIN_STROKE, { x0: strokeId }));
      if (rng.below(3) === 0) current = brush();
      if (rng.below(4) === 0) {
        hand.at = [rng.below(SIDE), rng.below(SIDE / 2)];
        pen = hand.next(rng);
      }
      const roll = rng.below(40);
      if (roll <= 1) commands.push(command(frame, COMMAND.UNDO));
      else if (roll === 2) commands.push(command(frame, COMMAND.REDO));
      else if (roll === 3) {
        const x = rng.below(SIDE - 64);
        const y = rng.below(SIDE - 64);
        const kind = rng.below(2) === 0 ? COMMAND.RECT_FILLED : COMMAND.RECT_OUTLINE;
        commands.push(command(frame, kind, { x0: x, y0: y, x1: x + 8 + rng.below(56), y1: y + 8 + rng.below(56), ...current }));
      } else if (roll === 4) {
        commands.push(command(frame, COMMAND.FILL, { x0: rng.below(SIDE), y0: rng.below(SIDE), material: MATERIAL.WATER }));
      }
    }
    const to = hand.next(rng);
    commands.push(command(frame, COMMAND.PAINT, { x0: pen[0], y0: pen[1], x1: to[0], y1: to[1], ...current }));
    pen = to;
    strokeLeft--;
  }
  return { frames, commands };
}
