import { resolve } from 'node:path';
import { startCollector } from '../../instrumentation/collect/index.js';
import { defaultRecordingDirName } from '../../format/recording.js';
import { CliError, EXIT } from '../exit-codes.js';

export interface CollectFlags {
  port: string;
  host: string;
  out?: string;
}

/** Runs until SIGINT/SIGTERM, then closes the recording cleanly so nothing received is lost. */
export async function runCollect(flags: CollectFlags): Promise<number> {
  const port = Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port takes 0-65535, not '${flags.port}'`, EXIT.usage);
  const out = resolve(flags.out ?? process.env.TIMESINK_OUT ?? defaultRecordingDirName());
  let collector: Awaited<ReturnType<typeof startCollector>>;
  try {
    collector = await startCollector({ port, host: flags.host, out });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new CliError(`port ${port} on ${flags.host} is already in use: pick another with --port`, EXIT.usage);
    throw e;
  }
  process.stderr.write(
    `[timesink] collecting OTLP/HTTP traces on http://${flags.host}:${collector.port}/v1/traces (JSON or protobuf)\n` +
      `[timesink] point your service at it: OTEL_EXPORTER_OTLP_ENDPOINT=http://${flags.host}:${collector.port}\n` +
      `[timesink] writing ${out}; press Ctrl-C to finish, then: timesink analyze ${out}\n`,
  );
  await new Promise<void>((done) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await collector.close();
  process.stderr.write(`[timesink] recording closed: ${out}\n`);
  return EXIT.ok;
}
