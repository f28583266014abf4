import { resolveLocalTime } from "../../app/domain/time/brussels";
import { addBusinessDays } from "../../app/domain/time/business-days";
import { report } from "./report";

/** The Brussels time rules run on every save and every calendar move: they must stay cheap. */
export async function run(): Promise<void> {
  const n = 20_000;
  let start = performance.now();
  for (let i = 0; i < n; i++) resolveLocalTime(`2026-${String((i % 12) + 1).padStart(2, "0")}-15`, i % 2 ? "02:30" : "09:00");
  report("time.resolve_local_time", ((performance.now() - start) * 1000) / n, "us/op");
  start = performance.now();
  for (let i = 0; i < n; i++) addBusinessDays("2026-12-24", -2 - (i % 5));
  report("time.add_business_days", ((performance.now() - start) * 1000) / n, "us/op");
  await Promise.resolve();
}
