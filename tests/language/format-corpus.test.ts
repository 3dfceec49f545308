// The formatter on every conformance program and example: the formatted program compiles to the
// same code (positions aside) and prints the same when run; formatting it again changes nothing;
// every comment survives with its text; and the examples are kept formatted (`noodle fmt --check`).
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { disassemble } from "../../src/bytecode/disasm.js";
import { compile } from "../../src/compiler/compile.js";
import { DiagnosticBag, SourceFile } from "../../src/compiler/diagnostics.js";
import { lex } from "../../src/compiler/lexer.js";
import { formatSource } from "../../src/language/format.js";
import { AWAITING } from "../conformance/awaiting.js";
import { cli, conformanceSuites, OWN_CONFORMANCE, ROOT } from "../helpers.js";

const EXAMPLE_DIRS = ["examples", "web/examples"].map((d) => join(ROOT, d)).filter(existsSync);

/** Every program of the corpus: [label, folder, file name]. */
const corpus: [string, string, string][] = [
  ...conformanceSuites().flatMap((s) => s.programs.map((p): [string, string, string] => [`${s.name}/${p}.nc`, s.dir, `${p}.nc`])),
  ...EXAMPLE_DIRS.flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith(".nc"))
      .map((f): [string, string, string] => [`${dir.slice(ROOT.length)}/${f}`, dir, f]),
  ),
];

/** The tokens of a source with the comments between them, read without the formatter's help. */
function tokensAndComments(text: string): { tokens: string[]; comments: string[] } {
  const tokens = lex(new SourceFile("x.nc", text), new DiagnosticBag());
  const comments: string[] = [];
  let prev = 0;
  for (const t of tokens) {
    const gap = text.slice(prev, t.span.start);
    for (const m of gap.matchAll(/\/\/[^\n]*|\/\*[\s\S]*?(\*\/|$)/g)) comments.push(m[0].replace(/\s+$/, ""));
    prev = t.span.end;
  }
  return { tokens: tokens.map((t) => `${t.kind} ${t.text}`), comments };
}

/** What a program compiles to, without source positions: its disassembly, or its error codes. */
function compiled(text: string, dir: string, file: string): string {
  const c = compile(text, { file: join(dir, file), readFile: (p) => (existsSync(p) ? readFileSync(p, "utf8") : undefined) });
  if (!c.ok || !c.module) return `errors ${c.diagnostics.map((d) => d.code).join(" ")}`;
  return disassemble(c.module)
    .replace(/\bL\d+\b|:\d+(:\d+)?/g, "")
    .replace(/[ \t]+/g, " ");
}

describe("formatting the conformance programs and the examples", () => {
  it("finds them", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(50);
  });

  for (const [label, dir, file] of corpus) {
    it(label, () => {
      const text = readFileSync(join(dir, file), "utf8");
      const once = formatSource(text, file);
      if (!once.ok) {
        // a program that does not parse is kept, and its .err expects that syntax error
        const err = readFileSync(join(dir, file.replace(/\.nc$/, ".err")), "utf8");
        expect(err.startsWith(`error[${once.diagnostics[0].code}]`)).toBe(true);
        return;
      }
      const twice = formatSource(once.text, file);
      expect(twice).toEqual(once);
      const before = tokensAndComments(text);
      const after = tokensAndComments(once.text);
      expect(after.tokens).toEqual(before.tokens);
      expect(after.comments).toEqual(before.comments);
      expect(compiled(once.text, dir, file)).toBe(compiled(text, dir, file));
    });
  }
});

describe("running formatted programs", () => {
  const scratch = mkdtempSync(join(tmpdir(), "noodle-fmt-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  /** `noodle run` in a folder of its own (a program's stores go there). */
  const run = (file: string) => {
    const cwd = mkdtempSync(join(scratch, "cwd-"));
    const r = spawnSync(process.execPath, [join(ROOT, "bin/noodle.js"), "run", file], { encoding: "utf8", cwd, timeout: 60_000 });
    return { code: r.status, stdout: r.stdout, errors: r.stderr.split("\n").filter((l) => l.startsWith("error[")) };
  };

  for (const suite of conformanceSuites()) {
    it(`prints what ${suite.name} expects, formatted`, { timeout: 600_000 }, () => {
      const dir = join(scratch, suite.name.replace(/\W+/g, "-"));
      cpSync(suite.dir, dir, { recursive: true });
      // syntax errors (exit 2) leave those files as they are
      expect([0, 2]).toContain(cli(["fmt", dir]).code);
      // a program that awaits a feature does not run as its .out says, formatted or not
      const runnable = suite.programs.filter((p) => !(suite.dir === OWN_CONFORMANCE && AWAITING.has(p)));
      for (const name of runnable) {
        const r = run(join(dir, `${name}.nc`));
        expect(r.stdout, name).toBe(readFileSync(join(dir, `${name}.out`), "utf8"));
        const errFile = join(dir, `${name}.err`);
        const want = existsSync(errFile) ? readFileSync(errFile, "utf8").trim().split("\n") : [];
        want.forEach((w, i) => expect(r.errors[i]?.startsWith(w), `${name}: ${r.errors.join("\n")}`).toBe(true));
        expect(r.code, name).toBe(want.length === 0 ? 0 : want[0].startsWith("error[2") ? 2 : 1);
      }
    });
  }

  it("prints the same for every example, formatted", { timeout: 600_000 }, () => {
    for (const source of EXAMPLE_DIRS) {
      const dir = join(scratch, source.slice(ROOT.length).replace(/\W+/g, "-"));
      cpSync(source, dir, { recursive: true });
      // the examples are kept formatted, so fmt is given them unindented to indent back
      for (const f of readdirSync(dir).filter((n) => n.endsWith(".nc"))) {
        const text = readFileSync(join(source, f), "utf8");
        if (!text.includes("/*")) writeFileSync(join(dir, f), text.replace(/^ +/gm, ""));
      }
      expect(cli(["fmt", dir]).code).toBe(0);
      for (const f of readdirSync(dir).filter((n) => n.endsWith(".nc"))) {
        expect(readFileSync(join(dir, f), "utf8"), f).toBe(readFileSync(join(source, f), "utf8"));
        const a = run(join(source, f));
        const b = run(join(dir, f));
        expect(b, f).toEqual(a);
      }
    }
  });

  it("finds the examples formatted (noodle fmt --check)", () => {
    const r = cli(["fmt", "--check", ...EXAMPLE_DIRS]);
    expect(r.stdout).toBe("");
    expect(r.code).toBe(0);
  });
});
