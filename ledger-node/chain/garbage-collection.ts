import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

type Collect = (options: { type: "minor" | "major" }) => void;

let collect: Collect | undefined;

/**
 * Runs a garbage collection now: for native memory that a small JavaScript object owns (an engine's answer, an
 * engine), which V8 does not count, so that no collection would come for it in time. `--expose-gc` is set for
 * this process when first needed, and `gc` is taken from a new context, where the flag makes it appear.
 */
export function collectGarbage(type: "minor" | "major"): void {
  if (collect === undefined) {
    setFlagsFromString("--expose-gc");
    collect = runInNewContext("gc") as Collect;
  }
  collect({ type });
}
