// Lays out Switchboard as an app would have it installed, and runs such apps, for the SDK kit's tests.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { runProcess, type ProcessResult } from './process.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Lays out the package as npm would install it, from the current sources: node_modules/switchboard with the
 * real package.json (so its `exports` map is what resolves `switchboard/register`) and dist/ holding the
 * given source files (default: the register module) and everything they import, compiled to ESM as
 * `npm run build` does. `twilioDir` is the twilio package the app gets (default: the repository's own).
 */
export function installPackage(into: string, opts: { sources?: string[]; twilioDir?: string } = {}): void {
  const pkgDir = join(into, 'node_modules/switchboard');
  mkdirSync(pkgDir, { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(pkgDir, 'package.json'));
  const exportsMap = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, string> }).exports;
  const entry = exportsMap['./register'];
  assert.ok(entry, 'package.json exports ./register');
  const pending = [join(ROOT, 'src', relative('./dist', entry).replace(/\.js$/, '.ts')), ...(opts.sources ?? []).map((s) => join(ROOT, s))];
  const done = new Set<string>();
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (done.has(file)) continue;
    done.add(file);
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
      // ESNext: the package is "type": "module", which NodeNext would need a package.json lookup to know.
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
      fileName: file,
    });
    const out = join(pkgDir, 'dist', relative(join(ROOT, 'src'), file).replace(/\.ts$/, '.js'));
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, outputText);
    for (const m of outputText.matchAll(/from '(\.[^']+)\.js'/g)) pending.push(join(dirname(file), `${m[1]!}.ts`));
  }
  symlinkSync(opts.twilioDir ?? join(ROOT, 'node_modules/twilio'), join(into, 'node_modules/twilio'), 'dir');
}

/**
 * A released twilio-node, installed from the npm registry once per machine into a cache folder outside the
 * repository (later runs reuse it). Returns the package's folder.
 */
export function installTwilio(version: string): string {
  const cache = join(tmpdir(), 'switchboard-sdk-cache', `twilio-${version}`);
  const pkg = join(cache, 'node_modules/twilio');
  if (existsSync(join(pkg, 'package.json'))) return pkg;
  const staging = `${cache}.${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const r = spawnSync(
    'npm',
    ['install', '--prefix', staging, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', `twilio@${version}`],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 0, `npm install twilio@${version}: ${r.stderr}`);
  rmSync(cache, { recursive: true, force: true });
  renameSync(staging, cache);
  return pkg;
}

export function runNode(args: string[], cwd: string, env: Record<string, string>): Promise<ProcessResult> {
  return runProcess(process.execPath, args, { cwd, env: { PATH: process.env.PATH ?? '', ...env } });
}
