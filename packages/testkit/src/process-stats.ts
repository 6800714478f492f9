import { readFileSync, readdirSync } from "node:fs";

export interface ProcessStats {
  /** User plus system CPU time, in milliseconds. */
  cpuMs: number;
  /** Resident set size now, and its peak so far, in MiB. */
  rssMb: number;
  peakRssMb: number;
}

// Linux reports CPU times in clock ticks; 100 per second on every common kernel.
const TICKS_PER_SECOND = 100;

/** CPU time and memory of another process, read from /proc (Linux only). */
export function processStats(pid: number): ProcessStats {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name, which may itself contain spaces and brackets.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const cpuTicks = Number(fields[11]) + Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0);
  return { cpuMs: (cpuTicks * 1000) / TICKS_PER_SECOND, rssMb: kib("VmRSS") / 1024, peakRssMb: kib("VmHWM") / 1024 };
}

/**
 * CPU time of another process in milliseconds at nanosecond resolution: the run time the
 * scheduler reports for each of its threads (/proc/PID/task/TID/schedstat), where
 * {@link processStats} counts 10 ms ticks. Time of threads that already ended is not counted.
 * Falls back to the ticks on a kernel without schedstat.
 */
export function threadCpuMs(pid: number): number {
  let nanos = 0;
  let read = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      nanos += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, "utf8").split(" ")[0]);
      read++;
    } catch {
      // The thread ended between the listing and the read, or there is no schedstat.
    }
  }
  return read > 0 ? nanos / 1e6 : processStats(pid).cpuMs;
}
