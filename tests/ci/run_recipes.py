#!/usr/bin/env python3
"""Runs the shell steps of docs/ci/*.yml against a real ipclabd on loopback.

For each recipe: start ipclabd on a free loopback port, then run the recipe's
steps twice in one workspace - first as a push to main (no baseline: it
measures and writes the baseline bundle), then as a change on a branch (it
imports the bundle, measures and gates against main's history). CI-only steps
(`uses:`, names or lines marked "CI only") are skipped; the CI system's
variables are faked (GITHUB_STEP_SUMMARY is a temporary file). Checks: every
step exits 0, the bundle exists after the first pass, the second pass wrote
a gate summary and JUnit XML. Usage: run_recipes.py REPO_ROOT BIN_DIR
"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import yaml

RUN_ARGS = "pipe -p total_bytes=4MiB -p message_size=64KiB --repetitions 6 --warmup 0"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def github_steps(doc):
    steps = []
    for job in doc["jobs"].values():
        for step in job["steps"]:
            if "uses" in step or "CI only" in step.get("name", ""):
                continue
            steps.append((step.get("name", "step"), step["run"], step.get("if")))
    return steps


def gitlab_steps(doc):
    job = doc["ipclab-perf-gate"]
    return [("script", "\n".join(job["script"]), None)]


def run_pass(name, steps, env, workspace):
    for title, script, condition in steps:
        if condition and "refs/heads/main" in condition and env.get("GITHUB_REF") != "refs/heads/main":
            continue
        result = subprocess.run(["bash", "-eo", "pipefail", "-c", script], cwd=workspace, env=env,
                                capture_output=True, text=True, timeout=600)
        print(f"[{name}] {title}: exit {result.returncode}")
        if result.returncode != 0:
            print(result.stdout, result.stderr, sep="\n")
            raise SystemExit(f"{name}: step '{title}' failed")


def main():
    root, bin_dir = sys.argv[1], sys.argv[2]
    port = free_port()
    work = tempfile.mkdtemp(prefix="ipclab-recipes-")
    server = subprocess.Popen([os.path.join(bin_dir, "ipclabd"), "--listen", f"127.0.0.1:{port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        address = f"127.0.0.1:{port}"
        for _ in range(100):
            if subprocess.run([os.path.join(bin_dir, "ipclab"), "health", "--server", address],
                              capture_output=True).returncode == 0:
                break
            time.sleep(0.1)
        else:
            raise SystemExit("ipclabd did not become healthy")
        for recipe, parse in (("github-actions.yml", github_steps), ("gitlab-ci.yml", gitlab_steps)):
            with open(os.path.join(root, "docs", "ci", recipe)) as f:
                steps = parse(yaml.safe_load(f))
            workspace = os.path.join(work, recipe)
            os.makedirs(workspace)
            temp = os.path.join(workspace, "runner-temp")
            os.makedirs(temp)
            summary = os.path.join(temp, "summary.md")
            base_env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ["PATH"],
                            IPCLAB_SERVER=address, IPCLAB_FLAGS="",
                            # The recipes' steps are under test, not this host's timing
                            # noise: one short run per side can differ by more than
                            # the gate allows (docs/GATE.md), so gate on the counts.
                            IPCLAB_GATE_FLAGS="--metric faults_per_page,rss_growth", IPCLAB_RUN_ARGS=RUN_ARGS,
                            IPCLAB_BUNDLE="baseline.ipclab.json", RUNNER_TEMP=temp,
                            GITHUB_STEP_SUMMARY=summary, CI_PROJECT_DIR=workspace)
            for n, (branch, sha) in enumerate((("main", "aaa111"), ("feature", "bbb222"))):
                env = dict(base_env, GITHUB_SHA=sha, GITHUB_REF_NAME=branch,
                           GITHUB_REF=f"refs/heads/{branch}", CI_COMMIT_SHA=sha,
                           CI_COMMIT_REF_NAME=branch)
                # a fresh runner: only the workspace's cache survives
                for leftover in ("ipclab.db",):
                    path = os.path.join(temp, leftover)
                    if os.path.exists(path):
                        os.remove(path)
                if os.path.exists(os.path.join(workspace, ".ipclab.db")):
                    os.remove(os.path.join(workspace, ".ipclab.db"))
                run_pass(f"{recipe} {branch}", steps, env, workspace)
                if n == 0 and not os.path.exists(os.path.join(workspace, "baseline.ipclab.json")):
                    raise SystemExit(f"{recipe}: main's pass wrote no baseline bundle")
            summary_text = open(summary).read() if recipe.startswith("github") else open(
                os.path.join(workspace, "gate.md")).read()
            if "ipclab gate:" not in summary_text:
                raise SystemExit(f"{recipe}: the branch pass wrote no gate summary:\n{summary_text}")
            junit = os.path.join(workspace, "gate.xml")
            if not os.path.exists(junit):
                raise SystemExit(f"{recipe}: no JUnit XML")
            # What Jenkins and GitLab read: the JUnit XML against junit-10.xsd.
            xsd = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "testdata",
                               "junit-10.xsd")
            checked = subprocess.run(["xmllint", "--noout", "--schema", xsd, junit],
                                     capture_output=True, text=True)
            if checked.returncode != 0:
                raise SystemExit(f"{recipe}: gate.xml does not validate against junit-10.xsd:\n"
                                 f"{checked.stderr}")
            print(f"{recipe}: OK")
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
