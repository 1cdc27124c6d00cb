import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The layers of src/ and the one direction imports flow (docs/architecture.md):
 *
 *   lib → db → request → auth → resources → routes → app
 *
 * A file imports only from its own layer or the ones before it; a route folder never
 * imports another route folder; lib/ touches no storage and db/ no HTTP framework.
 */
const LAYERS = ["lib", "db", "request", "auth", "resources", "routes", "app"] as const;
type Layer = (typeof LAYERS)[number];

/** Packages a layer must not import (by name prefix). */
const FORBIDDEN_PACKAGES: Partial<Record<Layer, string[]>> = {
  lib: ["drizzle-orm"],
  db: ["hono", "@hono/"],
};

const SRC = resolve(import.meta.dirname, "../../src");

interface Module {
  /** Path inside src/, e.g. `routes/users/users.handlers.ts`. */
  file: string;
  imports: string[];
}

const layerOf = (file: string): Layer => {
  const top = file.split("/")[0]!;
  return (LAYERS as readonly string[]).includes(top) && top !== "app" ? (top as Layer) : "app";
};

/** `routes/<folder>/…` → `<folder>`. */
const routeFolder = (file: string) => (file.startsWith("routes/") ? file.split("/")[1] : undefined);

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"|import\(\s*"([^"]+)"\s*\)/g;

function readModules(dir = SRC): Module[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return readModules(path);
    if (!entry.name.endsWith(".ts")) return [];
    const text = readFileSync(path, "utf8");
    const imports = [...text.matchAll(IMPORT)].map((match) => (match[1] ?? match[2])!);
    return [{ file: relative(SRC, path), imports }];
  });
}

/** Where a relative import lands inside src/ (`../db/schema` → `db/schema/index.ts`). */
function target(from: string, specifier: string, files: Set<string>): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  const base = relative(SRC, resolve(SRC, dirname(from), specifier));
  return [base, `${base}.ts`, `${base}/index.ts`].find((candidate) => files.has(candidate));
}

/** Every import that breaks the layering, as `from → to: why`. */
function violations(modules: Module[]): string[] {
  const files = new Set(modules.map((module) => module.file));
  const found: string[] = [];
  for (const { file, imports } of modules) {
    const layer = layerOf(file);
    for (const specifier of imports) {
      const forbidden = FORBIDDEN_PACKAGES[layer]?.find((name) => specifier.startsWith(name));
      if (forbidden) found.push(`${file} → ${specifier}: ${layer}/ may not use ${forbidden}`);
      const to = target(file, specifier, files);
      if (to === undefined) continue;
      if (LAYERS.indexOf(layerOf(to)) > LAYERS.indexOf(layer)) {
        found.push(`${file} → ${to}: ${layer}/ may not import ${layerOf(to)}/`);
      }
      const [fromFolder, toFolder] = [routeFolder(file), routeFolder(to)];
      if (fromFolder && toFolder && fromFolder !== toFolder) {
        found.push(`${file} → ${to}: a route folder may not import another route folder`);
      }
    }
  }
  return found;
}

/** Import cycles among src/ modules, each as the files of the loop. */
function cycles(modules: Module[]): string[][] {
  const files = new Set(modules.map((module) => module.file));
  const edges = new Map(
    modules.map(({ file, imports }) => [
      file,
      imports.flatMap((specifier) => target(file, specifier, files) ?? []),
    ]),
  );
  const found: string[][] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (file: string, path: string[]) => {
    if (state.get(file) === "done") return;
    if (state.get(file) === "visiting") {
      found.push(path.slice(path.indexOf(file)));
      return;
    }
    state.set(file, "visiting");
    for (const next of edges.get(file) ?? []) visit(next, [...path, next]);
    state.set(file, "done");
  };
  for (const file of files) visit(file, [file]);
  return found;
}

describe("src/ layers", () => {
  const modules = readModules();

  it("reads the whole tree, every layer present", () => {
    expect(modules.length).toBeGreaterThan(50);
    expect(new Set(modules.map((module) => layerOf(module.file)))).toEqual(new Set(LAYERS));
  });

  it("imports flow one way: lib → db → request → auth → resources → routes → app", () => {
    expect(violations(modules)).toEqual([]);
  });

  it("has no import cycles", () => {
    expect(cycles(modules)).toEqual([]);
  });

  it("the check catches each kind of violation", () => {
    const broken: Module[] = [
      { file: "lib/a.ts", imports: ["../db/b", "drizzle-orm"] },
      { file: "db/b.ts", imports: ["hono/factory", "../request/c"] },
      { file: "request/c.ts", imports: ["../auth/d"] },
      { file: "auth/d.ts", imports: ["../resources/e"] },
      { file: "resources/e.ts", imports: ["../routes/x/x.queries"] },
      { file: "routes/x/x.queries.ts", imports: ["../y/y.handlers", "../../app"] },
      { file: "routes/y/y.handlers.ts", imports: ["../x/x.queries"] },
      { file: "app.ts", imports: [] },
    ];
    expect(violations(broken)).toEqual([
      "lib/a.ts → db/b.ts: lib/ may not import db/",
      "lib/a.ts → drizzle-orm: lib/ may not use drizzle-orm",
      "db/b.ts → hono/factory: db/ may not use hono",
      "db/b.ts → request/c.ts: db/ may not import request/",
      "request/c.ts → auth/d.ts: request/ may not import auth/",
      "auth/d.ts → resources/e.ts: auth/ may not import resources/",
      "resources/e.ts → routes/x/x.queries.ts: resources/ may not import routes/",
      "routes/x/x.queries.ts → routes/y/y.handlers.ts: a route folder may not import another route folder",
      "routes/x/x.queries.ts → app.ts: routes/ may not import app/",
      "routes/y/y.handlers.ts → routes/x/x.queries.ts: a route folder may not import another route folder",
    ]);
    expect(cycles(broken)).toEqual([
      ["routes/x/x.queries.ts", "routes/y/y.handlers.ts", "routes/x/x.queries.ts"],
    ]);
  });
});
