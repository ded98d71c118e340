// A cgroup v1 memory limit for one process, as a container runtime sets it: a child of the benchmark's own memory
// cgroup with memory.limit_in_bytes; or a container's own memory cgroup, read from the host. Needs root and cgroup v1
// (/sys/fs/cgroup/memory).
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = '/sys/fs/cgroup/memory';

/** What the kernel says about the processes of a memory cgroup. */
export interface MemoryReading {
  /** memory.usage_in_bytes − total_inactive_file: the working set kubelet and `kubectl top` report, in bytes. */
  workingSet: number;
  /** total_rss: anonymous memory (the V8 heap, malloc) in bytes. */
  anonymous: number;
  /** total_cache: page cache charged to the cgroup (node's code and the bundle, read from the image), in bytes. */
  pageCache: number;
  /** memory.max_usage_in_bytes: the highest usage (page cache included) since the cgroup was created. */
  maxUsage: number;
  /** memory.limit_in_bytes. */
  limit: number;
  /** total_pgmajfault: page faults that had to read from disk; a steady climb means code pages are being thrashed. */
  majorFaults: number;
  /** memory.failcnt: how often usage hit the limit (the kernel then reclaimed, or killed). */
  failcnt: number;
  /** oom_kill in memory.oom_control: processes the OOM killer ended in this cgroup. */
  oomKills: number;
}

export class MemoryCgroup {
  readonly path: string;

  private constructor(dir: string) {
    this.path = dir;
  }

  /** The memory cgroup process `pid` (a container's main process, seen from the host) runs in. */
  static of(pid: number): MemoryCgroup {
    const own = /^\d+:memory:(.*)$/m.exec(readFileSync(`/proc/${pid}/cgroup`, 'utf8'))?.[1];
    if (own === undefined) throw new Error(`process ${pid} is in no cgroup v1 memory cgroup`);
    return MemoryCgroup.at(path.join(root, own));
  }

  /** An existing memory cgroup by its directory (a pod's, the parent of its containers'). */
  static at(dir: string): MemoryCgroup {
    return new MemoryCgroup(dir);
  }

  /** Creates `name` under this process's own memory cgroup (so it counts there too) with `limitBytes`. */
  static create(name: string, limitBytes: number): MemoryCgroup {
    if (!existsSync(path.join(root, 'memory.limit_in_bytes'))) {
      throw new Error(`no cgroup v1 memory controller at ${root}: the memory-limit mode needs cgroup v1 (and root)`);
    }
    const own = /^\d+:memory:(.*)$/m.exec(readFileSync('/proc/self/cgroup', 'utf8'))?.[1] ?? '/';
    const dir = path.join(root, own, name);
    mkdirSync(dir, { recursive: true });
    const cgroup = new MemoryCgroup(dir);
    cgroup.setLimit(limitBytes);
    return cgroup;
  }

  setLimit(bytes: number): void {
    writeFileSync(path.join(this.path, 'memory.limit_in_bytes'), String(bytes));
  }

  /** argv that runs `command` inside this cgroup: a shell joins it, then execs the command (same pid). */
  wrap(command: readonly string[]): string[] {
    return ['/bin/sh', '-c', 'echo $$ > "$0/cgroup.procs" && exec "$@"', this.path, ...command];
  }

  read(): MemoryReading {
    const file = (name: string) => readFileSync(path.join(this.path, name), 'utf8');
    const stat = new Map(
      file('memory.stat')
        .trim()
        .split('\n')
        .map((line) => line.split(' ') as [string, string]),
    );
    const usage = Number(file('memory.usage_in_bytes'));
    const inactiveFile = Number(stat.get('total_inactive_file') ?? 0);
    return {
      workingSet: Math.max(0, usage - inactiveFile),
      anonymous: Number(stat.get('total_rss') ?? 0),
      pageCache: Number(stat.get('total_cache') ?? 0),
      maxUsage: Number(file('memory.max_usage_in_bytes')),
      limit: Number(file('memory.limit_in_bytes')),
      majorFaults: Number(stat.get('total_pgmajfault') ?? 0),
      failcnt: Number(file('memory.failcnt')),
      oomKills: Number(/^oom_kill (\d+)$/m.exec(file('memory.oom_control'))?.[1] ?? 0),
    };
  }

  /** Removes the cgroup; its processes must have exited. */
  remove(): void {
    rmdirSync(this.path);
  }
}

/** `128M`, `128Mi`, `1G`, `1Gi` or bytes, as a memory cgroup and a container limit take them (M = MiB in cgroup v1). */
export function parseMemory(value: string): number {
  const match = /^(\d+)(k|Ki|M|Mi|G|Gi)?$/.exec(value.trim());
  if (!match) throw new Error(`not a memory size: "${value}" (e.g. 128M or 128Mi)`);
  const units: Record<string, number> = { k: 2 ** 10, Ki: 2 ** 10, M: 2 ** 20, Mi: 2 ** 20, G: 2 ** 30, Gi: 2 ** 30 };
  return Number(match[1]) * (units[match[2] ?? ''] ?? 1);
}
