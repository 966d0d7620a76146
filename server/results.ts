/**
 * Episode results as JSON lines, durable and never torn.
 *
 * - Durable before it is told: `write(record)` appends the line and fdatasyncs the file before it returns, and the
 *   room sends the episode summary to its clients only after that (server/rooms/SubstrateRoom.ts), so a summary a
 *   client has received is on disk even if the process is killed the next instant. The write is synchronous: it
 *   holds the event loop for one write(2) + fdatasync(2) per episode (README, "Results file", has the figure).
 * - Never torn: the file is opened for appending (O_APPEND: rooms sharing a file never overwrite each other, and
 *   this process's writes never interleave since each is one synchronous call sequence). If a write fails part-way
 *   (disk full, I/O error), the file is cut back to the length it had before that line; if even that fails, or the
 *   file already ends without a newline when it is opened (a crash of an earlier run mid-write), the torn tail is
 *   cut before the next line is written. Each cut is counted (`torn_tail_cut_bytes`) and logged.
 * - Failures are counted, logged and retried: a line that could not be written is kept in memory (at most
 *   `maxPending` lines; beyond that the newest are dropped and counted) and written, in order, before the next line
 *   or when the room calls `retry()` (once a second). The room reports `figures()` in its metrics.
 *
 * The file system is reached through `ResultsIo` (node:fs by default) so tests can make writes fail.
 */
import * as fs from 'node:fs';
import { dirname } from 'node:path';

/** The synchronous node:fs calls the writer uses; tests replace some of them to simulate failures. */
export interface ResultsIo {
  mkdirSync(path: string, opts: { recursive: true }): unknown;
  openSync(path: string, flags: string): number;
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number): number;
  readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
  fdatasyncSync(fd: number): void;
  ftruncateSync(fd: number, length: number): void;
  fstatSync(fd: number): { size: number };
  closeSync(fd: number): void;
}

export const nodeResultsIo: ResultsIo = {
  mkdirSync: (path, opts) => fs.mkdirSync(path, opts),
  openSync: (path, flags) => fs.openSync(path, flags),
  writeSync: (fd, buffer, offset, length) => fs.writeSync(fd, buffer, offset, length),
  readSync: (fd, buffer, offset, length, position) => fs.readSync(fd, buffer, offset, length, position),
  fdatasyncSync: (fd) => fs.fdatasyncSync(fd),
  ftruncateSync: (fd, length) => fs.ftruncateSync(fd, length),
  fstatSync: (fd) => fs.fstatSync(fd),
  closeSync: (fd) => fs.closeSync(fd),
};

export interface ResultsWriterOptions {
  io?: ResultsIo;
  /** Lines kept in memory while writes fail (default 256). */
  maxPending?: number;
  /** Where failures and cuts are reported (default console.error). */
  log?: (message: string) => void;
  /** Create the file's directory when missing (default true: the operator's results directory). */
  createDirectory?: boolean;
}

export interface ResultsFigures {
  /** Lines on disk (written and synced). */
  written: number;
  /** Write attempts that failed (each failed line counts once per attempt). */
  failed_writes: number;
  /** Lines waiting in memory for a write that works. */
  pending: number;
  /** Lines dropped because `pending` was full. */
  pending_dropped: number;
  /** Bytes of torn lines cut from the end of the file (before a line was written after them). */
  torn_tail_cut_bytes: number;
  last_error: string | null;
}

export class ResultsWriter {
  readonly path: string;
  private readonly io: ResultsIo;
  private readonly maxPending: number;
  private readonly log: (message: string) => void;
  private readonly createDirectory: boolean;
  private fd: number | null = null;
  /** The tail must be checked (and a torn line cut) before the next write: on open and after a failed cut. */
  private checkTail = true;
  private readonly pendingLines: Buffer[] = [];
  private closed = false;
  written = 0;
  failedWrites = 0;
  pendingDropped = 0;
  tornTailCutBytes = 0;
  lastError: Error | null = null;

  constructor(path: string, opts: ResultsWriterOptions = {}) {
    this.path = path;
    this.io = opts.io ?? nodeResultsIo;
    this.maxPending = opts.maxPending ?? 256;
    this.log = opts.log ?? ((m) => console.error(m));
    this.createDirectory = opts.createDirectory ?? true;
  }

  /** Lines waiting in memory. */
  get pending(): number {
    return this.pendingLines.length;
  }

  figures(): ResultsFigures {
    return {
      written: this.written,
      failed_writes: this.failedWrites,
      pending: this.pendingLines.length,
      pending_dropped: this.pendingDropped,
      torn_tail_cut_bytes: this.tornTailCutBytes,
      last_error: this.lastError === null ? null : this.lastError.message,
    };
  }

  /**
   * Append `record` as one JSON line and sync it to disk. Returns true when it (and every line waiting before it)
   * is on disk; false when it is kept in memory (or dropped, the memory bound being reached) after a failure.
   */
  write(record: unknown): boolean {
    if (this.closed) throw new Error(`results writer for ${this.path} is closed`);
    const line = Buffer.from(JSON.stringify(record) + '\n', 'utf8');
    if (this.pendingLines.length >= this.maxPending) {
      this.pendingDropped++;
      this.log(`results: ${this.path}: ${this.pendingLines.length} lines already wait for a write that works; one more line dropped (${this.pendingDropped} so far)`);
      this.retry();
      return false;
    }
    this.pendingLines.push(line);
    return this.retry();
  }

  /** Write the lines waiting in memory, in order; true when none is left. */
  retry(): boolean {
    while (this.pendingLines.length > 0) {
      if (!this.writeLine(this.pendingLines[0]!)) return false;
      this.pendingLines.shift();
      this.written++;
    }
    return true;
  }

  /** Kept for callers of the earlier asynchronous API: write now, resolve when done (never rejects on I/O). */
  append(record: unknown): Promise<void> {
    try {
      this.write(record);
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Nothing is buffered between calls; try the waiting lines once more. */
  flush(): Promise<void> {
    if (!this.closed) this.retry();
    return Promise.resolve();
  }

  /** Try the waiting lines a last time and close the file (idempotent). */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.retry();
    this.closed = true;
    if (this.pendingLines.length > 0) {
      this.log(`results: ${this.path}: closing with ${this.pendingLines.length} lines that could not be written`);
    }
    if (this.fd !== null) {
      try {
        this.io.closeSync(this.fd);
      } catch {
        // Nothing more can be done with the descriptor.
      }
      this.fd = null;
    }
    return Promise.resolve();
  }

  /** One line on disk, or false with the failure counted and logged and the file cut back to whole lines. */
  private writeLine(line: Buffer): boolean {
    let fd: number;
    let before = -1;
    try {
      fd = this.open();
      if (this.checkTail) this.cutTornTail(fd);
      before = this.io.fstatSync(fd).size;
      let at = 0;
      while (at < line.length) at += this.io.writeSync(fd, line, at, line.length - at);
      this.io.fdatasyncSync(fd);
      return true;
    } catch (err) {
      this.fail(err);
      if (this.fd !== null && before >= 0) {
        try {
          // Cut whatever part of the line reached the file: the next line must not start after half of this one.
          this.io.ftruncateSync(this.fd, before);
        } catch {
          this.checkTail = true;
        }
      }
      return false;
    }
  }

  private open(): number {
    if (this.fd !== null) return this.fd;
    if (this.createDirectory) this.io.mkdirSync(dirname(this.path), { recursive: true });
    this.fd = this.io.openSync(this.path, 'a+'); // appending, and reading the tail
    this.checkTail = true;
    return this.fd;
  }

  /** If the file does not end with a newline, cut it back to just after its last newline (or to empty). */
  private cutTornTail(fd: number): void {
    const size = this.io.fstatSync(fd).size;
    let keep = 0;
    if (size > 0) {
      const last = Buffer.alloc(1);
      this.io.readSync(fd, last, 0, 1, size - 1);
      if (last[0] === 0x0a) {
        this.checkTail = false;
        return;
      }
      const chunk = Buffer.alloc(64 * 1024);
      for (let end = size; end > 0 && keep === 0; ) {
        const start = Math.max(0, end - chunk.length);
        const n = this.io.readSync(fd, chunk, 0, end - start, start);
        const nl = chunk.subarray(0, n).lastIndexOf(0x0a);
        if (nl >= 0) keep = start + nl + 1;
        end = start;
      }
      this.io.ftruncateSync(fd, keep);
      this.io.fdatasyncSync(fd);
      this.tornTailCutBytes += size - keep;
      this.log(`results: ${this.path} ended with a torn line of ${size - keep} bytes (a write interrupted by a crash or a full disk): cut it`);
    }
    this.checkTail = false;
  }

  private fail(err: unknown): void {
    this.failedWrites++;
    this.lastError = err instanceof Error ? err : new Error(String(err));
    // The first failure and then one in a hundred: a full disk must not flood the log as well.
    if (this.failedWrites === 1 || this.failedWrites % 100 === 0) {
      this.log(`results: writing ${this.path} failed (${this.failedWrites} failures so far, ${this.pendingLines.length} lines in memory): ${this.lastError.message}`);
    }
  }
}

/**
 * `dir/episodes.jsonl` → `dir/episodes.<node>.jsonl`: in a cluster each process appends to a file of its own (the
 * history reads every .jsonl file of the directory, so it sees them all). No node: the path itself.
 */
export function perProcessFile(path: string, node: string | undefined): string {
  if (!node) return path;
  return path.endsWith('.jsonl') ? `${path.slice(0, -'.jsonl'.length)}.${node}.jsonl` : `${path}.${node}`;
}
