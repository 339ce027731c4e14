// Runs tests/pyodide/lite_runner.py inside Pyodide under Node, offline, and prints its JSON answer.
//   node run_lite.mjs PYODIDE_DIR RUNNER.py JOB.json WHEEL...
// PYODIDE_DIR is the pinned npm package (scripts/bootstrap.sh test installs it into .cache/pyodide);
// JOB.json is Python's JSON (it may hold NaN), handed to the runner untouched (see lite_runner.py).
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";

const [pyodideDir, runnerPath, jobPath, ...wheels] = process.argv.slice(2);

// The test never downloads: a fetch would be Pyodide reaching for a CDN, so make it fail loudly.
globalThis.fetch = async (url) => {
  throw new Error(`network access attempted: ${url}`);
};

// Errors as their message only (a PythonError's message is the Python traceback), not Node's dump
// of the minified line that threw.
try {
  const started = performance.now();
  const { loadPyodide } = await import(pathToFileURL(join(pyodideDir, "pyodide.mjs")).href);
  const pyodide = await loadPyodide({
    indexURL: pyodideDir.endsWith("/") ? pyodideDir : pyodideDir + "/",
    stdout: (line) => process.stderr.write(line + "\n"),
    stderr: (line) => process.stderr.write(line + "\n"),
  });
  const loaded = performance.now();

  // Wheels go into Pyodide's in-memory file system; the runner unpacks them into site-packages.
  pyodide.FS.mkdirTree("/tmp/wheels");
  const inside = wheels.map((wheel) => {
    const path = `/tmp/wheels/${basename(wheel)}`;
    pyodide.FS.writeFile(path, readFileSync(wheel));
    return path;
  });
  pyodide.runPython(readFileSync(runnerPath, "utf8"));
  const run = pyodide.globals.get("run");
  process.stdout.write(run(readFileSync(jobPath, "utf8"), JSON.stringify(inside), (loaded - started) / 1000));
} catch (error) {
  process.stderr.write(`${error?.message ?? error}\n`);
  process.exit(1);
}
