/**
 * Model parameters as a flat, named map of tf.Variables with seeded initialisers, so models hold
 * architecture only, checkpoints are a name -> array map, and every run is reproducible.
 */
import * as tf from '@tensorflow/tfjs';
import { hashSeed } from '../../data/synth/random.ts';

let instances = 0;

export class Params {
  readonly vars = new Map<string, tf.Variable>();
  /** tfjs variable names are global: each instance prefixes its own (`m3/stem/w`) */
  readonly prefix: string;
  private readonly seed: number;

  constructor(seed: number) {
    this.seed = seed;
    this.prefix = `m${++instances}/`;
  }

  /** Strips this instance's prefix from a global variable (or optimizer slot) name. */
  local(globalName: string): string {
    return globalName.startsWith(this.prefix) ? globalName.slice(this.prefix.length) : globalName;
  }

  /** He-normal weights for a layer with `fanIn` inputs (ReLU/PReLU networks). */
  he(name: string, shape: number[], fanIn: number): tf.Variable {
    return this.add(name, () => tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', hashSeed(this.seed, this.vars.size)));
  }

  /** Glorot-uniform weights (heads, dense layers without ReLU). */
  glorot(name: string, shape: number[], fanIn: number, fanOut: number): tf.Variable {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    return this.add(name, () => tf.randomUniform(shape, -limit, limit, 'float32', hashSeed(this.seed, this.vars.size)));
  }

  constant(name: string, shape: number[], value: number, trainable = true): tf.Variable {
    return this.add(name, () => tf.fill(shape, value), trainable);
  }

  get(name: string): tf.Variable {
    const v = this.vars.get(name);
    if (!v) throw new Error(`no parameter ${name}`);
    return v;
  }

  trainable(): tf.Variable[] {
    return [...this.vars.values()].filter((v) => v.trainable);
  }

  count(): number {
    return this.trainable().reduce((n, v) => n + v.size, 0);
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
  }

  private add(name: string, init: () => tf.Tensor, trainable = true): tf.Variable {
    if (this.vars.has(name)) throw new Error(`duplicate parameter ${name}`);
    const value = init();
    const v = tf.variable(value, trainable, this.prefix + name);
    value.dispose();
    this.vars.set(name, v);
    return v;
  }
}
