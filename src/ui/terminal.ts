import { Writable } from 'node:stream';

/**
 * One writer for everything a person sees on stderr: while a live progress bar is drawn, log lines
 * go through it (printed above the bar) instead of being torn through it.
 */
export interface LineSink {
  log(text: string): void;
}

export class TerminalOutput {
  private sink: LineSink | undefined;

  constructor(private readonly stream: NodeJS.WritableStream) {}

  attach(sink: LineSink | undefined): void {
    this.sink = sink;
  }

  write(text: string): void {
    if (this.sink) this.sink.log(text.endsWith('\n') ? text : `${text}\n`);
    else this.stream.write(text);
  }

  /** A synchronous Writable for pino-pretty. */
  asWritable(): Writable {
    return new Writable({
      write: (chunk: Buffer | string, _encoding, callback) => {
        this.write(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
        callback();
      },
    });
  }
}
