// Runs programs in this process, as `noodle run` would, in one configuration: a VM with a pool of
// the configuration's workers attached with tasks, its output gathered as the command writes it
// (what the program prints on stdout; an uncaught error rendered on stderr, exit 1). Much cheaper
// than a process per run; `generated.test.ts` checks that it gives the command line's outcome.
//
// Starting workers costs far more than a small program, so one pool serves several programs in
// turn, each program's VM attached to it as a client of its own; the pool is replaced after
// POOL_USES programs (each client keeps a VM on every worker it used) and after any run that did
// not end in time.
import { compile, Pool, VM } from "../../src/node/main.js";
import type { RunConfiguration } from "./configurations.js";
import type { Outcome } from "./outcome.js";

const POOL_USES = 25;

export class LibraryRunner {
  private pool: Pool | undefined;
  private uses = 0;

  constructor(private readonly configuration: RunConfiguration) {}

  /** Runs `source` (named `file` in messages) to its end, or until `timeoutMs` have passed. */
  async run(source: string, file: string, timeoutMs: number): Promise<Outcome> {
    const c = compile(source, { file });
    if (!c.ok || !c.module)
      throw new Error(
        `a generated program did not compile:\n${c.diagnostics.map((d) => `${d.code} ${d.message} at ${d.line}:${d.col}`).join("\n")}\n${source}`,
      );
    let stdout = "";
    let stderr = "";
    const vm = await VM.create({ jit: this.configuration.jit, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    const pool = await this.poolForNextRun();
    pool?.attach(vm, { tasks: true });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
    const result = await Promise.race([vm.runAsync(c.module), timedOut]);
    clearTimeout(timer);
    if (result === "timeout") {
      vm.interrupt();
      await this.close();
      return { code: -1, stdout, stderr, hung: true };
    }
    if (result.ok) return { code: result.exitCode ?? 0, stdout, stderr };
    return { code: 1, stdout, stderr: stderr + result.error.render() + "\n" };
  }

  private async poolForNextRun(): Promise<Pool | undefined> {
    if (this.configuration.workers === undefined) return undefined;
    if (this.pool && this.uses >= POOL_USES) await this.close();
    this.pool ??= await Pool.create({ workers: this.configuration.workers });
    this.uses++;
    return this.pool;
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    this.uses = 0;
    await pool?.close();
  }
}
