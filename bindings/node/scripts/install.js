'use strict';
// npm "install" script: nothing to do when the addon is already built (build/Release/memvid.node,
// which the repository's CMake build writes); otherwise build it with CMake from the
// memvid-cpp repository this package sits in, against the machine's Node headers. Nothing is
// downloaded.
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const pkgDir = path.resolve(__dirname, '..');
const addon = path.join(pkgDir, 'build', 'Release', 'memvid.node');

if (fs.existsSync(addon)) {
  console.log(`memvid-cpp: using the built addon ${addon}`);
  process.exit(0);
}

const repo = path.resolve(pkgDir, '..', '..');
function fail(message) {
  console.error(`memvid-cpp: ${message}`);
  console.error(
    'memvid-cpp: the native addon build/Release/memvid.node is missing and could not be built. ' +
      'Build it from the memvid-cpp repository:\n' +
      '  cd <memvid-cpp> && (cd bindings/node && npm install --ignore-scripts)\n' +
      '  cmake -S . -B build/node -DMEMVID_BUILD_PYTHON=OFF && cmake --build build/node --target memvid_node\n' +
      'then install this package again (it needs CMake, a C++20 compiler, the Node headers ' +
      '(/usr/include/node) and the library dependencies listed in the repository README).'
  );
  process.exit(1);
}

if (!fs.existsSync(path.join(repo, 'CMakeLists.txt')) || !fs.existsSync(path.join(repo, 'include', 'memvid', 'memvid.hpp'))) {
  fail(`no memvid-cpp repository found at ${repo} to build from`);
}
if (!fs.existsSync(path.join(pkgDir, 'node_modules', 'node-addon-api', 'napi.h'))) {
  fail(`node-addon-api is missing in ${path.join(pkgDir, 'node_modules')} (run \`npm install --ignore-scripts\` there)`);
}

function run(cmd, args) {
  console.log(`memvid-cpp: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: repo });
  if (r.error) fail(`could not run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) fail(`${cmd} failed with exit status ${r.status}`);
}

const buildDir = path.join(repo, 'build', 'node-addon');
const generator = [];
// Ninja when it is there (a generator cannot change once the build directory is configured).
if (!fs.existsSync(path.join(buildDir, 'CMakeCache.txt')) && spawnSync('ninja', ['--version']).status === 0) {
  generator.push('-G', 'Ninja');
}
run('cmake', [
  '-S', repo, '-B', buildDir, ...generator, '-DCMAKE_BUILD_TYPE=Release', '-DMEMVID_BUILD_PYTHON=OFF',
  '-DMEMVID_BUILD_TESTS=OFF', '-DMEMVID_BUILD_BENCH=OFF',
]);
run('cmake', ['--build', buildDir, '--target', 'memvid_node', '--parallel']);
if (!fs.existsSync(addon)) fail(`the build finished but ${addon} is missing`);
console.log(`memvid-cpp: built ${addon}`);
