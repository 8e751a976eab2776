/**
 * What the two-callback `then` of an operation returns (see operation.ts): a promise of
 * what the callbacks returned, made only when someone chains on it.
 *
 * Internal to giambio: not part of the public API.
 *
 * @module
 */
import type { Operation } from "./operation";

type Settle = (value: unknown) => unknown;

/** @internal The resolvers of chain promises made before their operation settled. */
export const chainSettlers = new WeakMap<Promise<unknown>, [Settle, Settle]>();

/**
 * What the two-callback `then` of an operation returns: a promise of what its callbacks
 * return, made only if someone uses it. `await op` and `Promise.all([op])` never do, so
 * the common case allocates this small object and no promise (on Node 20, where every
 * promise runs AsyncLocalStorage's hooks, that is most of an operation's cost).
 */
/** @internal */
export class Chained<T> implements Promise<T> {
  constructor(private readonly op: Operation) {}

  get [Symbol.toStringTag](): string {
    return "Promise";
  }

  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return (this.op._chain() as Promise<T>).then(onfulfilled, onrejected);
  }

  catch<R = never>(onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<T | R> {
    return (this.op._chain() as Promise<T>).catch(onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<T> {
    return (this.op._chain() as Promise<T>).finally(onfinally);
  }
}
