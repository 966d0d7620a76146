/**
 * Episode results as JSON lines. Each record is written as ONE `appendFile(line + "\n")` on a file handle opened
 * with flag 'a' (O_APPEND: the kernel positions every write at the end, so rooms sharing a file never overwrite
 * each other), and every append waits for the previous one through a promise chain, so this writer's lines never
 * interleave. A line is a few KB at most, written by one write(2) in practice: a crash can't leave half a line.
 */
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

export class ResultsWriter {
  readonly path: string;
  private handle: Promise<FileHandle> | null = null;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  /** Lines written so far, and the last write error (the room reports both). */
  written = 0;
  lastError: Error | null = null;

  constructor(path: string) {
    this.path = path;
  }

  private file(): Promise<FileHandle> {
    if (!this.handle) {
      this.handle = mkdir(dirname(this.path), { recursive: true }).then(() => open(this.path, 'a'));
    }
    return this.handle;
  }

  /** Queue one record; resolves when its line is on disk (write errors are kept in `lastError`, never thrown). */
  append(record: unknown): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`results writer for ${this.path} is closed`));
    const line = JSON.stringify(record) + '\n';
    this.chain = this.chain.then(async () => {
      try {
        const fh = await this.file().catch((err: unknown) => {
          this.handle = null; // retry the mkdir/open with the next line
          throw err;
        });
        await fh.appendFile(line, 'utf8');
        this.written++;
      } catch (err) {
        this.lastError = err instanceof Error ? err : new Error(String(err));
      }
    });
    return this.chain;
  }

  /** Wait for every queued line. */
  flush(): Promise<void> {
    return this.chain;
  }

  /** Flush and close the file (idempotent). */
  async close(): Promise<void> {
    if (this.closed) return this.chain;
    this.closed = true;
    await this.chain;
    if (this.handle) {
      try {
        await (await this.handle).close();
      } catch {
        // The handle never opened (mkdir/open failed): nothing to close; the error is already in lastError.
      }
    }
  }
}
