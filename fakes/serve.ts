import { startFakeNetworks } from "./networks";

// The local network stand-ins in a process of their own (benchmarks: what is measured is Cadence,
// not the stand-ins sharing its event loop). Prints "listening <url>"; stops on SIGTERM.
const fake = await startFakeNetworks({ port: Number(process.env.FAKE_PORT ?? 0) });
process.stdout.write(`listening ${fake.url}\n`);
process.once("SIGTERM", () => void fake.close().then(() => process.exit(0)));
