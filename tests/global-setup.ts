// Before any test runs, dist/ is brought up to date with the sources: CLI tests spawn
// bin/noodle.js, which runs the built bundle, and must never test a stale build.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
// @ts-expect-error: plain JavaScript shared with the npm build scripts
import { staleBuild } from "../scripts/build-stamp.js";

export default function setup(): void {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const script = staleBuild(root) as string | undefined;
  if (!script) return;
  console.log(`dist/ is older than its sources: running npm run ${script}`);
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const r = spawnSync(npm, ["run", script], { cwd: root, stdio: "inherit", shell: process.platform === "win32" });
  if (r.status !== 0) throw new Error(`npm run ${script} failed (exit ${r.status ?? r.signal}): the tests need a working build`);
}
