// actions/cache stand-in: restores in the main step, saves in the post step (STATE_isPost).
// Inputs arrive as INPUT_* variables, as the runner passes them to any action. An entry is
// a folder <store>/<key>/ with one archive per base folder (RUNNER_TEMP, the workspace).
"use strict";
const fs = require("fs");
const path = require("path");
const { execFileSync } = require("child_process");

const input = (name) => (process.env[`INPUT_${name.toUpperCase()}`] || "").trim();
const lines = (text) => text.split("\n").map((s) => s.trim()).filter(Boolean);
const store = process.env.E2E_CACHE || "";
const key = input("key");
const bases = { temp: process.env.RUNNER_TEMP, workspace: process.env.GITHUB_WORKSPACE };
const zstd = (() => {
  try {
    execFileSync("zstd", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
const ext = zstd ? ".tar.zst" : ".tar";
const entry = (k) => path.join(store, encodeURIComponent(k));

function setOutput(name, value) {
  fs.appendFileSync(process.env.GITHUB_OUTPUT, `${name}=${value}\n`);
}

function matchingKey() {
  if (!store || !fs.existsSync(store)) return "";
  if (fs.existsSync(entry(key))) return key;
  const keys = fs
    .readdirSync(store)
    .filter((f) => !f.endsWith(".part"))
    .map((f) => ({ k: decodeURIComponent(f), t: fs.statSync(path.join(store, f)).mtimeMs }))
    .sort((a, b) => b.t - a.t);
  for (const prefix of lines(input("restore-keys"))) {
    const found = keys.find(({ k }) => k.startsWith(prefix));
    if (found) return found.k;
  }
  return "";
}

function restore() {
  setOutput("cache-primary-key", key);
  const matched = matchingKey();
  if (!matched) {
    console.log(`Cache not found for input keys: ${key}`);
  } else {
    const compress = zstd ? ["--use-compress-program", "zstd -d -T0"] : [];
    for (const [name, base] of Object.entries(bases)) {
      const archive = path.join(entry(matched), name + ext);
      if (fs.existsSync(archive)) {
        fs.mkdirSync(base, { recursive: true });
        execFileSync("tar", [...compress, "-xf", archive, "-P", "-C", base], { stdio: "inherit" });
      }
    }
    console.log(`Cache restored from key: ${matched}`);
  }
  setOutput("cache-hit", String(matched === key));
  setOutput("cache-matched-key", matched);
}

function save() {
  if (!store) return;
  if (fs.existsSync(entry(key))) {
    console.log(`Cache hit occurred on the primary key ${key}, not saving cache.`);
    return;
  }
  const present = lines(input("path"))
    .map((p) => path.resolve(bases.workspace, p.replace(/^~(?=\/)/, process.env.HOME)))
    .filter((p) => fs.existsSync(p));
  if (!present.length) {
    console.log("Path validation error: no file matched the cache path; not saving cache.");
    return;
  }
  const tmp = entry(key) + ".part";
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  const compress = zstd ? ["--use-compress-program", "zstd -T0 -1"] : [];
  const underTemp = (p) => !path.relative(bases.temp, p).startsWith("..");
  for (const [name, base] of Object.entries(bases)) {
    const files = present
      .filter((p) => (name === "temp") === underTemp(p))
      .map((p) => path.relative(base, p));
    if (files.length) {
      const archive = path.join(tmp, name + ext);
      execFileSync("tar", [...compress, "-cf", archive, "-P", "-C", base, ...files], { stdio: "inherit" });
    }
  }
  fs.renameSync(tmp, entry(key));
  console.log(`Cache saved with key: ${key}`);
}

if (process.env.STATE_isPost === "true") {
  save();
} else {
  fs.appendFileSync(process.env.GITHUB_STATE, "isPost=true\n");
  restore();
}
