import { readdirSync, readFileSync } from "node:fs";

/**
 * CPU time (ms) so far of the workerd processes this Node process started (Miniflare's), all
 * threads, from /proc: the gateway, its Durable Objects and the local D1 and queues all run
 * there, so a batch's difference is what the runtime spent on it, whichever part did the work.
 * In clock ticks (usually 10 ms), so it is summed over many batches. Null where /proc is not
 * there (not Linux).
 */
/** USER_HZ: 100 on every Linux the benchmark is likely to meet (sysconf is not reachable from Node). */
const TICKS_PER_SECOND = 100;

export function workerdCpuMs(): number | null {
  let total = 0;
  let found = false;
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((p) => /^\d+$/.test(p));
  } catch {
    return null;
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const name = /\((.*)\)/.exec(stat)?.[1];
      // After the name: state, ppid, … utime (14th field of the line), stime (15th).
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (name !== "workerd" || Number(fields[1]) !== process.pid) continue;
      total += ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
      found = true;
    } catch {
      // a process that ended meanwhile
    }
  }
  return found ? total : null;
}
