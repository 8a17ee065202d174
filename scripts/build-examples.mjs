#!/usr/bin/env node
// Builds the example pipelines in examples/ into real JARs with the JDK's javac and jar (no
// Maven: only the npm registry and Debian's archive are reachable). Each example folder has an
// example.json naming its JAR, main class and entry points; examples/common is compiled into all.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const examples = path.join(root, 'examples');
const common = path.join(examples, 'common', 'src');

const javaFiles = (dir) => fs.readdirSync(dir, { withFileTypes: true, recursive: true })
  .filter((e) => e.isFile() && e.name.endsWith('.java'))
  .map((e) => path.join(e.parentPath ?? e.path, e.name));
const newest = (files) => Math.max(...files.map((f) => fs.statSync(f).mtimeMs));

for (const name of fs.readdirSync(examples)) {
  const meta = path.join(examples, name, 'example.json');
  if (!fs.existsSync(meta)) continue;
  const spec = JSON.parse(fs.readFileSync(meta, 'utf8'));
  const sources = [...javaFiles(path.join(examples, name, 'src')), ...javaFiles(common)];
  const build = path.join(examples, name, 'build');
  const jar = path.join(build, spec.jar);
  if (fs.existsSync(jar) && fs.statSync(jar).mtimeMs >= Math.max(newest(sources), fs.statSync(meta).mtimeMs)) continue;
  fs.rmSync(build, { recursive: true, force: true });
  const classes = path.join(build, 'classes');
  fs.mkdirSync(classes, { recursive: true });
  execFileSync('javac', ['--release', '17', '-d', classes, ...sources], { stdio: 'inherit' });
  const manifest = path.join(build, 'MANIFEST.MF');
  fs.writeFileSync(manifest, `Manifest-Version: 1.0\nMain-Class: ${spec.mainClass}\nEntry-Point: ${spec.entryPoints.join(' ')}\n`);
  execFileSync('jar', ['--create', '--file', jar, '--manifest', manifest, '-C', classes, '.'], { stdio: 'inherit' });
  console.log(`built ${path.relative(root, jar)}`);
}
