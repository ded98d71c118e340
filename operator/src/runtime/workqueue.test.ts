import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Priority, WorkQueue, type WorkqueueObserver } from './workqueue.ts';

/** Takes every key that is ready now, in order, marking each done at once. */
async function drain(queue: WorkQueue): Promise<string[]> {
  const keys: string[] = [];
  while (queue.length > 0) {
    const key = await queue.get();
    if (key === undefined) break;
    keys.push(key);
    queue.done(key);
  }
  return keys;
}

describe('WorkQueue', () => {
  describe('deduplication', () => {
    it('holds a key once however often it is added before a worker takes it', async () => {
      const queue = new WorkQueue();
      queue.add('pets/a');
      queue.add('pets/b');
      queue.add('pets/a');
      queue.add('pets/a');
      expect(queue.length).toBe(2);
      expect(await drain(queue)).toEqual(['pets/a', 'pets/b']);
    });

    it('never hands the same key to two workers at once', async () => {
      const queue = new WorkQueue();
      queue.add('pets/a');
      expect(await queue.get()).toBe('pets/a');
      queue.add('pets/a');
      expect(queue.length).toBe(0);
      let second: string | undefined = 'not handed out';
      void queue.get().then((key) => (second = key));
      await Promise.resolve();
      expect(second).toBe('not handed out');
      queue.done('pets/a');
      await Promise.resolve();
      expect(second).toBe('pets/a');
    });

    it('reprocesses exactly once a key added (many times) while it was being processed', async () => {
      const queue = new WorkQueue();
      queue.add('pets/a');
      const key = await queue.get();
      queue.add('pets/a');
      queue.add('pets/a');
      queue.add('pets/a');
      queue.done(key!);
      expect(queue.length).toBe(1);
      expect(await drain(queue)).toEqual(['pets/a']);
      expect(queue.length).toBe(0);
    });

    it('does not reprocess a key that was not added while being processed', async () => {
      const queue = new WorkQueue();
      queue.add('pets/a');
      queue.done((await queue.get())!);
      expect(queue.length).toBe(0);
    });
  });

  describe('priority', () => {
    it('hands out normal-priority keys (user changes) before low-priority ones (resyncs), FIFO within each', async () => {
      const queue = new WorkQueue();
      for (const key of ['r1', 'r2', 'r3']) queue.add(key, Priority.Low);
      queue.add('edit1', Priority.Normal);
      queue.add('edit2', Priority.Normal);
      expect(await drain(queue)).toEqual(['edit1', 'edit2', 'r1', 'r2', 'r3']);
    });

    it('raises a queued low-priority key when a real change for it arrives', async () => {
      const queue = new WorkQueue();
      queue.add('r1', Priority.Low);
      queue.add('r2', Priority.Low);
      queue.add('e1', Priority.Normal);
      queue.add('r2', Priority.Normal);
      expect(await drain(queue)).toEqual(['e1', 'r2', 'r1']);
    });

    it('never lowers the priority of a queued key', async () => {
      const queue = new WorkQueue();
      queue.add('a', Priority.Low);
      queue.add('b', Priority.Normal);
      queue.add('b', Priority.Low);
      expect(await drain(queue)).toEqual(['b', 'a']);
    });

    it('keeps the highest priority a key was added at while it was processing', async () => {
      const queue = new WorkQueue();
      queue.add('a');
      const a = (await queue.get())!;
      queue.add('z', Priority.Low);
      queue.add('a', Priority.Low);
      queue.add('a', Priority.Normal);
      queue.done(a);
      expect(await drain(queue)).toEqual(['a', 'z']);
    });
  });

  describe('delays and backoff', () => {
    beforeEach(() => {
      jest.useFakeTimers();
    });
    afterEach(() => {
      jest.useRealTimers();
    });

    it('queues a key only once its addAfter delay has passed', async () => {
      const queue = new WorkQueue();
      queue.addAfter('pets/a', 30_000);
      expect(queue.length).toBe(0);
      expect(queue.delayedLength).toBe(1);
      await jest.advanceTimersByTimeAsync(29_999);
      expect(queue.length).toBe(0);
      await jest.advanceTimersByTimeAsync(1);
      expect(queue.length).toBe(1);
    });

    it('keeps the earlier of two delayed adds of a key', async () => {
      const queue = new WorkQueue();
      queue.addAfter('pets/a', 10_000);
      queue.addAfter('pets/a', 60_000);
      queue.addAfter('pets/a', 5_000);
      await jest.advanceTimersByTimeAsync(5_000);
      expect(await drain(queue)).toEqual(['pets/a']);
      await jest.advanceTimersByTimeAsync(60_000);
      expect(queue.length).toBe(0);
    });

    it('makes a delayed key ready at once when it is added without delay', async () => {
      const queue = new WorkQueue();
      queue.addAfter('pets/a', 60_000);
      queue.add('pets/a');
      expect(await drain(queue)).toEqual(['pets/a']);
      await jest.advanceTimersByTimeAsync(60_000);
      expect(queue.length).toBe(0);
    });

    it('retries a failing key after 5, 10, 20, 40 ms … and from 5 ms again after forget', async () => {
      const queue = new WorkQueue();
      const delays: number[] = [];
      for (let attempt = 0; attempt < 4; attempt++) {
        delays.push(queue.addRateLimited('pets/a'));
        await jest.advanceTimersByTimeAsync(delays.at(-1)! - 1);
        expect(queue.length).toBe(0);
        await jest.advanceTimersByTimeAsync(1);
        expect(await drain(queue)).toEqual(['pets/a']);
      }
      expect(delays).toEqual([5, 10, 20, 40]);
      expect(queue.numRequeues('pets/a')).toBe(4);
      queue.forget('pets/a');
      expect(queue.addRateLimited('pets/a')).toBe(5);
    });

    it('reprocesses a key whose retry came due while it was still being processed, after done', async () => {
      const queue = new WorkQueue();
      queue.add('pets/a');
      const key = (await queue.get())!;
      queue.addRateLimited(key);
      await jest.advanceTimersByTimeAsync(5);
      expect(queue.length).toBe(0);
      queue.done(key);
      expect(await drain(queue)).toEqual(['pets/a']);
    });
  });

  describe('shutdown', () => {
    it('hands out nothing more, including keys still queued, and wakes waiting workers', async () => {
      const queue = new WorkQueue();
      const waiting = queue.get();
      queue.add('pets/a');
      const taken = await waiting;
      queue.add('pets/b');
      const drained = queue.shutdown(1000);
      expect(await queue.get()).toBeUndefined();
      queue.add('pets/c');
      expect(queue.length).toBe(0);
      queue.done(taken!);
      await expect(drained).resolves.toBe(true);
    });

    it('resolves false when an in-flight key is not done within the drain bound', async () => {
      jest.useFakeTimers();
      try {
        const queue = new WorkQueue();
        queue.add('pets/a');
        await queue.get();
        const drained = queue.shutdown(30_000);
        await jest.advanceTimersByTimeAsync(30_000);
        await expect(drained).resolves.toBe(false);
      } finally {
        jest.useRealTimers();
      }
    });

    it('drops pending delayed keys so no timer outlives the queue', async () => {
      const queue = new WorkQueue();
      queue.addAfter('pets/a', 60_000);
      await expect(queue.shutdown()).resolves.toBe(true);
      expect(queue.delayedLength).toBe(0);
    });

    it('does not requeue a key that became dirty during shutdown', async () => {
      const queue = new WorkQueue();
      queue.add('pets/a');
      const key = (await queue.get())!;
      queue.add('pets/a');
      const drained = queue.shutdown(1000);
      queue.done(key);
      await drained;
      expect(queue.length).toBe(0);
    });
  });

  it('reports adds, depth per priority, retries and durations to its observer', async () => {
    const seen = { adds: 0, depth: new Map<number, number>(), gets: 0, dones: 0, retries: 0 };
    const observer: WorkqueueObserver = {
      onAdd: () => seen.adds++,
      onDepthChange: (p, d) => seen.depth.set(p, (seen.depth.get(p) ?? 0) + d),
      onGet: () => seen.gets++,
      onDone: () => seen.dones++,
      onRetry: () => seen.retries++,
    };
    const queue = new WorkQueue({ observer });
    queue.add('a');
    queue.add('a');
    queue.add('b', Priority.Low);
    expect(seen.adds).toBe(2);
    expect(seen.depth.get(Priority.Normal)).toBe(1);
    expect(seen.depth.get(Priority.Low)).toBe(1);
    await drain(queue);
    expect(seen.depth.get(Priority.Normal)).toBe(0);
    expect(seen.depth.get(Priority.Low)).toBe(0);
    expect(seen.gets).toBe(2);
    expect(seen.dones).toBe(2);
    queue.addRateLimited('a');
    expect(seen.retries).toBe(1);
    await queue.shutdown();
  });
});
