/**
 * Raising the calling thread above the rest of the machine, for the media engine's threads (and the
 * benchmarks' stand-ins for far-end phones). Linux keeps a scheduling policy and a nice value per thread,
 * and /proc/thread-self names the calling thread's id, which sched_setscheduler(2) and setpriority(2)
 * accept in place of a process id: so only this thread moves, never the main thread or the database.
 *
 * Real-time first (SCHED_RR): a runnable real-time thread takes a core from any ordinary one at once, so
 * the 20 ms clock no longer waits behind call setup, TwiML fetches or other processes. Node has no binding
 * for sched_setscheduler, so util-linux's `chrt` (in every Debian base system) sets it, once per thread at
 * start, with SCHED_RESET_ON_FORK so that threads it creates later (libuv's pool, if this thread is the
 * first to use it) start ordinary rather than inherit real time. The kernel's real-time budget (95 % of
 * each second per CPU by default) keeps a runaway thread from freezing the machine. Where real time is
 * refused (no root or CAP_SYS_NICE) or not asked for, the thread's nice value is lowered instead, which the
 * scheduler weighs but does not obey.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

export interface ThreadPriorityRequest {
  /** SCHED_RR priority, 1-99; 0 asks for none. */
  realtime: number;
  /** Nice steps below the inherited value, used when real time is not in force; 0 leaves it. */
  niceBoost: number;
}

export interface ThreadPriorityReport {
  /** The SCHED_RR priority in force, or null when the thread runs under the ordinary policy. */
  realtime: number | null;
  /** The thread's nice value (meaningful only without real time), or null when it could not be read. */
  nice: number | null;
  /** Why something asked for was refused (the thread then runs as it was, or with the nice fallback). */
  error: string | null;
}

const SCHED_FIFO = 1;
const SCHED_RR = 2;

export function raiseThisThread(want: ThreadPriorityRequest): ThreadPriorityReport {
  let tid: number;
  try {
    tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return { realtime: null, nice: null, error: 'no per-thread scheduling here (no /proc/thread-self)' };
  }
  if (!Number.isInteger(tid) || tid <= 0) return { realtime: null, nice: null, error: 'no thread id in /proc/thread-self' };
  const errors: string[] = [];
  if (want.realtime > 0) {
    try {
      execFileSync('chrt', ['--reset-on-fork', '--rr', '--pid', String(Math.min(99, want.realtime)), String(tid)], { stdio: 'pipe', timeout: 5000 });
    } catch (err) {
      errors.push(`real-time priority refused: ${firstLine(err)}`);
    }
  }
  const realtime = realtimeOfThisThread();
  if (realtime === null && want.niceBoost > 0) {
    try {
      setPriority(tid, Math.max(-20, getPriority(tid) - want.niceBoost));
    } catch (err) {
      errors.push(`nice refused: ${firstLine(err)}`);
    }
  }
  let nice: number | null = null;
  try {
    nice = getPriority(tid);
  } catch {
    nice = null;
  }
  return { realtime, nice, error: errors.length ? errors.join('; ') : null };
}

/** The calling thread's SCHED_RR/SCHED_FIFO priority from /proc (fields 40 and 41 of stat), or null. */
function realtimeOfThisThread(): number | null {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command name, the fields count from 3 (state): rt_priority is the 40th, policy the 41st.
    const rtPriority = Number(fields[40 - 3]);
    const policy = Number(fields[41 - 3]);
    return policy === SCHED_RR || policy === SCHED_FIFO ? rtPriority : null;
  } catch {
    return null;
  }
}

function firstLine(err: unknown): string {
  const e = err as { stderr?: Buffer | string; message?: string; code?: string };
  const text = e.stderr ? String(e.stderr) : (e.message ?? String(err));
  return (text.trim().split('\n')[0] ?? '').replace(/^chrt: /, '') || (e.code ?? 'unknown error');
}
